"""Searching the directory as a given viewer: request parameters → a checked search →
profiles loaded from the database in rank order. Shared by the pages and the API so
both apply the same parameters, limits and visibility rules."""
import functools
import time
from dataclasses import dataclass, field

from flask import current_app

from expertnet import search
from expertnet.core import access, observability, places, vocab
from expertnet.core.i18n import _, current_language
from expertnet.directory.models import Expert, ExpertField, MergedProfile
from expertnet.taxonomy import store as catalog
from expertnet.taxonomy import terms

# URL parameter → index field
FILTERS = {
    "kind": "kind",
    "field": "fields",
    "country": "country",
    "language": "languages",
    "available_for": "available_for",
    "trust": "trust",
}
SORTS = ("relevance", "name", "updated")
# Index field → URL parameter (the names understood meanings are shown and removed by).
PARAMETERS = {index_field: name for name, index_field in FILTERS.items()}


class BadParameter(ValueError):
    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


@dataclass
class Criteria:
    q: str = ""
    filters: dict = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    # Search the words as typed: no roles, places, kinds or fields read in them.
    literal: bool = False
    # Understood meanings the person removed (their chips): "available_for:reviewing".
    ignore: list = field(default_factory=list)

    def active_filters(self):
        return [(name, value) for name, values in self.filters.items() for value in values]


def _integer(args, name, default):
    raw = args.get(name, "")
    if raw == "":
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise BadParameter(name, _("“%(value)s” is not a whole number", value=raw[:50])) from None


def parse_criteria(args, taxonomy=None):
    """Checked search criteria from request arguments (a MultiDict). Filter values are
    checked against their vocabularies; ``per_page`` is clamped to 1–100 and ``page``
    to 1 or more, as the README documents."""
    config = current_app.config
    q = args.get("q", "")
    filters = {}
    for name in FILTERS:
        values = [value.strip() for value in args.getlist(name) if value.strip()]
        if not values:
            continue
        if name == "field" and taxonomy is None:
            taxonomy = catalog.load()  # once per request, not once per value
        checked = []
        for value in values[:50]:
            checked.append(_check_filter(name, value, taxonomy))
        filters[name] = list(dict.fromkeys(checked))
    sort = args.get("sort", "") or "relevance"
    if sort not in SORTS:
        raise BadParameter("sort", _("must be one of: %(values)s", values=", ".join(SORTS)))
    page = max(1, _integer(args, "page", 1))
    per_page = min(max(1, _integer(args, "per_page", config["SEARCH_PER_PAGE"])),
                   config["SEARCH_MAX_PER_PAGE"])
    literal = args.get("literal", "") in ("1", "true", "on")
    # Keys of understood meanings: only their shape is checked (an unknown key matches
    # no meaning and changes nothing).
    ignore = [key.strip()[:100] for key in args.getlist("ignore")[:20] if ":" in key]
    return Criteria(q=q, filters=filters, sort=sort, page=page, per_page=per_page,
                    literal=literal, ignore=ignore)


def _check_filter(name, value, taxonomy):
    if name == "kind":
        if value not in vocab.KINDS:
            raise BadParameter(name, _("“%(value)s” is not a kind of expert", value=value[:50]))
    elif name == "field":
        if value not in taxonomy.fields:
            raise BadParameter(name, _("“%(value)s” is not a field code", value=value[:50]))
    elif name == "country":
        value = value.upper()
        if not places.is_country(value):
            raise BadParameter(name, _("“%(value)s” is not a country code", value=value[:50]))
    elif name == "language":
        value = value.lower()
        if value not in places.language_codes():
            raise BadParameter(name, _("“%(value)s” is not a language code", value=value[:50]))
    elif name == "available_for" and value not in vocab.AVAILABILITY:
        raise BadParameter(name, _("“%(value)s” is not a kind of help", value=value[:50]))
    elif name == "trust" and value not in vocab.TRUST:
        raise BadParameter(name, _("“%(value)s” is not a trust signal", value=value[:50]))
    return value


@dataclass
class Found:
    experts: list
    total: int
    facets: dict
    highlights: dict
    criteria: Criteria
    # What the search read in the words (Understood), and what it dropped because it
    # left no result.
    understood: list = field(default_factory=list)
    dropped: list = field(default_factory=list)
    # "Did you mean": the text with unknown words corrected ("" when none finds more).
    suggestion: str = ""

    @property
    def pages(self):
        return max(1, -(-self.total // self.criteria.per_page))


@dataclass(frozen=True)
class Understood:
    """A meaning read in the words, in URL terms: filter ``parameter`` on ``value``;
    ``key`` is what ``ignore=`` takes to remove it; ``text`` the words that said it."""
    parameter: str
    value: str
    text: str

    @property
    def key(self):
        return f"{self.parameter}:{self.value}"


def _understood(meanings):
    return [Understood(PARAMETERS[meaning.name], meaning.value, meaning.text)
            for meaning in meanings]


def _ignored(criteria):
    """``ignore=`` keys (URL terms: "field:ai") as the search's meaning keys ("fields:ai")."""
    keys = []
    for key in criteria.ignore:
        name, _sep, value = key.partition(":")
        if name in FILTERS:
            keys.append(f"{FILTERS[name]}:{value}")
    return tuple(keys)


def search_vocabulary(taxonomy, pairs=()):
    """The directory's vocabularies for understanding queries: kinds of help and kinds
    of expert (vocab), fields with their names, synonyms and abbreviations (taxonomy),
    countries by name in both languages (places; Viet Nam is home, not a filter), and
    the accepted pairs of the bilingual term list (``terms.accepted_pairs()``). Built
    once per taxonomy and term list: a curator's edit or decision makes a new key, so
    the next search reads it, in every process."""
    words = tuple((code, tuple(taxonomy.words(code))) for code in taxonomy.fields)
    return _vocabulary(words, tuple(pairs))


@functools.lru_cache(maxsize=4)
def _vocabulary(field_words, pairs=()):
    meanings = []
    for name in ("available_for", "kind"):
        for code, aliases in vocab.QUERY_ALIASES[name].items():
            meanings.append((name, code, aliases))
    for code, texts in field_words:
        meanings.append(("fields", code, texts))
    names = {}
    for code in places.country_codes():
        names.setdefault(code, []).extend(places.country_name(code, lang) for lang in ("vi", "en"))
    for alias, code in places.country_aliases().items():
        names.setdefault(code, []).append(alias)
    for code, texts in names.items():
        if code != "VN":
            meanings.append(("country", code, texts))
    return search.Vocabulary.build(meanings, place_words=vocab.PLACE_WORDS, pairs=pairs)


def _request(criteria, viewer, page, per_page, with_facets, with_highlights=True):
    config = current_app.config
    return search.SearchRequest(
        text=criteria.q,
        filters={FILTERS[name]: tuple(values) for name, values in criteria.filters.items()},
        visibility=access.visible_levels(viewer),
        own_ids=tuple(viewer.always_visible_ids),
        include_contact=access.may_search_contacts(viewer),
        sort=criteria.sort, page=page, per_page=per_page,
        with_facets=with_facets, with_highlights=with_highlights, language=current_language(),
        max_chars=config["SEARCH_MAX_QUERY_CHARS"], max_terms=config["SEARCH_MAX_QUERY_TERMS"],
        vocabulary=_vocabulary_for(criteria),
        ignore=_ignored(criteria),
    )


def _vocabulary_for(criteria):
    """What reads the query's words, or None when there are no words to read (a listing,
    a facet count, the home page: the fields page asks once per kind) or the search is
    literal: the taxonomy and the term list are then not read at all."""
    if criteria.literal or not (criteria.q or "").strip():
        return None
    return search_vocabulary(catalog.load(), terms.accepted_pairs())


def find_all(criteria, viewer, limit, batch=500):
    """Every profile the search finds for ``viewer`` (at most ``limit``), in the order the
    search page shows them, loaded ``batch`` at a time: ``(total, iterator)``. An export
    is exactly the search page's result, every page of it."""
    result = search.search(search.get_store(), _request(
        criteria, viewer, 1, max(1, limit), with_facets=False, with_highlights=False))

    def experts():
        for start in range(0, len(result.ids), batch):
            for expert in load_in_order(result.ids[start:start + batch]):
                if access.can_view(viewer, expert):
                    yield expert
    return result.total, experts()


def find_ids(criteria, viewer, limit):
    """Ids of the profiles the search finds for ``viewer`` (at most ``limit``), in the
    search page's order, from the index alone: the caller loads (and checks) only those
    it needs (saved searches compare them with what they already know)."""
    return list(search.search(search.get_store(), _request(
        criteria, viewer, 1, max(1, limit), with_facets=False, with_highlights=False)).ids)


def find(criteria, viewer=None, with_facets=True):
    viewer = viewer or access.current_viewer()
    request = _request(criteria, viewer, criteria.page, criteria.per_page, with_facets)
    started = time.perf_counter()
    result = search.search(search.get_store(), request)
    observability.log_slow_search(started, result.total, criteria)
    experts = load_in_order(result.ids)
    # The index may lag the database for an instant; never show what the viewer may not see.
    experts = [expert for expert in experts if access.can_view(viewer, expert)]
    facets = {name: result.facets.get(field, {}) for name, field in FILTERS.items()} \
        if with_facets else {}
    return Found(experts, result.total, facets, result.highlights, criteria,
                 _understood(result.understood), _understood(result.dropped), result.suggestion)


def load_in_order(ids):
    if not ids:
        return []
    rows = {expert.id: expert for expert in Expert.select().where(Expert.id.in_(ids))}
    codes = {expert_id: [] for expert_id in rows}
    for link in (ExpertField.select().where(ExpertField.expert.in_(list(rows)))
                 .order_by(ExpertField.position)):
        codes[link.expert_id].append(link.field_id)
    ordered = []
    for expert_id in ids:
        expert = rows.get(expert_id)
        if expert is not None:
            expert.codes = codes[expert_id]
            ordered.append(expert)
    return ordered


def get_visible(expert_id, viewer=None):
    """The profile, or ``None`` when it does not exist *or* the viewer may not see it
    (both answer 404 alike)."""
    viewer = viewer or access.current_viewer()
    expert = Expert.get_or_none(Expert.id == expert_id)
    if expert is None or not access.can_view(viewer, expert):
        return None
    expert.codes = [link.field_id for link in
                    ExpertField.select().where(ExpertField.expert == expert)
                    .order_by(ExpertField.position)]
    return expert


def merged_target(expert_id, viewer=None):
    """The id a merged-away profile now lives under, when the viewer may see that
    profile; ``None`` otherwise, so that an old id reveals nothing about a profile the
    viewer may not see (it answers 404 like an id that never existed)."""
    if Expert.select().where(Expert.id == expert_id).exists():
        return None
    new_id = MergedProfile.select(MergedProfile.new_id).where(
        MergedProfile.old_id == expert_id).scalar()
    if new_id is None:
        return None
    return new_id if get_visible(new_id, viewer) is not None else None
