"""``/curate/quality``: counts of profiles missing key data, the list behind each count,
and bulk actions on a selection (add a field, set visibility, invite to claim) with a
confirmation step."""
from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from expertnet.accounts import invitations
from expertnet.core import links as site_links
from expertnet.core import vocab
from expertnet.core.i18n import current_language
from expertnet.core.text import parse_page
from expertnet.curation import jobs, quality
from expertnet.curation.controllers.curate import bp
from expertnet.curation.controllers.curate.forms import TokenForm
from expertnet.taxonomy import store as catalog
from expertnet.web.guards import role_required

CURATORS = ("curator", "admin")
PER_PAGE = 50


def _months():
    months = request.values.get("months", quality.DEFAULT_MONTHS, type=int)
    return months if months in quality.MONTHS else quality.DEFAULT_MONTHS


@bp.get("/quality")
@role_required(*CURATORS)
def quality_page():
    months = _months()
    return render_template("curate/quality.html", counts=quality.counts(months), months=months,
                           choices=quality.MONTHS, checks=quality.CHECKS)


@bp.get("/quality/<check>")
@role_required(*CURATORS)
def quality_list(check):
    if check not in quality.CHECKS:
        abort(404)
    months = _months()
    page = parse_page(request.args.get("page"))
    experts, total = quality.profiles(check, months, page, PER_PAGE)
    return render_template("curate/quality_list.html", check=check, months=months,
                           title=quality.CHECKS[check], experts=experts, total=total, page=page,
                           pages=max(1, -(-total // PER_PAGE)), actions=quality.ACTIONS,
                           fields=_field_choices(), levels=vocab.VISIBILITY)


def _field_choices():
    taxonomy = catalog.load()
    language = current_language()
    return [(code, "— " * len(taxonomy.ancestors(code)) + field.name(language))
            for code, field in taxonomy.fields.items()]


@bp.post("/quality/bulk")
@role_required(*CURATORS)
def quality_bulk():
    """Without ``confirm=1``: the confirmation page (what will happen to each selected
    profile, and what is refused and why). With it: done, and the outcome shown."""
    if not TokenForm().validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    value = request.form.get("field" if action == "assign_field" else "visibility", "")
    experts = quality.selection(request.form.getlist("ids"))
    back = url_for("curate.quality_list", check=request.form.get("check", ""),
                   months=_months()) if request.form.get("check") in quality.CHECKS \
        else url_for("curate.quality_page")
    if not experts or action not in quality.ACTIONS:
        abort(400)
    try:
        planned = quality.plan(action, experts, value)
    except ValueError:
        abort(400)
    if request.form.get("confirm") != "1":
        background = action == "invite" and \
            len(planned.changing) > current_app.config["INVITE_BACKGROUND_COUNT"]
        return render_template("curate/quality_confirm.html", plan=planned, back=back,
                               background=background,
                               actions=quality.ACTIONS, value_label=_value_label(action, value),
                               check=request.form.get("check", ""), months=_months())
    if action == "invite" and len(planned.changing) > current_app.config["INVITE_BACKGROUND_COUNT"]:
        # Many e-mails: a background job the curator watches (jobs.py).
        job = jobs.start_invitations(planned, current_user.id,
                                     site_links.base_url(anonymous=False), current_language())
        return redirect(url_for("downloads.job_page", job_id=job.id))
    done, links = quality.apply(planned, current_user.id)
    return render_template("curate/quality_done.html", plan=done, links=links, back=back,
                           actions=quality.ACTIONS, value_label=_value_label(action, value),
                           days=invitations.lifetime_days())


def _value_label(action, value):
    if action == "assign_field":
        field = catalog.load().fields.get(value)
        return field.name(current_language()) if field else value
    if action == "set_visibility":
        return str(vocab.VISIBILITY.get(value, value))
    return ""

