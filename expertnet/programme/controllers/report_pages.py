"""The programme report (``/engagements/report`` and its spreadsheet): counts of the
engagements, events, delegations, agreements, organisations and technology records of a
period. Its URLs and endpoints are the engagements blueprint's (``engagements.report``),
where officials have always found it; the report is the programme's."""
import datetime
import io

from flask import abort, render_template, request, send_file

from expertnet.cooperation import engagements as engagement_records
from expertnet.cooperation.blueprint import engagements as bp
from expertnet.core import places, vocab
from expertnet.core.access import current_viewer
from expertnet.core.db import utcnow
from expertnet.core.i18n import _, _l, current_language, format_day
from expertnet.organisations import vocab as organisation_vocab
from expertnet.programme import report as programme_report
from expertnet.taxonomy import store as catalog
from expertnet.web.forms import form_date
from expertnet.web.guards import role_required

ROLES = engagement_records.ROLES


def _report_for_request():
    """``(report, errors)`` for ``?from=&to=`` (default: this year until today)."""
    today = utcnow().date()
    errors = []
    start = form_date(request.args.get("from"), "from", errors) or datetime.date(today.year, 1, 1)
    end = form_date(request.args.get("to"), "to", errors) or today
    if not errors and end < start:
        errors.append(("to", _("ends before it starts")))
    if errors:
        return None, errors
    return programme_report.build(start, end, current_viewer()), []


REPORT_VOCABULARIES = {
    "engagement_kind": vocab.ENGAGEMENT_KINDS, "expert_kind": vocab.KINDS,
    "event_kind": vocab.EVENT_KINDS, "event_role": vocab.EVENT_ROLES,
    "mission_direction": vocab.MISSION_DIRECTIONS, "partner_scope": vocab.PARTNER_SCOPES,
    "department_step": vocab.DEPARTMENT_CONTACT_STEPS,
    "organisation_type": organisation_vocab.TYPES,
    "cooperation": {"agreement": _l("Partners of agreements signed"),
                    "delegation": _l("Organisations met by delegations")},
}


def mission_country(key):
    """``(direction, country code)`` as the reader says it: "Visiting delegation · Japan"."""
    direction, country = key
    place = places.country_name(country, current_language()) if country else "—"
    return f"{vocab.MISSION_DIRECTIONS.get(direction, direction)} · {place}"


@bp.get("/engagements/report")
@role_required(*ROLES)
def report():
    found, errors = _report_for_request()
    taxonomy = catalog.load()
    language = current_language()
    return render_template(
        "engagements/report.html", report=found, errors=errors,
        field_name=lambda code: taxonomy.fields[code].name(language)
        if code in taxonomy.fields else code,
        plain=lambda value: value, mission_country=mission_country,
        organisation_types=organisation_vocab.TYPES, cooperation_kinds=REPORT_VOCABULARIES["cooperation"],
        start=request.args.get("from", ""), end=request.args.get("to", "")), \
        400 if errors else 200


@bp.get("/engagements/report.xlsx")
@role_required(*ROLES)
def report_xlsx():
    found, errors = _report_for_request()
    if errors:
        abort(400)
    taxonomy = catalog.load()
    language = current_language()

    def name(vocabulary, code):
        if vocabulary == "field":
            return taxonomy.fields[code].name(language) if code in taxonomy.fields else code
        if vocabulary == "mission_country":
            return mission_country(code)
        if vocabulary == "country":
            return places.country_name(code, language)
        return REPORT_VOCABULARIES[vocabulary].get(code, code)

    period = _("From %(start)s to %(end)s", start=format_day(found.start),
               end=format_day(found.end))
    labels = {
        "sheet": _("Programme report"), "title": _("Programme report"), "period": period,
        "engagements": _("Engagements"), "count": _("Number"),
        "by_kind": _("Engagements by kind"), "by_field": _("Engagements by field"),
        "by_department": _("Engagements by department served"),
        "by_expert_kind": _("Engagements by kind of expert"),
        "new_experts": _("Experts newly added"), "newly_active": _("Experts newly active"),
        "events": _("Events held"), "participations": _("Participations of experts in events"),
        "delegations": _("Delegations"), "agreements": _("Agreements signed"),
        "events_by_kind": _("Events held by kind"),
        "participations_by_role": _("Participations by role"),
        "participations_by_expert_kind": _("Participations by kind of expert"),
        "delegations_by_direction": _("Delegations, outgoing and visiting"),
        "delegations_by_country": _("Delegations by country"),
        "agreements_by_scope": _("Agreements signed, by partner"),
        "department_contacts": _("Contact through the Department"),
        "organisations": _("Organisations in the register"),
        "partners": _("Partner organisations cooperated with"),
        "organisations_by_type": _("Organisations by type"),
        "organisations_by_country": _("Organisations by country"),
        "partners_by_cooperation": _("Partner organisations by kind of cooperation"),
        "technology": _("Technology supply–demand platform"),
        "technology_measures": {"offers": _("Technology offers published"),
                                "demands": _("Technology demands published"),
                                "connections": _("Connections opened"),
                                "contracts": _("Contracts signed"),
                                "contract_value": _("Value of the contracts signed (VND)")},
        "name": name,
    }
    data = programme_report.to_xlsx(found, labels)
    response = send_file(io.BytesIO(data), as_attachment=True,
                         mimetype="application/vnd.openxmlformats-officedocument."
                                  "spreadsheetml.sheet",
                         download_name=f"programme-report-{found.start}-{found.end}.xlsx",
                         conditional=False, etag=False)
    response.headers["Cache-Control"] = "no-store"
    return response
