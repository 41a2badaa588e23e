"""Consent per purpose (Law 91/2025/QH15, Decree 356/2025; see shared SECURITY.md).

A person gives consent with an unticked box, per purpose; each decision is stored with
its time and the version of the notice shown. Withdrawing takes effect at once, through
the write path (database and index in the same request):

- ``publish`` withdrawn: the profile becomes visible to curators only;
- ``contact`` withdrawn: both contact details become visible to curators only.

Either withdrawal also cancels the profile's pending contact requests and revokes the
accepted ones (``contact_requests.close_for_expert``): the details an expert let one
official see stop showing at once.

Giving consent changes no visibility by itself: the person then chooses who sees what
on the edit page (which asks for the consent before widening anything).

An import may carry the consents a person gave in a survey (the ``consent`` column,
read by :func:`parse_import_cell`); they are recorded with the notice version
``import:<file>``. A record without consent to a purpose is kept for curators only in
what that purpose covers (``RESTRICTIONS``).
"""
import datetime
import re

from peewee import JOIN

from expertnet.accounts.models import Consent, User
from expertnet.core import audit, signals
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _l
from expertnet.core.text import fold
from expertnet.directory import writes
from expertnet.directory.models import Expert

# Bump when the notice's text changes: each consent keeps the version that was shown.
NOTICE_VERSION = "2026-01"

PURPOSES = {
    "publish": _l("Publishing my profile in the directory"),
    "contact": _l("Sharing my e-mail address and phone number"),
}
# What withdrawing a purpose restricts at once, and what stays for curators only
# while nobody consented to it.
RESTRICTIONS = {
    "publish": {"visibility": "curators"},
    "contact": {"email_visibility": "curators", "phone_visibility": "curators"},
}
# The purpose a visibility column needs before it may be wider than curators.
PURPOSE_OF = {column: purpose for purpose, columns in RESTRICTIONS.items() for column in columns}
# Words of an import's ``consent`` cell, folded (no diacritics, lower case), per purpose.
IMPORT_WORDS = {
    "publish": ("publish", "publishing", "publication", "cong bo", "dang tai", "dang ho so"),
    "contact": ("contact", "contacts", "lien he", "lien lac", "thong tin lien he"),
}
# Cells of a yes/no consent column (a header naming one purpose: "Đồng ý công bố thông
# tin"), folded. Ward offices tick with x or ✓ as often as they write "Có". An empty cell
# is "no": privacy by default. Anything else is neither and rejects the row (a guess
# could publish somebody who did not agree).
YES_WORDS = frozenset({"co", "x", "✓", "✔", "☑", "yes", "y", "dong y", "co dong y",
                       "da dong y", "1", "true"})
NO_WORDS = frozenset({"", "khong", "no", "n", "0", "false", "khong dong y", "chua dong y"})
# Notice versions of consents recorded from an import start with this.
IMPORT_NOTICE_PREFIX = "import:"
MAX_NOTICE_LENGTH = 200
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def in_force(expert_id):
    """``{purpose: Consent or None}``: the latest decision per purpose."""
    latest = dict.fromkeys(PURPOSES)
    for row in (Consent.select().where(Consent.expert == expert_id)
                .order_by(Consent.created_at, Consent.id)):
        latest[row.purpose] = row
    return latest


def latest_decisions(expert_ids):
    """``{expert id: {purpose: granted}}``: the decision in force per purpose (a purpose
    nobody decided about is absent), in one query."""
    latest = {}
    expert_ids = list(expert_ids)
    if not expert_ids:
        return latest
    for row in (Consent.select(Consent.expert, Consent.purpose, Consent.granted)
                .where(Consent.expert.in_(expert_ids))
                .order_by(Consent.created_at, Consent.id)):
        latest.setdefault(row.expert_id, {})[row.purpose] = bool(row.granted)
    return latest


def withdrawn(expert_ids):
    """``{expert id: {purposes whose latest decision is a withdrawal}}`` in one query."""
    found = {}
    for expert_id, decisions in latest_decisions(expert_ids).items():
        purposes = {purpose for purpose, granted in decisions.items() if not granted}
        if purposes:
            found[expert_id] = purposes
    return found


def granted(expert_ids, purpose):
    """The ids among ``expert_ids`` whose latest decision about ``purpose`` is a grant."""
    latest = {}
    for row in (Consent.select(Consent.expert, Consent.granted)
                .where(Consent.expert.in_(list(expert_ids)) & (Consent.purpose == purpose))
                .order_by(Consent.created_at, Consent.id)):
        latest[row.expert_id] = row.granted
    return {expert_id for expert_id, given in latest.items() if given}


def is_granted(expert_id, purpose):
    row = in_force(expert_id).get(purpose)
    return bool(row and row.granted)


def history(expert_id):
    """Every decision, newest first, with the account that made it (``row.user``)."""
    return list(Consent.select(Consent, User).join(User, on=(Consent.user == User.id),
                                                   join_type=JOIN.LEFT_OUTER)
                .where(Consent.expert == expert_id)
                .order_by(Consent.created_at.desc(), Consent.id.desc()))


def decide(expert, user, purpose, granted, notice_version, via="screen"):
    """Record a decision. A withdrawal first restricts the profile through the
    services (so that it is hidden, index included, before anything else can fail),
    then stores the decision and its audit entry together with what depended on the
    consent: :data:`signals.consent_withdrawn` closes contact requests and cancels
    event invitations in the same transaction."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    actor = user.id if user else None
    if not granted:
        # Read afresh: the caller's copy may be older than the stored version.
        expert = Expert.get_by_id(expert.id)
        writes.save_profile(dict(RESTRICTIONS[purpose]), expert=expert, actor=actor, via=via)
    with database.atomic():
        if not granted:
            signals.consent_withdrawn.send(expert.id, purpose=purpose, actor=actor)
        row = Consent.create(expert=expert.id, user=user.id if user else None, purpose=purpose,
                             granted=bool(granted), notice_version=notice_version)
        audit.record("consent.grant" if granted else "consent.withdraw",
                     actor_id=user.id if user else None, expert_id=expert.id, source=via,
                     changes={"purpose": purpose, "notice_version": notice_version})
    return row


def import_notice_version(source):
    """The notice version of consents read from an import: ``import:`` and the file's
    name (without its folder), so the record says where the consent came from."""
    name = source.split(":", 1)[1] if source.startswith(IMPORT_NOTICE_PREFIX) else source
    name = name.replace("\\", "/").rsplit("/", 1)[-1] or "file"
    return (IMPORT_NOTICE_PREFIX + name)[:MAX_NOTICE_LENGTH]


def parse_import_cell(text, today=None):
    """``(purposes, given_on, unknown)`` of an import's ``consent`` cell: purposes
    separated by ``;`` (``publish``, ``contact`` or their words in ``IMPORT_WORDS``,
    with or without diacritics), and optionally the date the person consented
    (``2025-11-20`` or ``20/11/2025``). ``unknown`` lists what is neither; a date in
    the future or not a real date is unknown too."""
    today = today or datetime.date.today()
    purposes, given_on, unknown = set(), None, []
    for item in (part.strip() for part in (text or "").split(";")):
        if not item:
            continue
        word = " ".join(fold(item).split())
        purpose = next((name for name, words in IMPORT_WORDS.items() if word in words), None)
        if purpose:
            purposes.add(purpose)
            continue
        day = _date(item)
        if day is not None and day <= today and given_on is None:
            given_on = day
        else:
            unknown.append(item)
    return purposes, given_on, unknown


def parse_yes_no(text):
    """``True`` (consented), ``False`` (not, an empty cell included) or ``None`` (the
    cell is neither: the row must be rejected) for a yes/no consent cell."""
    word = " ".join(fold(str(text or "")).strip().rstrip(".!").split())
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    return None


def _date(text):
    match = _ISO_DATE.match(text)
    parts = (match.group(1), match.group(2), match.group(3)) if match else None
    match = _DMY_DATE.match(text)
    if match:
        parts = (match.group(3), match.group(2), match.group(1))
    if parts is None:
        return None
    try:
        return datetime.date(*(int(part) for part in parts))
    except ValueError:
        return None


def export(expert_id):
    return [{"purpose": row.purpose, "granted": row.granted,
             "notice_version": row.notice_version,
             "created_at": row.created_at.isoformat() + "Z"}
            for row in history(expert_id)]


@signals.consents_given.connect
def _store_given(expert_id, given, actor=None, via="cli", **_kwargs):
    """Consents read with a profile (an import's consent column), stored in the write's
    transaction; their audit entries, which the write records with its own."""
    entries = []
    for item in given:
        Consent.create(expert=expert_id, user=None, purpose=item["purpose"], granted=True,
                       notice_version=item["notice_version"],
                       created_at=item.get("created_at") or utcnow())
        entries.append(audit.entry("consent.grant", actor_id=actor, expert_id=expert_id,
                                   source=via,
                                   changes={"purpose": item["purpose"],
                                            "notice_version": item["notice_version"]}))
    return entries
