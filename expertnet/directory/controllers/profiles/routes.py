"""``/account/profile`` (an expert's own profile) and a curator's confirmation of a
profile. The profile's other pages act on what accounts and curation keep about it and
live in those modules (``expertnet.directory.blueprint``)."""
from flask import abort, redirect, url_for
from flask_login import current_user, login_required

from expertnet.directory import writes
from expertnet.directory.blueprint import bp
from expertnet.directory.models import Expert
from expertnet.web.guards import get_or_404, role_required

CURATORS = ("curator", "admin")


@bp.get("/account/profile")
@login_required
def my_profile():
    """An expert's own profile; accounts without one have nothing here."""
    if not current_user.expert_id:
        abort(404)
    return redirect(url_for("profiles.edit", expert_id=current_user.expert_id))


@bp.post("/experts/<int:expert_id>/confirm")
@role_required(*CURATORS)
def confirm(expert_id):
    """A curator confirms the profile is right (who and when are shown on it)."""
    expert = get_or_404(Expert, expert_id)
    writes.confirm_profile(expert, actor=current_user.id, via="screen")
    return redirect(url_for("main.profile", expert_id=expert.id))
