"""Keeping profiles fresh: the owner's "still correct" (from their pages, and from the
signed link of a reminder e-mail, which leads to a page with the button: a GET never
changes anything) and the curators' list of stale profiles."""
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from expertnet.core.text import parse_page
from expertnet.directory import freshness, writes
from expertnet.directory.controllers.profiles import bp
from expertnet.directory.models import Expert
from expertnet.taxonomy import store as catalog
from expertnet.web.guards import role_required

CURATORS = ("curator", "admin")
PER_PAGE = 50


@bp.post("/account/profile/still-correct")
@login_required
def still_correct():
    """The owner confirms their own profile (there is no id to change)."""
    if not current_user.expert_id:
        abort(404)
    writes.record_owner_confirmation(Expert.get_by_id(current_user.expert_id),
                                       actor=current_user.id)
    return redirect(url_for("account.home", confirmed=1))


@bp.route("/profile-check/<token>", methods=["GET", "POST"])
def check_profile(token):
    """The reminder's link: the profile's main facts and a "still correct" button, for
    whoever holds the link that was sent to the owner (no login needed for one click).
    An invalid or expired link is a 404 like any unknown address."""
    found = freshness.find_confirmation(token)
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
    rows, total = freshness.stale_profiles(owned_only=owned_only, page=page, per_page=PER_PAGE)
    return render_template("profiles/stale.html", rows=rows, total=total, page=page,
                           pages=max(1, -(-total // PER_PAGE)), owned_only=owned_only,
                           cutoff=freshness.cutoff(), last_confirmed=freshness.last_confirmed)
