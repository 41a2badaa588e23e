"""``/experts/<id>/delegates``: who may edit a profile on the expert's behalf. Curators
name and remove delegates; the owner and the delegates themselves see the list."""
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from expertnet.accounts import delegates
from expertnet.core import access
from expertnet.core.access import current_viewer
from expertnet.directory.blueprint import bp
from expertnet.directory.forms import DelegateForm
from expertnet.directory.models import Expert
from expertnet.web.guards import get_or_404, role_required


def _expert_for_delegates(expert_id, viewer):
    """The profile, for curators, its owner and its delegates; 403 for someone who may
    see the profile but not this, 404 for everyone else (like a missing profile)."""
    expert = get_or_404(Expert, expert_id)
    if viewer.is_curator or viewer.acts_for(expert.id):
        return expert
    abort(403 if access.can_view(viewer, expert) else 404)


@bp.route("/experts/<int:expert_id>/delegates", methods=["GET", "POST"])
@login_required
def delegates_page(expert_id):
    viewer = current_viewer()
    expert = _expert_for_delegates(expert_id, viewer)
    form = DelegateForm()
    if request.method == "POST":
        if not viewer.is_curator:
            abort(403)
        if form.validate_on_submit():
            try:
                delegates.add(expert, form.email.data, actor=current_user.id)
            except delegates.DelegateError as exc:
                form.email.errors = [*form.email.errors, exc.message]
            else:
                return redirect(url_for("profiles.delegates_page", expert_id=expert.id,
                                        done="added"))
    return render_template("profiles/delegates.html", expert=expert, form=form,
                           rows=delegates.of_profile(expert.id),
                           done=request.args.get("done") if request.method == "GET" else None)


@bp.post("/experts/<int:expert_id>/delegates/<int:user_id>/remove")
@role_required("curator", "admin")
def remove_delegate(expert_id, user_id):
    expert = get_or_404(Expert, expert_id)
    if not delegates.remove(expert, user_id, actor=current_user.id):
        abort(404)
    return redirect(url_for("profiles.delegates_page", expert_id=expert.id, done="removed"))
