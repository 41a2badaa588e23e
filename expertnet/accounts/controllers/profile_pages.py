"""The profile's pages that act on what accounts keep about it, on the profile's blueprint
(``profiles.*``): ``/experts/<id>/edit`` (an owner's changes wait in a review; a held
registration keeps the visibility chosen) and ``/consent``; ``/account/privacy``,
``/account/data.json`` and the deletion request; ``/admin/deletions`` for curators; the
invitations to claim a profile."""
from flask import abort, jsonify, redirect, render_template, request, session, url_for
from flask_login import (
    current_user,
    fresh_login_required,
    login_fresh,
    login_required,
    login_user,
)

from expertnet.accounts import (
    consent,
    invitations,
    registrations,
    reviews,
)
from expertnet.accounts import (
    data_rights as subject,
)
from expertnet.accounts import (
    users as accounts,
)
from expertnet.accounts.controllers import readable_data
from expertnet.core import (
    access,
    audit,
    links,
    signals,
)
from expertnet.core import (
    outbox as mail,
)
from expertnet.core.access import current_viewer
from expertnet.core.db import utcnow
from expertnet.core.i18n import _, current_language
from expertnet.core.outbox import STATUS_NAMES as MAIL_STATUS_NAMES
from expertnet.core.text import parse_id
from expertnet.directory import freshness, validation, writes
from expertnet.directory.blueprint import bp
from expertnet.directory.editing import completeness, display, editable_or_abort
from expertnet.directory.forms import (
    VISIBILITY_FIELDS,
    ClaimForm,
    ConsentForm,
    InvitationForm,
    ProfileForm,
    column_labels,
    initial_values,
)
from expertnet.directory.models import Expert
from expertnet.taxonomy import store as catalog
from expertnet.web.guards import role_required


def _stored_values(expert):
    values = {name: getattr(expert, name) for name in validation.COLUMNS if name != "fields"}
    values["fields"] = expert.field_codes
    return values


@bp.route("/experts/<int:expert_id>/edit", methods=["GET", "POST"])
@login_required
def edit(expert_id):
    viewer = current_viewer()
    expert = editable_or_abort(expert_id, viewer)
    stored = _stored_values(expert)
    # A self-registered profile a curator has not approved: its owner's visibility
    # choice waits for the approval (shown, compared and kept as that choice).
    held = None if viewer.is_curator else registrations.held(expert.id)
    if held is not None and held.status == "pending":
        stored["visibility"] = held.wanted_visibility
    if request.method == "GET":
        initial = initial_values(expert, stored["fields"])
        initial["visibility"] = stored["visibility"]
        form = ProfileForm(data=initial, curator=viewer.is_curator)
        # The form shows the e-mail address and phone: a view like the profile page's.
        audit.contact_view(viewer, expert, access.CONTACT_FIELDS, source="screen")
    else:
        form = ProfileForm(curator=viewer.is_curator)
    conflict = None
    if form.validate_on_submit():
        outcome = _save(form, expert, stored, held)
        if outcome == "saved":
            return redirect(url_for("profiles.edit", expert_id=expert.id, saved=1))
        if outcome == "review":
            return redirect(url_for("profiles.edit", expert_id=expert.id, saved=1, review=1))
        if isinstance(outcome, list):
            conflict = outcome
    elif request.method == "POST":
        abort(400)
    values = {name: form[name].data for name in form.columns()}
    percent, missing = completeness(values if request.method == "POST" else stored)
    return render_template("profiles/edit.html", form=form, expert=expert, conflict=conflict,
                           percent=percent, missing=missing,
                           labels={name: form[name].label.text for name in form.columns()},
                           is_owner=expert.id in viewer.own_expert_ids,
                           on_behalf=_on_behalf(viewer, expert) is not None,
                           saved=request.args.get("saved") == "1" and request.method == "GET",
                           review=request.args.get("review") == "1" and request.method == "GET",
                           pending=_pending_rows(expert, form),
                           decisions=reviews.recent_decisions(expert.id), held=held,
                           stale_since=freshness.stale_since(expert)
                           if expert.id in viewer.own_expert_ids else None)


def _pending_rows(expert, form):
    """``(label, published, proposed)`` of the profile's proposal waiting for a curator."""
    row = reviews.pending_for(expert.id)
    if row is None:
        return []
    language = current_language()
    return [(_label(form, name), display(name, getattr(expert, name), language),
             display(name, value, language)) for name, value in row.proposed_values.items()]


def _label(form, name):
    return form[name].label.text if name in form else ProfileForm(
        curator=True, formdata=None)[name].label.text


def _save(form, expert, stored, held=None):
    """Save the form through the service layer; ``"saved"``, ``"errors"`` (put on the
    form's fields) or, for a concurrent edit, the conflict rows. ``held``: the
    registration a curator has not approved (the owner's visibility is not applied)."""
    raw = form.profile_values()
    values, errors = validation.normalize(raw, catalog.load())
    for name in VISIBILITY_FIELDS:
        # Who may see a person's data changes only with a fresh login (SECURITY.md): a
        # remembered session on a shared computer must not be enough.
        if name in values and values[name] != stored[name] and not login_fresh():
            errors.append((name, _("Log in again (with your password) to change who sees this.")))
    errors += _consent_problems(values, stored, expert)
    if held is not None:
        if held.status == "rejected" and values.get("visibility", "curators") != "curators":
            errors.append(("visibility", _("Your registration was not approved: your profile "
                                           "stays visible to the curators only.")))
        raw = {name: value for name, value in raw.items() if name != "visibility"}
    if not errors:
        version = parse_id(form.version.data)
        if version is None:
            version = -1  # no version read: treated as a concurrent change
        proposed = {}
        viewer = current_viewer()
        if not viewer.is_curator:
            # An owner's (or their delegate's) changes to what curators vouch for wait
            # for a curator.
            _published, proposed = reviews.split(values, stored)
            raw = {name: value for name, value in raw.items() if name not in reviews.VOUCHED}
        note = _on_behalf(viewer, expert)
        try:
            writes.save_profile(raw, expert=expert, expected_version=version,
                                  actor=current_user.id, via="screen", note=note)
        except validation.ProfileErrors as exc:
            errors = exc.errors
        except writes.VersionConflict:
            return _conflict(form, values)
        except writes.ProfileGone:
            abort(404)  # deleted while this person was editing it
        else:
            _after_save(expert, values, held)
            if proposed:
                reviews.propose(expert, current_user.id, proposed, note=note)
                return "review"
            return "saved"
    for column, message in errors:
        if column in form:
            form[column].errors = [*form[column].errors, message]
    return "errors"


def _after_save(expert, values, held):
    """An owner who saved their profile has looked at it: it is not stale. A held
    registration keeps the visibility they chose for the curator's approval."""
    if expert.id not in current_viewer().own_expert_ids:
        return
    writes.record_owner_confirmation(expert, actor=current_user.id, audited=False)
    if held is not None and held.status == "pending" and values.get("visibility"):
        registrations.set_wanted_visibility(held, values["visibility"], current_user.id)


def _on_behalf(viewer, expert):
    """The audit note of a delegate's edit (``None`` for anyone else): the delegate is
    the actor, and the entry says for whom they acted."""
    if viewer.is_curator or expert.id in viewer.own_expert_ids \
            or not viewer.acts_for(expert.id):
        return None
    return {"on_behalf_of": expert.id}


def _consent_problems(values, stored, expert):
    """Who sees a profile or its contact details widens only with the person's consent
    to that purpose on record (``consent.PURPOSE_OF``), whoever edits: the owner (or
    their delegate) is sent to the consent page; a curator must ask the person, since a
    record nobody consented to publish is for curators only. Narrowing needs nothing."""
    decisions = consent.latest_decisions([expert.id]).get(expert.id, {})
    problems = []
    for name, purpose in consent.PURPOSE_OF.items():
        new = values.get(name)
        if new is None or not access.is_wider(new, stored[name]) or decisions.get(purpose):
            continue
        if current_viewer().is_curator:
            problems.append((name, _("The person has not consented to this. Ask them to give "
                                     "their consent on the consent page first.")))
        else:
            problems.append((name, _("Give your consent on the consent page first.")))
    return problems


def _conflict(form, values):
    """Rows ``(label, theirs, yours)`` of the fields where the stored profile (saved by
    someone else meanwhile) differs from what this person submitted. The form keeps
    their values and now carries the current version: saving again is a deliberate
    choice to replace the other person's changes."""
    current = Expert.get_by_id(int(request.view_args["expert_id"]))
    theirs = _stored_values(current)
    language = current_language()
    rows = []
    for name in form.columns():
        mine = display(name, values.get(name, form[name].data), language)
        other = display(name, theirs.get(name), language)
        if mine != other:
            rows.append((form[name].label.text, other, mine))
    form.version.data = str(current.version)
    form.version.raw_data = [str(current.version)]
    return rows


@bp.route("/experts/<int:expert_id>/consent", methods=["GET", "POST"])
@login_required
def consent_page(expert_id):
    """The notice, the owner's decisions per purpose and their history. Curators see
    the history; only the person decides."""
    viewer = current_viewer()
    expert = editable_or_abort(expert_id, viewer)
    is_owner = expert.id in viewer.own_expert_ids
    form = ConsentForm()
    error = None
    if request.method == "POST":
        if not is_owner:
            abort(403)
        if not form.validate_on_submit() or form.purpose.data not in consent.PURPOSES \
                or form.decision.data not in ("grant", "withdraw"):
            abort(400)
        granted = form.decision.data == "grant"
        if form.notice_version.data != consent.NOTICE_VERSION:
            error = _("The notice has changed since you opened this page. Please read it again.")
        elif granted and not form.agree.data:
            error = _("Tick the box to give your consent, or leave the page.")
        else:
            consent.decide(expert, current_user, form.purpose.data, granted,
                           consent.NOTICE_VERSION)
            return redirect(url_for("profiles.consent_page", expert_id=expert.id,
                                    done=form.decision.data))
    # A fresh form: the boxes are shown unticked whatever was posted.
    return render_template("profiles/consent.html", expert=expert, is_owner=is_owner,
                           form=ConsentForm(formdata=None),
                           purposes=consent.PURPOSES, in_force=consent.in_force(expert.id),
                           history=consent.history(expert.id), error=error,
                           notice_version=consent.NOTICE_VERSION,
                           done=request.args.get("done") if request.method == "GET" else None,
                           **_consent_sections(expert, viewer))


def _consent_sections(expert, viewer):
    """The consent page's sections other modules fill (``consent_page``)."""
    sections = {}
    for answer in signals.answers_of(signals.consent_page.send(expert.id, viewer=viewer)):
        sections.update(answer)
    return sections


# -- the data subject's rights ---------------------------------------------------------
@bp.get("/account/data.json")
@fresh_login_required
def my_data():
    """Everything held about the signed-in person, as a JSON download (a fresh login:
    SECURITY.md). The export itself is logged."""
    data = subject.export(current_user)
    if current_user.expert_id:
        audit.record("data.export", actor_id=current_user.id, expert_id=current_user.expert_id)
    response = jsonify(data)
    response.headers["Content-Disposition"] = 'attachment; filename="expertnet-my-data.json"'
    return response


@bp.get("/account/data.html")
@fresh_login_required
def my_data_page():
    """The same data as ``/account/data.json``, as a page to read or print (to PDF) in
    the reader's language; the same fresh login, and logged like the download."""
    data = subject.export(current_user)
    if current_user.expert_id:
        audit.record("data.export", actor_id=current_user.id, expert_id=current_user.expert_id)
    return render_template("profiles/my_data.html", generated_at=data["generated_at"],
                           sections=readable_data.sections(data, column_labels()))


@bp.get("/account/privacy")
@login_required
def privacy():
    expert_id = current_user.expert_id
    return render_template("profiles/privacy.html", expert_id=expert_id,
                           views=subject.contact_views(expert_id) if expert_id else [],
                           requests=subject.requests_of(current_user),
                           requested=request.args.get("requested") == "1")


@bp.post("/account/deletion-request")
@fresh_login_required
def request_deletion():
    """Only for one's own profile: there is no id to change."""
    if not current_user.expert_id:
        abort(404)
    # (The CSRF token was checked before the view, as for every POST.)
    subject.request_deletion(current_user)
    return redirect(url_for("profiles.privacy", requested=1))


@bp.get("/admin/deletions")
@role_required("admin", "curator")
def deletions():
    return render_template("profiles/deletions.html", rows=subject.pending(),
                           done=request.args.get("done") == "1")


def _pending_or_404(request_id):
    row = subject.pending_request(request_id)
    if row is None:
        abort(404)
    return row


@bp.post("/admin/deletions/<int:request_id>/confirm")
@role_required("admin", "curator")
def confirm_deletion(request_id):
    subject.confirm(_pending_or_404(request_id), actor=current_user.id)
    return redirect(url_for("profiles.deletions", done=1))


@bp.post("/admin/deletions/<int:request_id>/refuse")
@role_required("admin", "curator")
def refuse_deletion(request_id):
    subject.refuse(_pending_or_404(request_id), actor=current_user.id)
    return redirect(url_for("profiles.deletions"))


# -- invitations -------------------------------------------------------------------------
@bp.route("/experts/<int:expert_id>/invite", methods=["GET", "POST"])
@login_required
def invite(expert_id):
    """A curator invites the expert to claim this profile; the link is shown once."""
    viewer = current_viewer()
    expert = Expert.get_or_none(Expert.id == expert_id)
    if expert is None or not viewer.is_curator:
        abort(403 if expert is not None and access.can_view(viewer, expert) else 404)
    owned = expert.owners.exists()
    form = InvitationForm(data={"email": expert.email})
    mailing = mail.enabled()
    link = None
    if not owned and form.validate_on_submit():
        row, token = invitations.create(expert, form.email.data, actor=current_user.id)
        link = links.external_url(links.base_url(anonymous=False), "profiles.claim", token=token)
        if mailing:
            invitations.send(row, link, form.language.data)
            # Back to the page (a reload must not send it again), which shows the status.
            return redirect(url_for("profiles.invite", expert_id=expert.id, sent=row.id))
    sent = invitations.sent_for(expert.id) if mailing else []
    return render_template("profiles/invite.html", expert=expert, form=form, link=link,
                           owned=owned, days=invitations.lifetime_days(), mailing=mailing, sent=sent,
                           just_sent=request.args.get("sent", type=int),
                           statuses=MAIL_STATUS_NAMES, now=utcnow())


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def claim(token):
    """Set a password and own the profile. An invalid, expired or used link is a 404
    like any other unknown address."""
    invitation = invitations.find(token)
    if invitation is None:
        abort(404)
    form = ClaimForm()
    if form.validate_on_submit():
        try:
            user = invitations.claim(invitation, form.password.data)
        except accounts.AccountError as exc:
            form.password.errors = list(exc.messages)
        except LookupError:
            abort(404)
        else:
            # A new session for the new account (no fixation of an earlier one).
            session.clear()
            login_user(user)
            return redirect(url_for("profiles.edit", expert_id=invitation.expert_id))
    return render_template("profiles/claim.html", form=form, invitation=invitation,
                           expert=Expert.get_by_id(invitation.expert_id))
