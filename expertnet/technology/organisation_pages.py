"""What an organisation's page shows of the marketplace: its published offers and demands
the reader may see (a demand only when the reader may also see that the organisation is
the one asking), newest first. The organisation page asks for it through the
``organisation_sections`` signal; this module answers for offers and demands."""
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
