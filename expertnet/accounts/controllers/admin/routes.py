"""``/admin/users`` and ``/admin/mail`` (admins) and ``/admin/audit`` (curators and
admins)."""

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, fresh_login_required, login_user

from expertnet.accounts import users as accounts
from expertnet.accounts.controllers.admin import bp
from expertnet.accounts.controllers.admin.forms import DepartmentForm, NewUserForm, RoleForm
from expertnet.accounts.models import User
from expertnet.core import audit
from expertnet.core import outbox as mail
from expertnet.core.i18n import _
from expertnet.core.outbox import STATUS_NAMES as MAIL_STATUS_NAMES
from expertnet.core.text import parse_id, parse_page
from expertnet.web.forms import NewPasswordForm
from expertnet.web.guards import get_or_404, role_required


@bp.route("/admin/users", methods=["GET", "POST"])
@role_required("admin")
def users():
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.email.data, form.role.data,
                                        password=form.password.data,
                                        expert_id=form.expert_id.data, actor=current_user.id,
                                        source="screen")
        except accounts.AccountError as exc:
            form.email.errors = list(exc.messages)
        else:
            if form.department.data:
                accounts.set_department(user, form.department.data, actor=current_user.id,
                                        source="screen")
            return redirect(url_for("admin.users"))
    return render_template("admin/users.html", form=form, users=accounts.list_users())


@bp.post("/admin/users/<int:user_id>/deactivate")
@role_required("admin")
def deactivate(user_id):
    user = get_or_404(User, user_id)
    if user.id == current_user.id:
        abort(400)  # an admin cannot lock everyone out by deactivating themselves
    accounts.deactivate(user, actor=current_user.id, source="screen")
    return redirect(url_for("admin.users"))


@bp.post("/admin/users/<int:user_id>/reactivate")
@role_required("admin")
def reactivate(user_id):
    accounts.reactivate(get_or_404(User, user_id), actor=current_user.id, source="screen")
    return redirect(url_for("admin.users"))


@bp.post("/admin/users/<int:user_id>/role")
@role_required("admin")
def change_role(user_id):
    user = get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit() or user.id == current_user.id:
        abort(400)
    accounts.set_role(user, form.role.data, actor=current_user.id, source="screen")
    return redirect(url_for("admin.users"))


@bp.route("/admin/users/<int:user_id>/password", methods=["GET", "POST"])
@role_required("admin")
@fresh_login_required
def set_password(user_id):
    """An admin sets a new password for an account (when the person cannot reset it by
    e-mail); every session of that account ends. Needs the admin's fresh login."""
    user = get_or_404(User, user_id)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.replace_password(user, form.password.data, actor=current_user.id,
                                      action="user.password_set")
        except accounts.AccountError as exc:
            form.password.errors = list(exc.messages)
        except LookupError:
            form.password.errors = [_("The account changed while you were setting the "
                                      "password; try again.")]
        else:
            if user.id == current_user.id:
                # Their own sessions ended too: keep this one going.
                login_user(accounts.get_user(user.id))
            return redirect(url_for("admin.users", password_set=user.id))
    return render_template("admin/password.html", form=form, user=user)
@bp.post("/admin/users/<int:user_id>/department")
@role_required("admin")
def change_department(user_id):
    user = get_or_404(User, user_id)
    form = DepartmentForm()
    if not form.validate_on_submit():
        abort(400)
    accounts.set_department(user, form.department.data or "", actor=current_user.id,
                            source="screen")
    return redirect(url_for("admin.users"))


@bp.get("/admin/audit")
@role_required("admin", "curator")
def audit_log():
    page = parse_page(request.args.get("page"))
    expert_id = parse_id(request.args.get("expert"))
    rows, total = audit.entries(expert_id=expert_id, page=page)
    return render_template("admin/audit.html", rows=rows, total=total, page=page,
                           expert_id=expert_id, per_page=50,
                           actors=accounts.emails_by_id(row.actor_id for row in rows))


@bp.get("/admin/mail")
@role_required("admin")
def mail_queue():
    """The outbox: the state of every e-mail, the last error of those that failed; never
    their text."""
    page = parse_page(request.args.get("page"))
    status = request.args.get("status", "")
    rows, total = mail.messages(status=status, page=page)
    return render_template("admin/mail.html", rows=rows, total=total, page=page, per_page=50,
                           status=status if status in mail.STATUSES else "",
                           statuses=MAIL_STATUS_NAMES, requeued=request.args.get("requeued"))


@bp.post("/admin/mail/<int:message_id>/retry")
@role_required("admin")
def mail_retry(message_id):
    """Queue a failed message again (a message whose text was erased cannot be)."""
    count = mail.requeue_failed([message_id])
    if count:
        mail.deliver(message_id)
    return redirect(url_for("admin.mail_queue", requeued=count))
