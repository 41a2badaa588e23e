"""ORCID records: attach an ORCID iD to a profile and prefill the profile
from the public record.

The record is the JSON that ORCID's public API v3.0 answers for
``GET https://pub.orcid.org/v3.0/{id}/record`` with ``Accept: application/json``. The
city's servers have no internet: the file is uploaded by a curator or the expert. Where
a deployment has internet access, ``ORCID_FETCH`` (``EXPERTNET_ORCID_FETCH=1``) lets the
server fetch it itself; it is off by default and never called in tests.

1. :func:`read_record` checks the file (size, JSON, an ORCID record, the iD attached,
   something to import) and keeps a summary of what matters here (:class:`Record`):
   name and other names, biography, keywords, researcher URLs, employments, educations
   and works. The file itself is not kept.
2. :func:`proposal` compares the summary with the profile, field by field (old → new).
3. :func:`apply` writes the fields the person ticked through ``writes`` (version
   checked, audited); an owner's changes to the fields curators vouch for wait for a
   curator (``reviews``), as on the edit form.

An uploaded file proves nothing about who controls the iD (anyone can download anyone's
public record), so the profile says where the data came from and when, and never that
the iD is verified.
"""
import datetime
import hashlib
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field

from flask import current_app

from expertnet.accounts import reviews
from expertnet.core import audit, signals
from expertnet.core.db import database, utc_text, utcnow
from expertnet.core.i18n import _
from expertnet.core.text import clean, fold
from expertnet.curation.models import OrcidImport
from expertnet.directory import indexing, validation, writes
from expertnet.directory.models import MAX_LENGTHS, Expert
from expertnet.taxonomy import store as catalog

# The fields a record may fill, in the order the preview shows them.
FIELDS = ("orcid", "other_names", "organization", "position", "keywords", "website", "bio_en")
# The line that starts the part of the English biography made from the record: a
# second import replaces that part instead of adding it again.
SECTION_MARK = "— ORCID "
_DAY = datetime.timedelta(days=1)
_ID = re.compile(r"^(?:https?://(?:www\.)?orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dXx])/?$")


class RecordError(ValueError):
    """A file (or iD) that cannot be used; ``str()`` is the message for the person, in
    their language."""


def normalize_id(text):
    """``0000-0002-1825-0097`` from an iD as typed (or its orcid.org address), or None
    when it is not an ORCID iD with a correct check digit (ISO 7064 MOD 11-2)."""
    match = _ID.match((text or "").strip())
    if not match or not validation.orcid_checksum_ok(match.group(1)):
        return None
    return match.group(1).upper()


def id_error():
    return _("Not a valid ORCID iD: 16 digits in four groups (the last may be X) with a "
             "correct check digit, e.g. 0000-0002-1825-0097.")


@dataclass
class Affiliation:
    organization: str = ""
    role: str = ""
    department: str = ""
    city: str = ""
    country: str = ""
    start: str = ""  # "2015", "2015-09" or "2015-09-01"
    end: str = ""

    @property
    def current(self):
        return not self.end

    def period(self):
        if not self.start and not self.end:
            return ""
        return f"{self.start[:4]}–{self.end[:4]}"


@dataclass
class Work:
    title: str = ""
    year: str = ""
    doi: str = ""
    journal: str = ""


@dataclass
class Record:
    orcid: str
    name: str = ""
    other_names: list = field(default_factory=list)
    biography: str = ""
    keywords: list = field(default_factory=list)
    urls: list = field(default_factory=list)  # [name, url]
    employments: list = field(default_factory=list)
    educations: list = field(default_factory=list)
    works: list = field(default_factory=list)

    def is_empty(self):
        return not any((self.other_names, self.biography, self.keywords, self.urls,
                        self.employments, self.educations, self.works))

    def to_json(self):
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text):
        data = json.loads(text)
        data["employments"] = [Affiliation(**item) for item in data.get("employments", [])]
        data["educations"] = [Affiliation(**item) for item in data.get("educations", [])]
        data["works"] = [Work(**item) for item in data.get("works", [])]
        return cls(**data)

    def current_employment(self):
        """The current employment that started last (ORCID lists them newest first)."""
        current = [item for item in self.employments if item.current and item.organization]
        return max(current, key=lambda item: item.start, default=None) if current else None


# -- reading the file ---------------------------------------------------------------------
def max_bytes():
    return int(current_app.config["ORCID_MAX_BYTES"])


def read_bytes(stream):
    """The uploaded file's bytes; ``RecordError`` past the size limit (read in pieces:
    a huge upload is never held whole)."""
    limit = max_bytes()
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise RecordError(_("The file is larger than %(size)s MB: an ORCID record is much "
                            "smaller. Is it the right file?", size=round(limit / 1048576, 1)))
    return data


def _text(value):
    """A string from a value, a ``{"value": ...}`` object or nothing."""
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return clean(value) if isinstance(value, str) else ""


def _get(data, *path):
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _items(data, *path):
    found = _get(data, *path)
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


def _date(value):
    if not isinstance(value, dict):
        return ""
    parts = [_text(value.get(name)) for name in ("year", "month", "day")]
    parts = [part for part in parts if part.isdigit()]
    return "-".join(parts) if parts and len(parts[0]) == 4 else ""


def _affiliations(activities, group_name, summary_name):
    found = []
    for group in _items(activities, group_name, "affiliation-group"):
        for summary in _items(group, "summaries"):
            item = summary.get(summary_name)
            if not isinstance(item, dict):
                continue
            found.append(Affiliation(
                organization=_text(_get(item, "organization", "name")),
                role=_text(item.get("role-title")),
                department=_text(item.get("department-name")),
                city=_text(_get(item, "organization", "address", "city")),
                country=_text(_get(item, "organization", "address", "country")).upper()[:2],
                start=_date(item.get("start-date")), end=_date(item.get("end-date"))))
    return found


def _doi(external_ids):
    for item in _items(external_ids, "external-id"):
        if _text(item.get("external-id-type")).lower() == "doi":
            value = _text(item.get("external-id-value"))
            value = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", value, flags=re.I)
            if value.startswith("10."):
                return value
    return ""


def _works(activities):
    works = []
    for group in _items(activities, "works", "group"):
        # One group is one work as several sources describe it: the first (preferred)
        # summary is taken.
        summaries = _items(group, "work-summary")
        if not summaries:
            continue
        item = summaries[0]
        title = _text(_get(item, "title", "title"))
        if not title:
            continue
        works.append(Work(title=title, year=_date(item.get("publication-date"))[:4],
                          doi=_doi(item.get("external-ids")) or _doi(group.get("external-ids")),
                          journal=_text(item.get("journal-title"))))
    return works


def parse(document):
    """A :class:`Record` from a decoded JSON document; ``RecordError`` when it is not
    an ORCID record."""
    if not isinstance(document, dict):
        raise RecordError(_("The file is not an ORCID record: it does not hold an "
                            "“orcid-identifier”. Download the record from ORCID's public API "
                            "(v3.0, JSON) and upload that file."))
    identifier = _text(_get(document, "orcid-identifier", "path"))
    orcid = normalize_id(identifier)
    if orcid is None or not any(key in document for key in ("person", "activities-summary")):
        raise RecordError(_("The file is not an ORCID record: it does not hold an "
                            "“orcid-identifier”. Download the record from ORCID's public API "
                            "(v3.0, JSON) and upload that file."))
    person = document.get("person") if isinstance(document.get("person"), dict) else {}
    activities = document.get("activities-summary")
    activities = activities if isinstance(activities, dict) else {}
    given = _text(_get(person, "name", "given-names"))
    family = _text(_get(person, "name", "family-name"))
    credit = _text(_get(person, "name", "credit-name"))
    name = " ".join(part for part in (given, family) if part)
    other_names = [credit] if credit and credit != name else []
    other_names += [_text(item.get("content")) for item in _items(person, "other-names", "other-name")]
    keywords = []
    for item in _items(person, "keywords", "keyword"):
        # People often type several keywords in one box, separated by commas.
        keywords += [part.strip() for part in re.split(r"[,;]", _text(item.get("content")))]
    urls = []
    for item in _items(person, "researcher-urls", "researcher-url"):
        url = _text(item.get("url"))
        if url.lower().startswith(("http://", "https://")):
            urls.append([_text(item.get("url-name")), url])
    return Record(orcid=orcid, name=name,
                  other_names=_unique(name for name in other_names if name),
                  biography=_text(_get(person, "biography", "content")),
                  keywords=_unique(keyword for keyword in keywords if keyword), urls=urls,
                  employments=_affiliations(activities, "employments", "employment-summary"),
                  educations=_affiliations(activities, "educations", "education-summary"),
                  works=_works(activities))


def _unique(values):
    """Without repeats (compared without case; accents count: "Trần" and "Tran" are
    both kept, the reader chooses)."""
    seen, kept = set(), []
    for value in values:
        key = clean(value).casefold()
        if key and key not in seen:
            seen.add(key)
            kept.append(value)
    return kept


def read_record(data, expected_id):
    """The :class:`Record` in ``data`` (the file's bytes), checked against the iD
    attached to the profile. Raises ``RecordError`` with the reason."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RecordError(_("The file is not JSON. Download the record from ORCID's public "
                            "API (v3.0, JSON) and upload that file.")) from None
    record = parse(document)
    if record.orcid != expected_id:
        raise RecordError(_("The file is the ORCID record of %(found)s, not of the iD "
                            "attached to this profile (%(expected)s).",
                            found=record.orcid, expected=expected_id))
    if record.is_empty():
        raise RecordError(_("The ORCID record %(id)s holds nothing to import: no public "
                            "employment, education, work, keyword, biography or other "
                            "name.", id=record.orcid))
    return record


class _HttpsRedirectsOnly(urllib.request.HTTPRedirectHandler):
    """Follows a redirect to another https URL only (urllib's own handler follows one to
    http or ftp as well)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme != "https":
            raise urllib.error.URLError(f"ORCID redirected to a URL that is not https: {newurl[:200]}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def https_opener():
    """An opener that speaks https and nothing else: unlike ``urlopen``, it has no
    handler for ``file:``, ``ftp:``, ``data:`` or ``http:`` URLs (they raise "unknown url
    type"), and it follows redirects to https URLs only. Proxies from the environment
    are used as ``urlopen`` would (an https request is tunnelled through them)."""
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.HTTPSHandler(),
                    _HttpsRedirectsOnly(), urllib.request.HTTPDefaultErrorHandler(),
                    urllib.request.HTTPErrorProcessor(), urllib.request.UnknownHandler()):
        opener.add_handler(handler)
    return opener


def fetch(orcid):
    """The record's bytes from ORCID's public API (only with ``ORCID_FETCH`` on), over
    https only: a configured URL of another scheme is refused before any connection."""
    if not current_app.config.get("ORCID_FETCH"):
        raise RecordError(_("Fetching from ORCID is not enabled on this server: upload the "
                            "file instead."))
    url = f"{current_app.config['ORCID_API_URL'].rstrip('/')}/{orcid}/record"
    try:
        if urllib.parse.urlsplit(url).scheme != "https":
            raise ValueError(f"EXPERTNET_ORCID_API_URL is not an https URL: {url[:200]}")
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        with https_opener().open(request, timeout=15) as response:
            return read_bytes(response)
    except RecordError:
        raise
    except Exception:  # noqa: BLE001 - any network failure means "upload it instead"
        current_app.logger.warning("ORCID fetch of %s failed", orcid, exc_info=True)
        raise RecordError(_("The record could not be fetched from ORCID. Download it and "
                            "upload the file instead.")) from None


# -- what would change ----------------------------------------------------------------------
def _fit(items, limit, separator=validation.LIST_SEPARATOR):
    """The first items whose joined length stays within ``limit``."""
    kept = []
    for item in items:
        if len(separator.join([*kept, item])) > limit:
            break
        kept.append(item)
    return kept


def _cut(text, limit):
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _affiliation_line(item, with_role=True):
    parts = [item.role if with_role else "", item.department, item.organization]
    line = ", ".join(part for part in parts if part)
    period = item.period()
    return f"{line} ({period})" if period else line


def section(record, limit):
    """The part of the English biography made from the record (at most ``limit``
    characters): education, employment history and works."""
    lines = [f"{SECTION_MARK}{record.orcid} —"]
    if record.educations:
        lines += ["Education:", *(f"- {_affiliation_line(item)}" for item in record.educations)]
    if len(record.employments) > 1:
        lines += ["Employment:", *(f"- {_affiliation_line(item)}" for item in record.employments)]
    if record.works:
        lines.append("Works:")
        for count, work in enumerate(record.works):
            line = "- " + work.title + (f" ({work.year})" if work.year else "")
            if work.journal:
                line += f". {work.journal}"
            if work.doi:
                line += f". https://doi.org/{work.doi}"
            more = f"- … {len(record.works) - count} more on ORCID"
            if len("\n".join([*lines, line, more])) > limit:
                lines.append(more)
                break
            lines.append(line)
    text = "\n".join(lines)
    return "" if len(lines) == 1 else _cut(text, limit)


def _without_section(bio):
    at = bio.find(SECTION_MARK)
    return bio if at < 0 else bio[:at].rstrip()


def proposed_values(record, expert):
    """``{field: new value}`` for the profile from the record (lists for list fields)."""
    values = {"orcid": record.orcid}
    names = _unique([*expert.other_names, *(name for name in [record.name, *record.other_names]
                                             if fold(name) != fold(expert.full_name))])
    values["other_names"] = _fit(names, MAX_LENGTHS["other_names"])
    job = record.current_employment()
    if job is not None:
        values["organization"] = _cut(job.organization, MAX_LENGTHS["organization"])
        position = ", ".join(part for part in (job.role, job.department) if part)
        if position:
            values["position"] = _cut(position, MAX_LENGTHS["position"])
    values["keywords"] = _fit(_unique([*expert.keywords, *record.keywords]),
                              MAX_LENGTHS["keywords"])
    if not expert.website:
        # The first address a profile may hold (only http(s), no spaces).
        usable = [url for _name, url in record.urls
                  if len(url) <= MAX_LENGTHS["website"] and "website" in _valid({"website": url})]
        if usable:
            values["website"] = usable[0]
    bio = _without_section(expert.bio_en) or record.biography
    bio = _cut(bio, MAX_LENGTHS["bio_en"] - 200) if bio else ""
    room = MAX_LENGTHS["bio_en"] - len(bio) - 2
    part = section(record, room)
    values["bio_en"] = "\n\n".join(text for text in (bio, part) if text)
    return _valid(values)


def _valid(values):
    """The values the profile's checks accept, as they would store them (a record may
    hold what a profile may not, e.g. a web address with a space): a value refused is
    not proposed, so that applying the ticked changes never fails on it."""
    checked, errors = validation.normalize(values, catalog.load())
    refused = {column for column, _message in errors}
    return {name: checked[name] for name in values if name not in refused and name in checked}


def proposal(record, expert):
    """``[(field, old, new)]`` for the fields whose value would change."""
    rows = []
    for name, new in proposed_values(record, expert).items():
        old = getattr(expert, name)
        if new != old:
            rows.append((name, old, new))
    return rows


# -- keeping it between the preview and the decision ----------------------------------------
def stage(expert, record, data, user_id, source):
    """Remember the record for the preview (its summary, not the file)."""
    with database.atomic():
        # Previews nobody decided on within a day are dropped.
        (OrcidImport.delete().where((OrcidImport.status == "previewed")
                                    & (OrcidImport.created_at < utcnow() - _DAY)).execute())
        return OrcidImport.create(expert=expert.id, orcid=record.orcid, user_id=user_id,
                                  source=source, sha256=hashlib.sha256(data).hexdigest(),
                                  record=record.to_json(), base_version=expert.version)


def staged(expert_id, import_id):
    return OrcidImport.get_or_none((OrcidImport.id == import_id)
                                   & (OrcidImport.expert == expert_id))


def apply(row, expert, chosen, expected_version, viewer, actor):
    """Write the ``chosen`` fields of the staged record ``row`` onto ``expert``.

    Returns ``(written, proposed)``: the fields saved now and those waiting for a
    curator (an owner's or delegate's changes to vouched fields). Raises
    ``writes.VersionConflict`` when the profile changed since the preview,
    ``validation.ProfileErrors`` or ``writes.ProfileGone``."""
    record = Record.from_json(row.record)
    if expert.version != expected_version:
        raise writes.VersionConflict(expert.id)
    values = {name: new for name, _old, new in proposal(record, expert) if name in chosen}
    proposed = {}
    if not viewer.is_curator:
        _published, proposed = reviews.split(values, writes.stored_values(expert))
        values = {name: value for name, value in values.items() if name not in reviews.VOUCHED}
    note = {"orcid_import": row.id, "orcid_source": row.source}
    with database.atomic():
        if values:
            writes.save_profile(values, expert=expert, expected_version=expected_version,
                                  actor=actor, via="screen", note=note)
        (OrcidImport.update(status="applied", applied_at=utcnow(),
                            applied_fields=json.dumps([*values, *proposed]))
         .where(OrcidImport.id == row.id).execute())
        audit.record("orcid.import", actor_id=actor, expert_id=expert.id, source="screen",
                     changes={"orcid": record.orcid, "from": row.source, "sha256": row.sha256,
                              "fields": list(values), "proposed": list(proposed)})
    indexing.flush_pending([expert.id])
    if proposed:
        reviews.propose(Expert.get_by_id(expert.id), actor, proposed, note=note)
    return list(values), list(proposed)


def latest_applied(expert):
    """The last record applied to the profile for its current iD, or None."""
    if not expert.orcid:
        return None
    return (OrcidImport.select().where((OrcidImport.expert == expert.id)
                                       & (OrcidImport.orcid == expert.orcid)
                                       & (OrcidImport.status == "applied"))
            .order_by(OrcidImport.applied_at.desc()).first())


@signals.personal_data_requested.connect
def export_for_person(expert_id, **_):
    """The ORCID records read for the profile: the summary kept, where it came from, what
    was applied."""
    return {"orcid_records": [
        {"orcid": row.orcid, "source": row.source, "read_at": utc_text(row.created_at),
         "status": row.status, "applied_at": utc_text(row.applied_at),
         "applied_fields": json.loads(row.applied_fields or "[]"),
         "record": json.loads(row.record or "{}")}
        for row in OrcidImport.select().where(OrcidImport.expert == expert_id)
        .order_by(OrcidImport.id)]}
