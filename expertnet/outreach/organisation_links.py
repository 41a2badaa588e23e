"""Needs' organisations as organisations know them: the free text for reconciliation,
the link a curator makes (the text stays as written), repointed on a merge, dropped on
a deletion, and the section of an organisation's page (the needs the reader may see)."""
from flask import has_request_context, url_for

from expertnet.core import signals, vocab
from expertnet.core.i18n import _
from expertnet.outreach import needs
from expertnet.outreach.models import Need


def _url(endpoint, **values):
    return url_for(endpoint, **values) if has_request_context() else ""


@signals.organisation_texts.connect
def texts(_sender, **_kwargs):
    return [{"source": "need", "record_id": row.id, "text": row.organization,
             "organisation_id": row.organisation_id, "title": row.title,
             "url": _url("needs.show", need_id=row.id)}
            for row in Need.select().where(Need.organization != "").order_by(Need.id)]


@signals.organisation_link.connect
def link(source, record_id, text, organisation_id, **_kwargs):
    if source != "need":
        return None
    return bool(Need.update(organisation_id=organisation_id).where(Need.id == record_id).execute())


@signals.organisations_merged.connect
def repoint(drop_id, keep, **_kwargs):
    Need.update(organisation_id=keep).where(Need.organisation_id == drop_id).execute()


@signals.organisation_deleted.connect
def unlink(organisation_id, **_kwargs):
    Need.update(organisation_id=None).where(Need.organisation_id == organisation_id).execute()


@signals.organisation_sections.connect
def sections(organisation_id, viewer, **_kwargs):
    rows = [row for row in Need.select().where(Need.organisation_id == organisation_id)
            .order_by(Need.created_at.desc(), Need.id.desc()) if needs.may_see(viewer, row)]
    return [{"key": "needs", "title": _("Needs for expertise"),
             "items": [{"text": row.title, "url": _url("needs.show", need_id=row.id),
                        "meta": str(vocab.NEED_STATUSES.get(row.status, row.status))} for row in rows]}]
