"""What the organisations module shows on other modules' pages: a profile's
affiliations (current first), answered through ``signals.profile_sections`` since the
directory sits below this module."""
from flask import has_request_context, url_for

from expertnet.core import signals
from expertnet.core.i18n import _
from expertnet.organisations import access, writes


def years(row):
    if row.start_year and row.end_year:
        return f"{row.start_year}–{row.end_year}"
    if row.start_year:
        return _("since %(year)s", year=row.start_year)
    if row.end_year:
        return _("until %(year)s", year=row.end_year)
    return _("current") if row.current else ""


@signals.profile_sections.connect
def affiliations(expert_id, viewer, language="vi", **_kwargs):
    rows = [row for row in writes.affiliations_of(expert_id) if access.can_view(viewer, row.organisation)]
    items = []
    for row in rows:
        url = url_for("organisations.show", organisation_id=row.organisation_id) \
            if has_request_context() else ""
        meta = " · ".join(part for part in (row.role, years(row)) if part)
        items.append({"text": row.organisation.name(language), "url": url, "meta": meta})
    return [{"key": "affiliations", "title": _("Affiliations"), "items": items}]
