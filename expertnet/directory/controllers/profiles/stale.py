"""Keeping profiles fresh: the owner's "still correct" from their pages. The reminder's
signed link and the curators' list of stale profiles name the owning account and are
accounts' pages (``accounts.controllers.stale_pages``)."""
from flask import abort, redirect, url_for
from flask_login import current_user, login_required

from expertnet.directory import writes
from expertnet.directory.blueprint import bp
from expertnet.directory.models import Expert


@bp.post("/account/profile/still-correct")
@login_required
def still_correct():
    """The owner confirms their own profile (there is no id to change)."""
    if not current_user.expert_id:
        abort(404)
    writes.record_owner_confirmation(Expert.get_by_id(current_user.expert_id),
                                       actor=current_user.id)
    return redirect(url_for("account.home", confirmed=1))
