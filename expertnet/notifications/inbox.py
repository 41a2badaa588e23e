"""Notifications: what a person should know, on their ``/notifications`` page, beside the
e-mail that may also tell them (contact requests and answers, the Department's answers
for unclaimed experts, decisions on a registration or on proposed changes, an invitation
claimed, a stale profile, a digest of saved searches).

A notification keeps its ``kind`` and the values its text needs (``params``), never the
text: it is written in the reader's language when the page is shown, whatever language
the event happened in. Values are plain strings and numbers (dates as ISO text).
"""
import datetime
import json

from expertnet.core import links, signals
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _, format_day, ngettext
from expertnet.directory.models import Expert
from expertnet.notifications.models import Notification

PER_PAGE = 20


def _date(value):
    """A day or a moment kept as ISO text, as the reader writes the day (a moment's day is
    the city's: 20:30 UTC is already the next day in Hai Phong)."""
    try:
        return format_day(str(value))
    except ValueError:
        return str(value)


def _expert_name(expert_id):
    """A profile is named by its id and read when shown: a deleted profile leaves no name
    behind in anyone's notifications (SECURITY.md, deletion)."""
    name = (Expert.select(Expert.full_name).where(Expert.id == expert_id).scalar()
            if isinstance(expert_id, int) else None)
    return name if name is not None else _("(a deleted profile)")


def _connection_step(code):
    """The name of a step of a technology connection (the marketplace's own words)."""
    names = {"introduced": _("Introduced"), "meeting_held": _("Meeting held"),
             "proposal": _("Proposal made"), "contract_signed": _("Contract signed"),
             "closed": _("Closed without agreement")}
    return names.get(code, str(code))


# kind → the text, from the params, in the current language.
TEXTS = {
    "contact_request": lambda p: _(
        "An official of %(department)s asks for your contact details for the need "
        "“%(title)s”.", department=p.get("department", ""), title=p.get("title", "")),
    "contact_accepted": lambda p: _(
        "The expert accepted your contact request for “%(title)s”: their contact details "
        "are on the need's page.", title=p.get("title", "")),
    "contact_declined": lambda p: _(
        "The expert declined your contact request for “%(title)s”.", title=p.get("title", "")),
    "department_consent": lambda p: _(
        "The Department reached the expert for “%(title)s”: they agreed to be contacted. "
        "The contact details they share are on the need's page.", title=p.get("title", "")),
    "department_declined": lambda p: _(
        "The Department reached the expert for “%(title)s”: they declined to be contacted.",
        title=p.get("title", "")),
    "department_no_answer": lambda p: _(
        "The Department got no answer from the expert for “%(title)s” and closed the "
        "request.", title=p.get("title", "")),
    "registration_approved": lambda p: _(
        "A curator approved your registration: your profile is shown as you chose."),
    "registration_rejected": lambda p: _(
        "A curator did not approve your registration.") + (
        " " + _("Reason given: %(reason)s", reason=p["reason"]) if p.get("reason") else ""),
    "review_accepted": lambda p: _(
        "A curator accepted the changes you proposed on %(date)s.", date=_date(p.get("date"))),
    "review_rejected": lambda p: _(
        "A curator rejected the changes you proposed on %(date)s.", date=_date(p.get("date"))) + (
        " " + _("Reason given: %(reason)s", reason=p["reason"]) if p.get("reason") else ""),
    "invitation_claimed": lambda p: _(
        "%(name)s accepted your invitation and now keeps their profile.",
        name=_expert_name(p.get("expert_id"))),
    "stale_reminder": lambda p: _(
        "Your profile “%(name)s” was last confirmed on %(date)s: please check that it is "
        "still correct.", name=_expert_name(p.get("expert_id")), date=_date(p.get("date"))),
    "technology_published": lambda p: _(
        "Your technology record “%(title)s” was checked and published.", title=p.get("title", "")),
    "technology_returned": lambda p: _(
        "Your technology record “%(title)s” was returned for changes.", title=p.get("title", "")) + (
        " " + _("Reason given: %(reason)s", reason=p["reason"]) if p.get("reason") else ""),
    "connection_step": lambda p: _(
        "The connection for the technology demand “%(title)s” is now at the step: %(step)s.",
        title=p.get("title", ""), step=_connection_step(p.get("step"))),
    "digest": lambda p: ngettext(
        "%(num)s new expert matches your saved searches.",
        "%(num)s new experts match your saved searches.", int(p.get("count", 0))),
}


# A path on this site for a notification's link (the modules above notifications call it
# here; those below use ``links.site_path`` itself with ``signals.tell``).
path_for = links.site_path


def notify(user, kind, link="", **params):
    """Add a notification for ``user`` (a ``User`` or its id). ``params`` are what the
    text of ``kind`` needs; they are stored, the text is not."""
    if kind not in TEXTS:
        raise ValueError(f"unknown notification kind {kind!r}")
    user_id = getattr(user, "id", user)
    values = {name: value.isoformat() if isinstance(value, datetime.date | datetime.datetime)
              else value for name, value in params.items()}
    with database.atomic():
        return Notification.create(user=user_id, kind=kind, link=link[:500],
                                   params=json.dumps(values, ensure_ascii=False))


@signals.notice_requested.connect
def _notice(user, kind, link="", params=None, **_kwargs):
    """A lower module's notice (accounts, the directory's freshness reminders), written in
    the sender's transaction."""
    return notify(user, kind, link=link, **(params or {}))


def text(notification):
    """The notification's text in the current language."""
    render = TEXTS.get(notification.kind)
    return render(notification.values) if render else notification.kind


def unread_count(user_id):
    return (Notification.select().where((Notification.user == user_id)
                                        & Notification.read_at.is_null()).count())


def page_of(user_id, page=1, per_page=PER_PAGE):
    """``(rows, total)``: the person's notifications, newest first."""
    query = (Notification.select().where(Notification.user == user_id)
             .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return list(query.paginate(page, per_page)), query.count()


def mark_read(user_id, notification_id):
    """Mark one of the person's notifications read; False when it is not theirs."""
    row = Notification.get_or_none((Notification.id == notification_id)
                                   & (Notification.user == user_id))
    if row is None:
        return False
    with database.atomic():
        (Notification.update(read_at=utcnow())
         .where((Notification.id == row.id) & Notification.read_at.is_null()).execute())
    return True


def mark_all_read(user_id):
    with database.atomic():
        return (Notification.update(read_at=utcnow())
                .where((Notification.user == user_id) & Notification.read_at.is_null())
                .execute())
