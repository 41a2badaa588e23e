"""Officials sent abroad for training, work or an exchange: who (an account of the site,
or a name), the host institution (an organisation record, or its name as typed), the
country, why, from–to, and the delegation it was part of where it was one. Each change is
audited. :func:`officials_abroad` is what the programme's indicator counts."""
import datetime

from peewee import JOIN

from expertnet.accounts.models import User
from expertnet.cooperation.common import Problems, organisation_problems, write
from expertnet.cooperation.models import Mission
from expertnet.cooperation.training_models import OfficialAbroad
from expertnet.core import audit
from expertnet.core.db import database
from expertnet.core.i18n import _, _l, _lp
from expertnet.core.text import clean, clean_multiline, fold, parse_id
from expertnet.web.forms import date_range_problems, form_country, form_date, text_problems

PURPOSES = {
    "training": _l("Training"),
    "work": _lp("purpose abroad", "Work"),
    "exchange": _l("Exchange"),
}
MAX_LENGTHS = {"name": 200, "department": 300, "host_name": 300, "note": 10_000}
ACCOUNT_ROLES = ("official", "curator", "admin")


def accounts():
    """The accounts an official abroad may be: officials, curators and admins, by e-mail."""
    return list(User.select().where(User.role.in_(ACCOUNT_ROLES) & User.active).order_by(User.email))


def normalize(raw, viewer):
    errors = []
    values = {
        "name": clean(raw.get("name")),
        "department": clean(raw.get("department")),
        "host_name": clean(raw.get("host_name")),
        "note": clean_multiline(raw.get("note")),
        "purpose": clean(raw.get("purpose")),
    }
    errors += text_problems(values, ("department",), MAX_LENGTHS)
    user = None
    raw_user = clean(str(raw.get("user") or ""))
    if raw_user:
        user_id = parse_id(raw_user)
        user = User.get_or_none((User.id == user_id) & User.role.in_(ACCOUNT_ROLES)) \
            if user_id else None
        if user is None:
            errors.append(("user", _("Choose an account from the list.")))
    elif not values["name"]:
        errors.append(("name", _("Choose the account of the official or type their name.")))
    values["user"] = user.id if user is not None else None
    host = organisation_problems(raw.get("host"), values["host_name"], viewer, "host", errors)
    values["host"] = host.id if host is not None else None
    values["country"] = form_country(raw.get("country"), "country", errors)
    if values["purpose"] not in PURPOSES:
        errors.append(("purpose", _("Choose why the official went abroad.")))
    values["starts_on"] = form_date(raw.get("starts_on"), "starts_on", errors, required=True)
    values["ends_on"] = form_date(raw.get("ends_on"), "ends_on", errors)
    date_range_problems(values, errors)
    raw_mission = clean(str(raw.get("mission") or ""))
    mission = None
    if raw_mission:
        mission_id = parse_id(raw_mission)
        mission = Mission.get_or_none((Mission.id == mission_id) & (Mission.direction == "outgoing")) \
            if mission_id else None
        if mission is None:
            errors.append(("mission", _("Choose a delegation abroad from the list.")))
    values["mission"] = mission.id if mission is not None else None
    return values, errors


def save(raw, actor, viewer, record=None):
    """Create or update the record of an official abroad; raises :class:`Problems`."""
    values, errors = normalize(raw, viewer)
    if errors:
        raise Problems(errors)
    return write(OfficialAbroad, "official_abroad", values, actor, record,
                 audited_fields=("country", "purpose", "starts_on"))


def delete(record, actor):
    with database.atomic():
        record.delete_instance()
        audit.record("official_abroad.delete", actor_id=actor, changes={"official_abroad": record.id})


def who(record):
    """The official's name as the pages show it: the name typed, else the account."""
    if record.name:
        return record.name
    return record.user.email if record.user_id else ""


def listing(q="", purpose=None, year=None):
    query = OfficialAbroad.select(OfficialAbroad, User).join(User, JOIN.LEFT_OUTER)
    if purpose in PURPOSES:
        query = query.where(OfficialAbroad.purpose == purpose)
    if year:
        query = query.where((OfficialAbroad.starts_on >= datetime.date(year, 1, 1))
                            & (OfficialAbroad.starts_on <= datetime.date(year, 12, 31)))
    rows = list(query.order_by(OfficialAbroad.starts_on.desc(), OfficialAbroad.id.desc()))
    words = fold(clean(q)).split()
    if words:
        rows = [row for row in rows
                if all(word in fold(f"{who(row)} {row.department} {row.host_name}") for word in words)]
    return rows


def for_mission(mission_id):
    return list(OfficialAbroad.select().where(OfficialAbroad.mission == mission_id)
                .order_by(OfficialAbroad.starts_on, OfficialAbroad.id))


def outgoing_missions():
    """The delegations abroad an official abroad may be linked to, newest first."""
    return list(Mission.select().where(Mission.direction == "outgoing")
                .order_by(Mission.starts_on.desc(), Mission.id.desc()).limit(300))


# -- what the programme counts --------------------------------------------------------------
def _in_years(query, first_year, last_year):
    last_year = first_year if last_year is None else last_year
    return query.where((OfficialAbroad.starts_on >= datetime.date(first_year, 1, 1))
                       & (OfficialAbroad.starts_on <= datetime.date(last_year, 12, 31)))


def officials_abroad(first_year, last_year=None):
    """Officials who left in ``first_year``–``last_year`` (one year when ``last_year`` is
    None), by purpose, with ``"total"``: ``{purpose: count}``. Each record is one stay."""
    counts = dict.fromkeys(PURPOSES, 0)
    for (purpose,) in _in_years(OfficialAbroad.select(OfficialAbroad.purpose),
                                first_year, last_year).tuples():
        if purpose in counts:
            counts[purpose] += 1
    counts["total"] = sum(counts.values())
    return counts


def records(first_year, last_year=None):
    """The stays :func:`officials_abroad` counts, oldest first (the drill-down)."""
    return list(_in_years(OfficialAbroad.select(), first_year, last_year)
                .order_by(OfficialAbroad.starts_on, OfficialAbroad.id))
