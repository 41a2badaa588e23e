"""``/auth/login``, ``/auth/confirm`` (the password again, before an export) and
``/auth/logout``."""
from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from expertnet import accounts
from expertnet.auth import bp
from expertnet.auth.forms import ConfirmPasswordForm, LoginForm
from expertnet.auth.recent import confirmed_fresh, mark_password_given
from expertnet.i18n import _
from expertnet.main.routes import safe_next
from expertnet.ratelimit import limiter


def _account_key():
    # Many addresses against one account are limited too (per e-mail, whatever its case).
    return "account:" + accounts.normalize_email(request.form.get("email", ""))[:254]


def _failed(response):
    # Only failed attempts count: a successful login answers with a redirect.
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_account_key, deduct_when=_failed)
def login():
    target = safe_next(request.values.get("next"), url_for("main.index"))
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            # A new session for a new identity (no fixation of a pre-login session).
            session.clear()
            login_user(user, remember=form.remember.data)
            mark_password_given()
            return redirect(target)
        failed = True
    elif request.method == "POST":
        failed = True
    # Unknown account and wrong password get the same page, status and message.
    return render_template("auth/login.html", form=form, next=target, failed=failed,
                           already=current_user.is_authenticated,
                           message=_("The e-mail address or the password is wrong.")), 200


@bp.route("/confirm", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_failed)
@login_required
def confirm():
    """The signed-in person types their password again (an export needs a recent one)."""
    target = safe_next(request.values.get("next"), url_for("main.index"))
    form = ConfirmPasswordForm()
    failed = False
    if form.validate_on_submit():
        if accounts.authenticate(current_user.email, form.password.data) is not None:
            confirmed_fresh()
            return redirect(target)
        failed = True
    elif request.method == "POST":
        failed = True
    return render_template("auth/confirm.html", form=form, next=target, failed=failed), 200


@bp.post("/logout")
def logout():
    """Log out everywhere: every session and remember-me cookie of the account ends."""
    if current_user.is_authenticated:
        accounts.end_sessions(current_user)
    logout_user()
    session.clear()
    return redirect(url_for("main.index"))
