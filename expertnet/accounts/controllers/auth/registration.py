"""``/auth/register`` (experts register themselves) and ``/auth/register/<token>`` (the
e-mail address is confirmed, the account and the profile are created)."""
from flask import abort, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user

from expertnet.accounts import consent, registrations
from expertnet.accounts import users as accounts
from expertnet.accounts.controllers.auth import bp
from expertnet.accounts.controllers.auth.forms import RegistrationForm
from expertnet.accounts.controllers.auth.routes import accepted, limited
from expertnet.core.i18n import current_language


@bp.route("/register", methods=["GET", "POST"])
@limited("REGISTER_LIMIT", deduct_when=accepted)
def register():
    """The answer to a registration is "check your mailbox", whether or not the address
    has an account (which is told so by e-mail instead)."""
    if not registrations.available():
        return render_template("auth/register_closed.html")
    if request.method == "GET" and request.args.get("sent") == "1":
        return render_template("auth/register_sent.html", hours=registrations.hours())
    form = RegistrationForm()
    if form.validate_on_submit():
        values, errors = registrations.check(
            form.email.data, form.password.data, form.full_name.data, form.kind.data,
            form.country.data, form.visibility.data, form.consents())
        if not errors:
            registrations.start(values, form.password.data, form.consents(), current_language())
            return redirect(url_for("auth.register", sent=1))
        for name, message in errors:
            if name in form:
                form[name].errors = [*form[name].errors, message]
    # The consent boxes come back unticked unless the person ticked them on this form.
    return render_template("auth/register.html", form=form,
                           notice_version=consent.NOTICE_VERSION,
                           logged_in=current_user.is_authenticated)


@bp.route("/register/<token>", methods=["GET", "POST"])
def confirm_registration(token):
    """The link of the e-mail leads here; the button (a POST) creates the account, so
    that a mail scanner opening the link changes nothing."""
    row = registrations.find(token)
    if row is None:
        abort(404)
    error = None
    if request.method == "POST":
        try:
            user = registrations.complete(row)
        except LookupError:
            abort(404)
        except accounts.AccountError as exc:
            error = "; ".join(str(message) for message in exc.messages)
        else:
            # A new session for the new account (no fixation of an earlier one).
            session.clear()
            login_user(user)
            return redirect(url_for("account.home", registered=1))
    return render_template("auth/register_confirm.html", row=row, error=error)
