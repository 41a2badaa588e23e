"""The data quality page: what is missing from which profiles, and bulk actions on a
curator's selection. Every write goes through ``writes`` (one audited transaction
for the selection, index updated), invitations through ``invitations``.
"""
import datetime
from dataclasses import dataclass, field

from peewee import Case, fn

from expertnet.accounts import consent, invitations
from expertnet.accounts.models import Consent, User
from expertnet.core import audit, links
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _, _l
from expertnet.core.text import parse_id
from expertnet.directory import search_documents, writes
from expertnet.directory.models import Expert, ExpertField
from expertnet.taxonomy import store as catalog

CHECKS = {
    "no_field": _l("No field of expertise"),
    "no_contact": _l("Neither an e-mail address nor a phone number"),
    "no_consent": _l("No consent recorded"),
    "no_bio_vi": _l("No biography in Vietnamese"),
    "no_bio_en": _l("No biography in English"),
    "stale": _l("Not updated for the chosen number of months"),
    "unclaimed": _l("Overseas Hai Phong intellectuals whose profile nobody has claimed"),
}
MONTHS = (6, 12, 24, 36)
DEFAULT_MONTHS = 12
ACTIONS = {
    "assign_field": _l("Add a field of expertise"),
    "set_visibility": _l("Set who sees the profiles"),
    "invite": _l("Send invitations to claim the profiles"),
}
# Who sees a profile, from the narrowest to the widest.
WIDTH = {"curators": 0, "officials": 1, "public": 2}
MAX_SELECTION = 200


def months_ago(months, now=None):
    """The same day ``months`` calendar months before ``now`` (the month's last day
    when that month is shorter)."""
    now = now or utcnow()
    month_index = now.year * 12 + now.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    next_month = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return now.replace(year=year, month=month, day=min(now.day, last_day))


def condition(check, months=DEFAULT_MONTHS):
    """The ``WHERE`` of a check (a peewee expression over ``Expert``)."""
    if check == "no_field":
        return Expert.id.not_in(ExpertField.select(ExpertField.expert))
    if check == "no_contact":
        return (Expert.email == "") & (Expert.phone == "")
    if check == "no_consent":
        return Expert.id.not_in(Consent.select(Consent.expert))
    if check == "no_bio_vi":
        return Expert.bio_vi == ""
    if check == "no_bio_en":
        return Expert.bio_en == ""
    if check == "stale":
        return Expert.updated_at < months_ago(months)
    if check == "unclaimed":
        owned = User.select(User.expert).where(User.expert.is_null(False))
        return (Expert.kind == "diaspora") & Expert.id.not_in(owned)
    raise KeyError(check)


def counts(months=DEFAULT_MONTHS):
    """``{check: number of profiles}`` and the total, in one query."""
    columns = [fn.SUM(Case(None, [(condition(check, months), 1)], 0)).alias(check)
               for check in CHECKS]
    row = Expert.select(fn.COUNT(Expert.id).alias("total"), *columns).dicts().get()
    return {name: int(row[name] or 0) for name in ("total", *CHECKS)}


def profiles(check, months=DEFAULT_MONTHS, page=1, per_page=50):
    query = Expert.select().where(condition(check, months))
    order = Expert.updated_at if check == "stale" else Expert.name_key
    return list(query.order_by(order, Expert.id).paginate(page, per_page)), query.count()


# -- bulk actions ------------------------------------------------------------------------
@dataclass
class Plan:
    """What a bulk action will do: per profile, ``do`` (will change), ``same`` (already
    so) or a reason it is left alone."""

    action: str
    value: str = ""
    rows: list = field(default_factory=list)  # (expert, verdict, reason or "")

    @property
    def changing(self):
        return [expert for expert, verdict, _reason in self.rows if verdict == "do"]


def selection(ids):
    ids = [parse_id(value) for value in ids]
    ids = [value for value in ids if value is not None][:MAX_SELECTION]
    return list(Expert.select().where(Expert.id.in_(ids)).order_by(Expert.name_key, Expert.id))


def plan(action, experts, value=""):
    """Check a bulk action before it is confirmed. Raises ``ValueError`` for an unknown
    action or value."""
    if action not in ACTIONS:
        raise ValueError(action)
    result = Plan(action, value)
    if action == "assign_field":
        if value not in catalog.load().fields:
            raise ValueError(value)
        codes = search_documents.field_codes_by_expert([expert.id for expert in experts])
        for expert in experts:
            result.rows.append((expert, "same" if value in codes[expert.id] else "do", ""))
    elif action == "set_visibility":
        if value not in WIDTH:
            raise ValueError(value)
        publishing = consent.granted([expert.id for expert in experts], "publish")
        for expert in experts:
            if expert.visibility == value:
                result.rows.append((expert, "same", ""))
            elif WIDTH[value] > WIDTH.get(expert.visibility, 0) and expert.id not in publishing:
                # Never wider than the person's consent (consent.py; SECURITY.md: a record
                # without a consent record is for curators only).
                result.rows.append((expert, "refused",
                                    _("the expert has not consented to publishing the profile")))
            else:
                result.rows.append((expert, "do", ""))
    else:
        owned = {user.expert_id for user in User.select(User.expert).where(
            User.expert.in_([expert.id for expert in experts]))}
        for expert in experts:
            if expert.id in owned:
                result.rows.append((expert, "refused", _("the profile already has an owner")))
            elif not expert.email:
                result.rows.append((expert, "refused", _("the profile has no e-mail address")))
            else:
                result.rows.append((expert, "do", ""))
    return result


def apply(planned, actor):
    """Carry out a checked plan (re-checked now: the selection may have changed since
    the confirmation page). Returns ``(plan, links)``: the invitation links to hand
    over when e-mail is not configured."""
    planned = plan(planned.action, selection([expert.id for expert, _v, _r in planned.rows]),
                   planned.value)
    changing = planned.changing
    note = {"bulk": planned.action}
    links = []
    if planned.action == "assign_field" and changing:
        codes = search_documents.field_codes_by_expert([expert.id for expert in changing])
        writes.upsert_profiles([({"fields": [*codes[expert.id], planned.value]}, expert)
                                  for expert in changing], actor=actor, via="screen", note=note)
    elif planned.action == "set_visibility" and changing:
        writes.upsert_profiles([({"visibility": planned.value}, expert) for expert in changing],
                                 actor=actor, via="screen", note=note)
    elif planned.action == "invite":
        for expert in changing:
            links.append((expert, invite(expert, actor)))
    with database.atomic():
        audit.record("quality.bulk", actor_id=actor, source="screen",
                     changes={"bulk": planned.action, "value": planned.value,
                              "count": len(changing)})
    return planned, links


def invite(expert, actor, base=None):
    """Create the invitation; e-mail it when mail is configured (returns None), else
    return the link for the curator to hand over. ``base``: the site's address (a
    background job has no request to take it from)."""
    row, token = invitations.create(expert, expert.email, actor=actor)
    base = base or links.base_url(anonymous=False)
    link = links.external_url(base, "profiles.claim", token=token)
    # The same letter as a single invitation, in the site's default language, remembered
    # with the invitation so that the profile's invitation page shows its state.
    sent = invitations.send(row, link, None)
    return None if sent is not None else link
