"""The write functions of councils (the only code that writes their tables), each change
audited, and the counts the programme reads (:func:`councils`)."""
import datetime
import functools

from peewee import IntegrityError

from expertnet.accounts.models import User
from expertnet.cooperation import attachments, engagements
from expertnet.cooperation.common import Problems, Refused, field_problems
from expertnet.cooperation.models import Engagement
from expertnet.core import audit, links, signals
from expertnet.core import outbox as mail
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _, _l
from expertnet.core.text import clean, clean_multiline, fold, parse_id
from expertnet.councils import checks
from expertnet.councils.models import (
    Council,
    CouncilMeeting,
    CouncilMember,
    CouncilOpinion,
    CouncilPaperDeclaration,
)
from expertnet.outreach.models import Need
from expertnet.web.forms import form_date, text_problems

KINDS = {"advisory": _l("Advisory council"), "review": _l("Review council")}
ROLES = {"chair": _l("Chair"), "secretary": _l("Secretary"), "member": _l("Member")}
STATUSES = {"composing": _l("being composed"), "invited": _l("members invited"),
            "concluded": _l("concluded")}
MEMBER_STATUSES = {"proposed": _l("proposed"), "invited": _l("invited"),
                   "accepted": _l("accepted"), "declined": _l("declined")}
VOTES = {"approve": _l("Approves"), "approve_with_changes": _l("Approves with changes"),
         "reject": _l("Does not approve"), "abstain": _l("Abstains")}
MAX_LENGTHS = {"title": 200, "department": 300, "subject_organisation": 300, "subject": 10_000}
MAX_SIZE = 15
MIN_SIZE = 3
MAX_FEE = 1_000_000_000
MAX_OPINION = 10_000
MAX_LOCATION = 200
MAX_CONCLUSION = 20_000

# The declaration each member signs online. A new wording gets a new version: what a
# member signed is kept with its version and its text as shown.
DECLARATION_VERSION = "2026-1"
# Every version a member may have signed, the newest last (a paper declaration names one).
DECLARATION_VERSIONS = (DECLARATION_VERSION,)


def declaration_text():
    """The declaration in the current language (the signer's)."""
    return _("I declare that I have no personal, financial or professional interest in the "
             "subject of this council that could affect my independence, and that I will tell "
             "the council's secretary at once if one arises; that I will give my opinion "
             "independently and objectively; and that I will keep the council's documents and "
             "deliberations confidential and use them for no other purpose.")


# -- the council -------------------------------------------------------------------------
def normalize(raw):
    errors = []
    values = {
        "kind": clean(raw.get("kind")),
        "title": clean(raw.get("title")),
        "subject": clean_multiline(raw.get("subject")),
        "subject_organisation": clean(raw.get("subject_organisation")),
        "department": clean(raw.get("department")),
    }
    if values["kind"] not in KINDS:
        errors.append(("kind", _("Choose the kind of council.")))
    errors += text_problems(values, ("title", "department"), MAX_LENGTHS)
    values["fields"] = field_problems(raw.get("fields"), errors)
    size = parse_id(clean(str(raw.get("size") or "")))
    if size is None or not MIN_SIZE <= size <= MAX_SIZE:
        errors.append(("size", _("Type a number of members from %(low)s to %(high)s.",
                                 low=MIN_SIZE, high=MAX_SIZE)))
        size = MIN_SIZE
    values["size"] = size
    need = None
    raw_need = clean(str(raw.get("need") or ""))
    if raw_need:
        need_id = parse_id(raw_need)
        need = Need.get_or_none(Need.id == need_id) if need_id else None
        if need is None:
            errors.append(("need", _("No need has this number.")))
    values["need"] = need.id if need is not None else None
    return values, errors


def save(raw, actor, council=None):
    """Create or update a council; raises :class:`Problems`."""
    values, errors = normalize(raw)
    if errors:
        raise Problems(errors)
    with database.atomic():
        if council is None:
            council = Council(created_by=actor, created_at=utcnow())
            action = "council.create"
        else:
            action = "council.update"
        for name, value in values.items():
            setattr(council, name, value)
        council.updated_at = utcnow()
        council.save()
        audit.record(action, actor_id=actor, changes={"council": council.id, "kind": council.kind,
                                                      "size": council.size})
    return council


def delete(council, actor):
    """A council and its members, meetings and opinions (the review engagements it wrote
    stay: they happened) and the signed declarations received on paper, with their files."""
    with database.atomic():
        experts = [row.expert_id for row in CouncilMember.select(CouncilMember.expert)
                   .where(CouncilMember.council == council.id)]
        seats = CouncilMember.select(CouncilMember.id).where(CouncilMember.council == council.id)
        names = _drop_paper_declarations(seats)
        meetings = CouncilMeeting.select(CouncilMeeting.id).where(CouncilMeeting.council == council.id)
        CouncilOpinion.delete().where(CouncilOpinion.meeting.in_(meetings)).execute()
        CouncilMeeting.delete().where(CouncilMeeting.council == council.id).execute()
        CouncilMember.delete().where(CouncilMember.council == council.id).execute()
        signals.record_deleted.send("council", ids=[council.id], actor=actor)
        council.delete_instance()
        audit.record("council.delete", actor_id=actor, changes={"council": council.id})
        audit.write_many(audit.entry("council.remove_member", actor_id=actor, expert_id=expert_id,
                                     changes={"council": council.id}) for expert_id in experts)
    attachments.remove(names)


def _drop_paper_declarations(members):
    """Delete the paper declarations of ``members`` (a query of member ids); the names of
    their files, to remove once the deletion is committed."""
    query = CouncilPaperDeclaration.select(CouncilPaperDeclaration.stored_name).where(
        CouncilPaperDeclaration.member.in_(members))
    names = [row.stored_name for row in query]
    if names:
        CouncilPaperDeclaration.delete().where(CouncilPaperDeclaration.member.in_(members)).execute()
    return names


def listing(q="", kind=None, status=None):
    query = Council.select()
    if kind in KINDS:
        query = query.where(Council.kind == kind)
    if status in STATUSES:
        query = query.where(Council.status == status)
    rows = list(query.order_by(Council.created_at.desc(), Council.id.desc()))
    words = fold(clean(q)).split()
    if words:
        rows = [row for row in rows
                if all(word in fold(f"{row.title} {row.department} {row.subject_organisation}")
                       for word in words)]
    return rows


def member_counts(council_ids):
    """``{council id: members not declined}``."""
    counts = dict.fromkeys(council_ids, 0)
    for (council_id,) in (CouncilMember.select(CouncilMember.council)
                          .where(CouncilMember.council.in_(list(council_ids))
                                 & CouncilMember.status.in_(checks.SEATED)).tuples()):
        counts[council_id] += 1
    return counts


# -- members -----------------------------------------------------------------------------
def members(council):
    """Every member row with its profile, chair and secretary first."""
    order = {role: position for position, role in enumerate(ROLES)}
    rows = list(CouncilMember.select().where(CouncilMember.council == council.id))
    return sorted(rows, key=lambda row: (order.get(row.role, 9), row.id))


def _fee(raw, errors):
    typed = clean(str(raw or "")).replace(".", "").replace(",", "").replace(" ", "")
    if not typed:
        return None
    number = parse_id(typed) if not typed.startswith("#") else None
    if number is None or number > MAX_FEE:
        errors.append(("fee", _("Type the fee in đồng as a whole number, or leave it empty.")))
        return None
    return number


def add_member(council, expert, role, fee, actor):
    """Propose ``expert`` for the council; raises :class:`Refused` (a role the form never
    offers: status 400) or :class:`Problems` (a fee that is no number)."""
    if role not in ROLES:
        raise Refused(_("Choose the member's role."), status=400)
    if council.status == "concluded":
        raise Refused(_("The council has concluded: its members no longer change."))
    errors = []
    amount = _fee(fee, errors)
    if errors:
        raise Problems(errors)
    if role in ("chair", "secretary") and CouncilMember.select().where(
            (CouncilMember.council == council.id) & (CouncilMember.role == role)
            & CouncilMember.status.in_(checks.SEATED)).exists():
        raise Refused(_("The council already has a %(role)s.", role=str(ROLES[role]).lower()))
    try:
        with database.atomic():
            row = CouncilMember.create(council=council.id, expert=expert.id, role=role,
                                       independent=checks.independent(expert, council),
                                       fee=amount, added_by=actor)
            audit.record("council.add_member", actor_id=actor, expert_id=expert.id,
                         changes={"council": council.id, "role": role})
    except IntegrityError:
        raise Refused(_("This expert is already on the council.")) from None
    return row


def remove_member(row, actor):
    if row.council.status == "concluded":
        raise Refused(_("The council has concluded: its members no longer change."))
    with database.atomic():
        CouncilOpinion.delete().where(CouncilOpinion.member == row.id).execute()
        names = _drop_paper_declarations([row.id])
        row.delete_instance()
        audit.record("council.remove_member", actor_id=actor, expert_id=row.expert_id,
                     changes={"council": row.council_id})
    attachments.remove(names)


def _owner(expert_id):
    return User.get_or_none((User.expert == expert_id) & User.active)


def invite(council, official):
    """Invite the proposed members once the checks pass (else :class:`Refused` saying
    what is left); each owner of a profile is e-mailed through the outbox. Returns the
    members invited."""
    if council.status == "concluded":
        raise Refused(_("The council has concluded: its members no longer change."))
    found = checks.review(council)
    if not found.ready:
        raise Refused(_("The checks are not passed yet: see what is left to correct below."))
    with database.atomic():
        rows = list(CouncilMember.select().where((CouncilMember.council == council.id)
                                                 & (CouncilMember.status == "proposed")))
        if not rows:
            raise Refused(_("Every member is invited already."))
        now = utcnow()
        for row in rows:
            CouncilMember.update(status="invited", invited_at=now).where(
                CouncilMember.id == row.id).execute()
        Council.update(status="invited", updated_at=now).where(Council.id == council.id).execute()
        audit.write_many(audit.entry("council.invite", actor_id=official.id, expert_id=row.expert_id,
                                     changes={"council": council.id, "role": row.role})
                         for row in rows)
        for row in rows:
            message = _tell_member(row, council)
            if message is not None:
                CouncilMember.update(mail_message_id=message.id).where(
                    CouncilMember.id == row.id).execute()
    council.status = "invited"
    return rows


def _tell_member(row, council):
    owner = _owner(row.expert_id)
    if owner is None:
        return None

    def compose():
        paragraphs = [
            _("Hello,"),
            _("%(department)s invites you to sit on the %(kind)s “%(title)s” as %(role)s.",
              department=council.department, kind=str(KINDS[council.kind]).lower(),
              title=council.title, role=str(ROLES[row.role]).lower()),
        ]
        if council.subject:
            paragraphs.append(council.subject)
        paragraphs.append(_("Before accepting, you sign an independence and confidentiality "
                            "declaration online."))
        base = links.base_url(anonymous=False)
        if base:
            paragraphs.append(_("Read the declaration and answer here:") + "\n"
                              + links.external_url(base, "councils.my_councils"))
        else:
            paragraphs.append(_("Log in to the Hai Phong expert network to answer it."))
        paragraphs.append(_("This message was sent automatically by the Hai Phong expert "
                            "network; replies to it are not read."))
        return _("Invitation to a council: %(title)s", title=council.title), "\n\n".join(paragraphs)

    return mail.send(owner.email, "council_invitation", compose, language=owner.language or None)


# -- the member's side ---------------------------------------------------------------------
ANSWERABLE = ("invited",)


def for_expert(expert_id):
    """The councils a profile was invited to (not merely proposed for), newest first."""
    return list(CouncilMember.select(CouncilMember, Council).join(Council)
                .where((CouncilMember.expert == expert_id) & (CouncilMember.status != "proposed"))
                .order_by(Council.created_at.desc()))


def accept(row, user, declared):
    """The member accepts and signs the declaration (``declared``: the box was ticked);
    raises :class:`Problems` without it. ``True`` if the answer was recorded."""
    if not declared:
        raise Problems([("declaration", _("Tick the box to sign the declaration: a member "
                                          "cannot accept without it."))])
    with database.atomic():
        changed = (CouncilMember.update(status="accepted", answered_at=utcnow(),
                                        declaration_version=DECLARATION_VERSION,
                                        declaration_text=declaration_text(),
                                        declared_at=utcnow(), declared_by=user.id)
                   .where((CouncilMember.id == row.id) & CouncilMember.status.in_(ANSWERABLE))
                   .execute())
        if changed:
            audit.record("council.accept", actor_id=user.id, expert_id=row.expert_id,
                         changes={"council": row.council_id, "declaration": DECLARATION_VERSION})
    return bool(changed)


def has_account(expert_id):
    """Whether the profile's owner has an active account: they answer and sign online."""
    return _owner(expert_id) is not None


def without_account(rows):
    """The ids of the members among ``rows`` whose profile has no active account: their
    declaration is received on paper or by e-mail and recorded by the secretary."""
    owned = {user.expert_id for user in User.select(User.expert).where(
        User.expert.in_([row.expert_id for row in rows]) & User.active)}
    return {row.id for row in rows if row.expert_id not in owned}


def paper_declarations(council):
    """``{member id: CouncilPaperDeclaration}`` of the council."""
    return {row.member_id: row for row in CouncilPaperDeclaration.select().join(CouncilMember)
            .where(CouncilMember.council == council.id)}


def paper_declaration_of(row):
    """The paper declaration recorded for the member ``row``, or None."""
    return CouncilPaperDeclaration.get_or_none(CouncilPaperDeclaration.member == row.id)


def record_paper_declaration(row, raw, upload, actor):
    """The declaration of a member without an account, received on paper or by e-mail:
    the member accepts with it (``received_on``, ``version`` from ``raw``; ``upload``: the
    signed document, a werkzeug file or None). Raises :class:`Problems` (the form),
    :class:`Refused` (not for this member now) or ``attachments.Rejected`` (the file);
    nothing is kept unless all of it is."""
    if row.status != "invited":
        raise Refused(_("Only the declaration of an invited member who has not answered yet is "
                        "recorded."))
    if has_account(row.expert_id):
        raise Refused(_("This member has an account: they sign the declaration online."))
    errors = []
    received_on = form_date(raw.get("received_on"), "received_on", errors, required=True)
    if received_on and received_on > utcnow().date():
        errors.append(("received_on", _("is in the future")))
    version = clean(raw.get("version"))
    if version not in DECLARATION_VERSIONS:
        errors.append(("version", _("Choose the version of the declaration the member signed.")))
    if upload is None:
        errors.append(("file", _("Attach the signed declaration (a scan, or the file received by "
                                 "e-mail).")))
    if errors:
        raise Problems(errors)
    stored = attachments.store(upload.stream, upload.filename)
    try:
        with database.atomic():
            now = utcnow()
            changed = (CouncilMember.update(status="accepted", answered_at=now,
                                            declaration_version=version,
                                            declaration_text=declaration_text()
                                            if version == DECLARATION_VERSION else "",
                                            declared_at=now, declared_by=None)
                       .where((CouncilMember.id == row.id) & CouncilMember.status.in_(ANSWERABLE))
                       .execute())
            if not changed:
                raise Refused(_("Only the declaration of an invited member who has not answered "
                                "yet is recorded."))
            CouncilPaperDeclaration.create(member=row.id, received_on=received_on, version=version,
                                           recorded_by=actor, recorded_at=now, **stored)
            audit.record("council.paper_declaration", actor_id=actor, expert_id=row.expert_id,
                         changes={"council": row.council_id, "declaration": version,
                                  "received_on": received_on.isoformat(), "sha256": stored["sha256"]})
    except Exception:
        attachments.remove([stored["stored_name"]])
        raise


def decline(row, user):
    with database.atomic():
        changed = (CouncilMember.update(status="declined", answered_at=utcnow())
                   .where((CouncilMember.id == row.id) & CouncilMember.status.in_(ANSWERABLE))
                   .execute())
        if changed:
            audit.record("council.decline", actor_id=user.id, expert_id=row.expert_id,
                         changes={"council": row.council_id})
    return bool(changed)


# -- meetings ----------------------------------------------------------------------------
def meetings(council):
    """``[(meeting, {member id: opinion})]``, oldest first."""
    rows = list(CouncilMeeting.select().where(CouncilMeeting.council == council.id)
                .order_by(CouncilMeeting.held_on, CouncilMeeting.id))
    opinions = {}
    for opinion in CouncilOpinion.select().where(CouncilOpinion.meeting.in_([row.id for row in rows])):
        opinions.setdefault(opinion.meeting_id, {})[opinion.member_id] = opinion
    return [(row, opinions.get(row.id, {})) for row in rows]


def add_meeting(council, raw, actor):
    """A meeting with each accepted member's vote and opinion (``vote_<member id>``,
    ``opinion_<member id>``) and its conclusion; raises :class:`Problems`."""
    errors = []
    held_on = form_date(raw.get("held_on"), "held_on", errors, required=True)
    location = clean(raw.get("location"))
    conclusion = clean_multiline(raw.get("conclusion"))
    if len(location) > MAX_LOCATION:
        errors.append(("location", _("is too long (%(length)s characters; at most %(limit)s)",
                                     length=len(location), limit=MAX_LOCATION)))
    if len(conclusion) > MAX_CONCLUSION:
        errors.append(("conclusion", _("is too long (%(length)s characters; at most %(limit)s)",
                                       length=len(conclusion), limit=MAX_CONCLUSION)))
    accepted = [row for row in members(council) if row.status == "accepted"]
    if not accepted:
        errors.append(("held_on", _("No member has accepted yet: a meeting needs its members.")))
    opinions = []
    for row in accepted:
        vote = clean(raw.get(f"vote_{row.id}"))
        opinion = clean_multiline(raw.get(f"opinion_{row.id}"))
        if vote and vote not in VOTES:
            errors.append((f"vote_{row.id}", _("Choose the member's vote.")))
        if len(opinion) > MAX_OPINION:
            errors.append((f"opinion_{row.id}", _("is too long (%(length)s characters; at most "
                                                  "%(limit)s)", length=len(opinion), limit=MAX_OPINION)))
        if vote or opinion:
            opinions.append((row, vote, opinion))
    if errors:
        raise Problems(errors)
    with database.atomic():
        meeting = CouncilMeeting.create(council=council.id, held_on=held_on, location=location,
                                        conclusion=conclusion, created_by=actor)
        for row, vote, opinion in opinions:
            CouncilOpinion.create(meeting=meeting.id, member=row.id, vote=vote, opinion=opinion)
        audit.record("council.meeting", actor_id=actor,
                     changes={"council": council.id, "meeting": meeting.id,
                              "opinions": len(opinions)})
    return meeting


def delete_meeting(meeting, actor):
    with database.atomic():
        CouncilOpinion.delete().where(CouncilOpinion.meeting == meeting.id).execute()
        meeting.delete_instance()
        audit.record("council.delete_meeting", actor_id=actor,
                     changes={"council": meeting.council_id, "meeting": meeting.id})


# -- the conclusion, counted as review engagements ----------------------------------------------
def conclude(council, raw, actor):
    """Record the council's conclusion; each member who accepted (and signed) gets a review
    engagement through ``cooperation.engagements``, written once and updated if the
    conclusion is recorded again. Raises :class:`Problems`."""
    errors = []
    conclusion = clean_multiline(raw.get("conclusion"))
    concluded_on = form_date(raw.get("concluded_on"), "concluded_on", errors, required=True)
    if not conclusion:
        errors.append(("conclusion", _("is required")))
    elif len(conclusion) > MAX_CONCLUSION:
        errors.append(("conclusion", _("is too long (%(length)s characters; at most %(limit)s)",
                                       length=len(conclusion), limit=MAX_CONCLUSION)))
    held = [meeting for meeting, _opinions in meetings(council)]
    if not held:
        errors.append(("conclusion", _("Record the council's meeting first.")))
    elif concluded_on and concluded_on < held[0].held_on:
        errors.append(("concluded_on", _("is before the council's first meeting")))
    if errors:
        raise Problems(errors)
    with database.atomic():
        Council.update(status="concluded", conclusion=conclusion, concluded_on=concluded_on,
                       updated_at=utcnow()).where(Council.id == council.id).execute()
        for row in members(council):
            if row.status != "accepted" or not row.declared_at:
                continue
            earlier = Engagement.get_or_none(Engagement.id == row.engagement_id) \
                if row.engagement_id else None
            raw_engagement = {
                "kind": "review", "title": council.title[:200],
                "starts_on": held[0].held_on.isoformat(), "ends_on": concluded_on.isoformat(),
                "department": council.department,
                "outcome": _("%(role)s of the %(kind)s. Conclusion: %(conclusion)s",
                             role=ROLES[row.role], kind=str(KINDS[council.kind]).lower(),
                             conclusion=conclusion)[:10_000]}
            made = engagements.save(raw_engagement, row.expert, council.need, actor, earlier)
            CouncilMember.update(engagement_id=made.id).where(CouncilMember.id == row.id).execute()
        audit.record("council.conclude", actor_id=actor, changes={"council": council.id})
    council.status, council.conclusion, council.concluded_on = "concluded", conclusion, concluded_on
    return council


# -- what the programme counts ----------------------------------------------------------------
def _in_years(query, first_year, last_year):
    last_year = first_year if last_year is None else last_year
    return query.where((Council.concluded_on >= datetime.date(first_year, 1, 1))
                       & (Council.concluded_on <= datetime.date(last_year, 12, 31)))


def councils(first_year, last_year=None):
    """Councils that concluded in ``first_year``–``last_year`` (one year when
    ``last_year`` is None), by kind, with ``"total"`` and ``"members"`` (the seats of
    members who accepted): ``{key: count}``."""
    counts = dict.fromkeys(KINDS, 0)
    ids = []
    for council_id, kind in _in_years(Council.select(Council.id, Council.kind),
                                      first_year, last_year).tuples():
        ids.append(council_id)
        if kind in counts:
            counts[kind] += 1
    counts["total"] = sum(counts.values())
    counts["members"] = CouncilMember.select().where(
        CouncilMember.council.in_(ids) & (CouncilMember.status == "accepted")).count() if ids else 0
    return counts


def council_records(first_year, last_year=None):
    """The councils :func:`councils` counts, oldest first (the drill-down)."""
    return list(_in_years(Council.select(), first_year, last_year)
                .order_by(Council.concluded_on, Council.id))


# -- a profile's erasure, merge and data download ------------------------------------------------
@signals.profile_deleted.connect
def erase_for_expert(expert_id, **_):
    """Inside a profile's erasure: its seats, opinions and paper declarations go; returns
    what removes the declarations' files once the erasure is committed."""
    rows = CouncilMember.select(CouncilMember.id).where(CouncilMember.expert == expert_id)
    CouncilOpinion.delete().where(CouncilOpinion.member.in_(rows)).execute()
    names = _drop_paper_declarations(rows)
    CouncilMember.delete().where(CouncilMember.expert == expert_id).execute()
    return functools.partial(attachments.remove, names) if names else None


@signals.profiles_merged.connect
def repoint_for_merge(drop_id, keep, **_):
    signals.repoint(CouncilMember, CouncilMember.expert, drop_id, keep, CouncilMember.council)


@signals.personal_data_requested.connect
def export_for_person(expert_id, **_):
    """The councils the person was invited to, with the declaration they signed."""
    return {"councils": [
        {"council": row.council.title, "role": row.role, "status": row.status,
         "declaration_version": row.declaration_version,
         "declared_at": row.declared_at.isoformat() if row.declared_at else None}
        for row in for_expert(expert_id)]}
