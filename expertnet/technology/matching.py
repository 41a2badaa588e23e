"""What a demand proposes: the experts the need matcher finds for it (the same ranking
and word-level reasons as an official's need), and the published offers that answer it,
ranked by the fields they share and the phrases of the demand they say, each with those
reasons (whole words and phrases in the demand's spelling, never a lone syllable or a
function word)."""
from dataclasses import dataclass, field

from expertnet.core import access
from expertnet.organisations.models import Organisation
from expertnet.outreach import matching as need_matching
from expertnet.search.similar import shared_phrases
from expertnet.taxonomy import store as catalog
from expertnet.technology.models import TechnologyOffer

# Kinds of help a demand asks of experts.
HELP_WANTED = ("technology_transfer", "consulting", "research_collaboration")
FIELD_WEIGHT = 3
OFFERS_SHOWN = 10


@dataclass(frozen=True)
class DemandAsNeed:
    """A demand in the shape the need matcher reads."""

    title: str
    description: str
    fields: tuple
    language: str
    organization: str
    available_for: tuple = HELP_WANTED


@dataclass
class OfferMatch:
    offer: TechnologyOffer
    fields: list = field(default_factory=list)
    words: list = field(default_factory=list)
    score: int = 0


def demand_text(demand):
    return "\n".join([demand.title, demand.problem, demand.desired_outcome])


def as_need(demand):
    organisation = Organisation.get_or_none(Organisation.id == demand.organisation_id) \
        if demand.organisation_id else None
    name = " ".join(filter(None, [organisation.name_vi, organisation.name_en])) if organisation else ""
    return DemandAsNeed(title=demand.title, description="\n".join([demand.problem, demand.desired_outcome]),
                        fields=tuple(demand.fields), language=demand.language, organization=name)


def experts(demand, viewer, limit=10):
    """The need matcher's :class:`~expertnet.outreach.matching.Proposal` for ``demand``."""
    return need_matching.propose(as_need(demand), viewer, limit=limit)


def offers(demand, viewer, limit=OFFERS_SHOWN):
    """``[OfferMatch]`` of the published offers ``viewer`` may see, best first."""
    taxonomy = catalog.load()
    wanted = set(need_matching.need_fields(as_need(demand), taxonomy))
    text = demand_text(demand)
    found = []
    query = TechnologyOffer.select().where((TechnologyOffer.status == "published")
                                           & TechnologyOffer.visibility.in_(access.visible_levels(viewer)))
    for offer in query:
        held = set(taxonomy.with_ancestors(offer.fields))
        fields = [code for code in wanted if code in held]
        words = shared_phrases(text, "\n".join([offer.title_vi, offer.title_en, offer.description_vi,
                                                offer.description_en]))
        score = FIELD_WEIGHT * len(fields) + sum(len(phrase.split()) for phrase in words)
        if score:
            found.append(OfferMatch(offer, fields, words, score))
    found.sort(key=lambda match: (-match.score, -match.offer.id))
    return found[:limit]
