"""``/account``: what the signed-in person sees and changes about their account."""
from flask import abort, redirect, render_template, url_for
from flask_login import current_user, fresh_login_required, login_required, login_user

from expertnet.accounts import delegates, registrations
from expertnet.accounts import users as accounts
from expertnet.accounts.controllers.account import bp
from expertnet.accounts.controllers.account.forms import LanguageForm, PasswordChangeForm, TokenForm
from expertnet.core import signals
from expertnet.core.access import current_viewer
from expertnet.directory import freshness
from expertnet.directory.models import Expert


@bp.get("/account")
@login_required
def home():
    """The signed-in person's dashboard: where their registration stands and whether
    their profile needs confirming."""
    expert = Expert.get_or_none(Expert.id == current_user.expert_id) if current_user.expert_id \
        else None
    registration = registrations.latest_of(current_user)
    return render_template("account/home.html", user=current_user,
                           language_form=LanguageForm(language=current_user.language),
                           registration=registration,
                           show_approved=registrations.recently_approved(registration),
                           expert_id=current_user.expert_id,
                           stale_since=freshness.stale_since(expert),
                           delegated=delegates.profiles_of(current_user.id),
                           # What waits for the person in other modules: contact requests
                           # and saved searches (outreach), event invitations (cooperation).
                           **_sections())


def _sections():
    sections = {"pending_requests": 0, "waiting_invitations": 0, "saved_searches": None}
    for answer in signals.answers_of(signals.account_page.send(current_user._get_current_object(),
                                                               viewer=current_viewer())):
        sections.update(answer)
    return sections


@bp.route("/account/password", methods=["GET", "POST"])
@fresh_login_required
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            user = accounts.change_password(current_user, form.current_password.data,
                                            form.new_password.data)
        except accounts.AccountError as exc:
            form.new_password.errors = list(exc.messages)
        else:
            # The change ended every session, this one included: keep this one going.
            login_user(user)
            return redirect(url_for("account.home", changed="password"))
    return render_template("account/password.html", form=form)


@bp.post("/account/language")
@login_required
def language():
    form = LanguageForm()
    if form.validate_on_submit():
        accounts.set_language(current_user, form.language.data)
    return redirect(url_for("account.home"))


@bp.route("/account/tokens", methods=["GET", "POST"])
@fresh_login_required
def tokens():
    """API tokens: a new one is shown once, on the page that created it."""
    form = TokenForm()
    created = None
    if form.validate_on_submit():
        _row, created = accounts.create_token(current_user, form.name.data)
        form = TokenForm(formdata=None)
    return render_template("account/tokens.html", form=form, created=created,
                           tokens=accounts.list_tokens(current_user))


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id):
    # Another account's token answers 404, exactly like one that does not exist.
    if not accounts.revoke_token(current_user, token_id):
        abort(404)
    return redirect(url_for("account.tokens"))
