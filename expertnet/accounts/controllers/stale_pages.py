"""Keeping profiles fresh, on the profile's blueprint: the signed link of a reminder
e-mail, which leads to a page with a "still correct" button (a GET never changes
anything), and the curators' list of stale profiles with their owners."""
from flask import abort, redirect, render_template, request, url_for

from expertnet.accounts import stale_reminders
from expertnet.core.text import parse_page
from expertnet.directory import freshness, writes
from expertnet.directory.blueprint import bp
from expertnet.taxonomy import store as catalog
from expertnet.web.guards import role_required

CURATORS = ("curator", "admin")
PER_PAGE = 50


@bp.route("/profile-check/<token>", methods=["GET", "POST"])
def check_profile(token):
    """The reminder's link: the profile's main facts and a "still correct" button, for
    whoever holds the link that was sent to the owner (no login needed for one click).
    An invalid or expired link is a 404 like any unknown address."""
    found = stale_reminders.find_confirmation(token)
    if found is None:
        abort(404)
    expert, owner = found
    if request.method == "POST":
        writes.record_owner_confirmation(expert, actor=owner.id)
        return redirect(url_for("profiles.check_profile", token=token, done=1))
    taxonomy = catalog.load()
    fields = [taxonomy.fields[code] for code in expert.field_codes if code in taxonomy.fields]
    return render_template("profiles/check.html", expert=expert, fields=fields,
                           last_confirmed=freshness.last_confirmed(expert),
                           done=request.args.get("done") == "1")


@bp.get("/curate/stale")
@role_required(*CURATORS)
def stale_profiles():
    page = parse_page(request.args.get("page"))
    owned_only = request.args.get("owned") == "1"
    rows, total = stale_reminders.stale_profiles(owned_only=owned_only, page=page, per_page=PER_PAGE)
    return render_template("profiles/stale.html", rows=rows, total=total, page=page,
                           pages=max(1, -(-total // PER_PAGE)), owned_only=owned_only,
                           cutoff=freshness.cutoff(), last_confirmed=freshness.last_confirmed)
