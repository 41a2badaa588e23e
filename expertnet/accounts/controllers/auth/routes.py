"""``/auth/login``, ``/auth/confirm`` (the password again, before an export),
``/auth/logout`` and the password reset (``/auth/reset``)."""
from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from expertnet.accounts import resets
from expertnet.accounts import users as accounts
from expertnet.accounts.controllers.auth import bp
from expertnet.accounts.controllers.auth.forms import ConfirmPasswordForm, LoginForm, ResetRequestForm
from expertnet.core.i18n import _, current_language
from expertnet.core.ratelimit import limiter
from expertnet.web.forms import NewPasswordForm
from expertnet.web.guards import safe_next
from expertnet.web.recent import confirmed_fresh, mark_password_given


def account_key():
    # Many addresses against one account are limited too (per e-mail, whatever its case).
    return "account:" + accounts.normalize_email(request.form.get("email", ""))[:254]


def _failed(response):
    # Only failed attempts count: a successful login answers with a redirect.
    return response.status_code != 302


def accepted(response):
    # Requests that send e-mail count once their form was accepted (a redirect): a typo
    # corrected does not use up the allowance of an office sharing one address.
    return response.status_code == 302


def limited(setting, deduct_when):
    """POSTs limited per client address (``<setting>_PER_ADDRESS``) and per e-mail
    address in the form, whatever the client (``<setting>_PER_ACCOUNT``); only the
    responses ``deduct_when`` picks count."""
    def decorate(view):
        view = limiter.limit(lambda: current_app.config[f"{setting}_PER_ACCOUNT"],
                             methods=["POST"], key_func=account_key,
                             deduct_when=deduct_when)(view)
        return limiter.limit(lambda: current_app.config[f"{setting}_PER_ADDRESS"],
                             methods=["POST"], deduct_when=deduct_when)(view)
    return decorate


@bp.route("/login", methods=["GET", "POST"])
@limited("LOGIN_LIMIT", deduct_when=_failed)
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
                           reset_done=request.args.get("reset") == "1",
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


# -- password reset ----------------------------------------------------------------------
@bp.route("/reset", methods=["GET", "POST"])
@limited("RESET_LIMIT", deduct_when=accepted)
def reset_request():
    """Ask for a link. The answer is the same whether or not the address has an
    account (the lookup happens in a background task)."""
    if not resets.available():
        return render_template("auth/reset_unavailable.html")
    form = ResetRequestForm()
    if form.validate_on_submit():
        resets.request_link(form.email.data, current_language())
        return redirect(url_for("auth.reset_request", sent=1))
    return render_template("auth/reset_request.html", form=form, hours=resets.hours(),
                           sent=request.method == "GET" and request.args.get("sent") == "1")


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    """Choose a new password. An invalid, expired or used link is a 404 like any other
    unknown address."""
    user = resets.find_user(token)
    if user is None:
        abort(404)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            resets.reset(user, form.password.data)
        except accounts.AccountError as exc:
            form.password.errors = list(exc.messages)
        except LookupError:
            abort(404)
        else:
            # Every session of the account ended, this browser's too: log in afresh.
            logout_user()
            session.clear()
            return redirect(url_for("auth.login", reset=1))
    return render_template("auth/reset_password.html", form=form, email=user.email)
