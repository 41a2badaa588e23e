"""Reminders to owners of stale profiles (``directory.freshness`` says which are stale):
the e-mail with a signed "still correct" link and an in-site notice, at most once every
``STALE_REMIND_DAYS`` days; the link's check; the curators' list of stale profiles with
their owning accounts."""
import datetime

from flask import current_app

from expertnet.accounts.models import User
from expertnet.core import links, signals, tasks
from expertnet.core import outbox as mail
from expertnet.core.db import utcnow
from expertnet.core.i18n import _, format_day
from expertnet.core.outbox import letter
from expertnet.directory import freshness, writes
from expertnet.directory.models import Expert

SALT = "expertnet.profile.still-correct"


def reminder_mail(to, full_name, last_confirmed, confirm_link, edit_link, language):
    """The e-mail asking an owner whether their profile is still correct (its
    ``MailMessage`` row, or None when mail is not configured)."""
    def compose():
        return _("Is your profile still correct?"), letter(
            _("Hello,"),
            _("Your profile “%(name)s” in the Hai Phong expert network was last confirmed on "
              "%(date)s. Officials rely on it to find experts: please check that it is "
              "still correct.", name=full_name, date=format_day(last_confirmed)),
            _("If nothing has changed, confirm it in one click here:") + "\n" + confirm_link,
            _("If something has changed, log in and edit it here:") + "\n" + edit_link)
    return mail.send(to, "stale_reminder", compose, language)


def stale_profiles(owned_only=False, page=1, per_page=50):
    """``(rows, total)``: stale profiles, longest unconfirmed first; each row is
    ``(expert, owner account or None)``."""
    query = (Expert.select().where(freshness.last_confirmed_column() < freshness.cutoff())
             .order_by(freshness.last_confirmed_column(), Expert.id))
    if owned_only:
        query = query.where(Expert.id.in_(User.select(User.expert).where(User.expert.is_null(False))))
    experts = list(query.paginate(page, per_page))
    owners = {user.expert_id: user for user in
              User.select().where(User.expert.in_([expert.id for expert in experts]))}
    return [(expert, owners.get(expert.id)) for expert in experts], query.count()


def _remind_before(now):
    return now - datetime.timedelta(days=int(current_app.config["STALE_REMIND_DAYS"]))


def due_reminders(now=None):
    """``[(expert, owner)]``: stale profiles whose active owner was not reminded in the
    last STALE_REMIND_DAYS days."""
    now = now or utcnow()
    query = (Expert.select(Expert, User).join(User, on=(User.expert == Expert.id), attr="owner")
             .where((freshness.last_confirmed_column() < freshness.cutoff(now)) & User.active
                    & (Expert.stale_reminded_at.is_null()
                       | (Expert.stale_reminded_at < _remind_before(now))))
             .order_by(Expert.id))
    return [(expert, expert.owner) for expert in query]


def remind(base, dry_run=False):
    """Queue a reminder per due profile (none with ``dry_run``); the due list."""
    due = due_reminders()
    if not dry_run:
        for expert, _owner in due:
            send_reminder(expert.id, base)
    return due


@tasks.task("expertnet.freshness.send_reminder")
def send_reminder(expert_id, base):
    """E-mail the owner, if the profile is still stale and due (a second run of the
    command, or a confirmation meanwhile, sends nothing)."""
    now = utcnow()
    expert = Expert.get_or_none(Expert.id == expert_id)
    owner = User.get_or_none(User.expert == expert_id)
    if expert is None or owner is None or not owner.active or not freshness.is_stale(expert, now):
        return
    if expert.stale_reminded_at is not None and expert.stale_reminded_at >= _remind_before(now):
        return
    token = links.sign(SALT, {"e": expert.id, "u": owner.id})
    message = reminder_mail(
        owner.email, expert.full_name, freshness.last_confirmed(expert),
        links.external_url(base, "profiles.check_profile", token=token),
        links.external_url(base, "profiles.edit", expert_id=expert.id), owner.language)
    if message is not None:
        signals.tell(owner, "stale_reminder",
                     link=links.site_path("profiles.edit", expert_id=expert.id),
                     expert_id=expert.id, date=freshness.last_confirmed(expert))
        writes.note_stale_reminder(expert.id, now)


def find_confirmation(token):
    """``(expert, owner)`` named by a still-valid "still correct" link, else None: the
    account must still be active and own the profile."""
    days = int(current_app.config["STALE_LINK_DAYS"])
    data = links.unsign(SALT, token, days * 24 * 3600)
    if data is None:
        return None
    owner = User.get_or_none(User.id == data.get("u"))
    if owner is None or not owner.active or owner.expert_id is None \
            or owner.expert_id != data.get("e"):
        return None
    return Expert.get_by_id(owner.expert_id), owner
