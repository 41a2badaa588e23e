"""What an organisation's page shows of the marketplace: its published offers and demands
the reader may see (a demand only when the reader may also see that the organisation is
the one asking), newest first. The organisation page asks for it through the
``organisation_sections`` signal; this module answers for offers and demands, and moves
them to the kept organisation when two are merged."""
from flask import has_request_context, url_for

from expertnet.core import signals
from expertnet.core.i18n import _
from expertnet.technology import rules
from expertnet.technology.models import TechnologyDemand, TechnologyOffer


def records_of(organisation_id, viewer):
    """``(offers, demands)`` of ``organisation_id`` that ``viewer`` may see there."""
    found = []
    for model in (TechnologyOffer, TechnologyDemand):
        rows = (model.select().where(model.organisation == organisation_id)
                .order_by(model.published_at.desc(nulls="last"), model.id.desc()))
        visible = [row for row in rows if row.status == "published" and rules.may_see(viewer, row)]
        if model is TechnologyDemand:
            visible = [row for row in visible if rules.may_see_identity(viewer, row)]
        found.append(visible)
    return tuple(found)


def _url(endpoint, **values):
    return url_for(endpoint, **values) if has_request_context() else ""


@signals.organisations_merged.connect
def repoint(drop_id, keep, **_kwargs):
    for model in (TechnologyOffer, TechnologyDemand):
        model.update(organisation=keep).where(model.organisation == drop_id).execute()


@signals.organisation_sections.connect
def sections(organisation_id, viewer, language="vi", **_kwargs):
    offers, demands = records_of(organisation_id, viewer)
    return [
        {"key": "technology_offers", "title": _("Technology offers"),
         "items": [{"text": row.title(language), "url": _url("technology.offer", offer_id=row.id),
                    "meta": _("TRL %(level)s", level=row.trl)} for row in offers]},
        {"key": "technology_demands", "title": _("Technology demands"),
         "items": [{"text": row.title, "url": _url("technology.demand", demand_id=row.id), "meta": ""}
                   for row in demands]},
    ]
