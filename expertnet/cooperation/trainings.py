"""Training courses: the topic, the dates, the organiser (an organisation record, or
its name as typed), the lecturers (experts of the directory and others by name), and
the trainees by group as counts, with the list of trainees optionally uploaded
(checked like every attachment). Each change is audited. :func:`trainees` is what the
programme's trainees indicator counts."""
import datetime

from peewee import fn

from expertnet.cooperation import attachments
from expertnet.cooperation.common import Problems, Refused, organisation_problems, visible_experts, write
from expertnet.cooperation.training_models import TRAINEE_GROUPS, Training, TrainingFile, TrainingLecturer
from expertnet.core import audit, signals
from expertnet.core.db import database
from expertnet.core.i18n import _, _l
from expertnet.core.text import clean, clean_multiline, fold, parse_id
from expertnet.web.forms import date_range_problems, form_date, text_problems

GROUPS = {
    "officials": _l("Officials"),
    "enterprises": _l("Enterprises"),
    "community": _l("Community digital teams"),
    "students": _l("Students"),
}
assert tuple(GROUPS) == TRAINEE_GROUPS
MAX_LENGTHS = {"topic": 200, "department": 300, "location": 200, "organiser_name": 300,
               "description": 10_000}
MAX_TRAINEES = 100_000
MAX_LECTURER_NAME = 200


def column(group):
    return f"trainees_{group}"


def normalize(raw, viewer):
    errors = []
    values = {
        "topic": clean(raw.get("topic")),
        "department": clean(raw.get("department")),
        "location": clean(raw.get("location")),
        "organiser_name": clean(raw.get("organiser_name")),
        "description": clean_multiline(raw.get("description")),
    }
    errors += text_problems(values, ("topic", "department"), MAX_LENGTHS)
    organiser = organisation_problems(raw.get("organiser"), values["organiser_name"], viewer,
                                      "organiser", errors)
    values["organiser"] = organiser.id if organiser is not None else None
    values["starts_on"] = form_date(raw.get("starts_on"), "starts_on", errors, required=True)
    values["ends_on"] = form_date(raw.get("ends_on"), "ends_on", errors)
    date_range_problems(values, errors)
    for group in TRAINEE_GROUPS:
        name = column(group)
        typed = clean(str(raw.get(name) if raw.get(name) is not None else ""))
        if not typed:
            values[name] = 0
            continue
        number = parse_id(typed) if not typed.startswith("#") else None
        if number is None or number > MAX_TRAINEES:
            errors.append((name, _("Type a whole number from 0 to %(limit)s.", limit=MAX_TRAINEES)))
            values[name] = 0
        else:
            values[name] = number
    return values, errors


def save(raw, actor, viewer, training=None):
    """Create or update a course; raises :class:`Problems`."""
    values, errors = normalize(raw, viewer)
    if errors:
        raise Problems(errors)
    return write(Training, "training", values, actor, training,
                 audited_fields=tuple(column(group) for group in TRAINEE_GROUPS))


def delete(training, actor):
    with database.atomic():
        names = [row.stored_name for row in
                 TrainingFile.select().where(TrainingFile.training == training.id)]
        TrainingFile.delete().where(TrainingFile.training == training.id).execute()
        TrainingLecturer.delete().where(TrainingLecturer.training == training.id).execute()
        signals.record_deleted.send("training", ids=[training.id], actor=actor)
        training.delete_instance()
        audit.record("training.delete", actor_id=actor, changes={"training": training.id})
    attachments.remove(names)


def total(training):
    return sum(getattr(training, column(group)) for group in TRAINEE_GROUPS)


def listing(q="", year=None):
    query = Training.select()
    if year:
        query = query.where((Training.starts_on >= datetime.date(year, 1, 1))
                            & (Training.starts_on <= datetime.date(year, 12, 31)))
    rows = list(query.order_by(Training.starts_on.desc(), Training.id.desc()))
    words = fold(clean(q)).split()
    if words:
        rows = [row for row in rows
                if all(word in fold(f"{row.topic} {row.department} {row.organiser_name}")
                       for word in words)]
    return rows


# -- lecturers ---------------------------------------------------------------------------
def lecturers(training, viewer):
    """``[(row, expert or None)]``: the experts ``viewer`` may see, and the others by name."""
    rows = list(TrainingLecturer.select().where(TrainingLecturer.training == training.id)
                .order_by(TrainingLecturer.id))
    found = visible_experts(viewer, [row.expert_id for row in rows if row.expert_id])
    return [(row, found.get(row.expert_id)) for row in rows
            if row.expert_id is None or row.expert_id in found]


def add_lecturer(training, actor, expert=None, name=""):
    """An expert of the directory, or a lecturer named in plain text."""
    name = clean(name)
    if expert is None and not name:
        raise Problems([("name", _("Type the lecturer's name or the number of their profile."))])
    if len(name) > MAX_LECTURER_NAME:
        raise Problems([("name", _("is too long (%(length)s characters; at most %(limit)s)",
                                   length=len(name), limit=MAX_LECTURER_NAME))])
    with database.atomic():
        if expert is not None and TrainingLecturer.select().where(
                (TrainingLecturer.training == training.id)
                & (TrainingLecturer.expert == expert.id)).exists():
            raise Refused(_("This expert is already a lecturer of the course."))
        row = TrainingLecturer.create(training=training.id,
                                      expert=expert.id if expert is not None else None,
                                      name="" if expert is not None else name)
        audit.record("training.add_lecturer", actor_id=actor,
                     expert_id=expert.id if expert is not None else None,
                     changes={"training": training.id})
    return row


def remove_lecturer(row, actor):
    with database.atomic():
        row.delete_instance()
        audit.record("training.remove_lecturer", actor_id=actor, expert_id=row.expert_id,
                     changes={"training": row.training_id})


# -- the uploaded list of trainees ---------------------------------------------------------
def files(training):
    return list(TrainingFile.select().where(TrainingFile.training == training.id)
                .order_by(TrainingFile.id))


def attach(training, stream, filename, actor):
    """Store an uploaded list; raises :class:`attachments.Rejected`."""
    stored = attachments.store(stream, filename)
    try:
        with database.atomic():
            row = TrainingFile.create(training=training.id, uploaded_by=actor, **stored)
            audit.record("training.attach", actor_id=actor, changes={"training": training.id})
    except Exception:
        attachments.remove([stored["stored_name"]])
        raise
    return row


def detach(row, actor):
    with database.atomic():
        row.delete_instance()
        audit.record("training.detach", actor_id=actor, changes={"training": row.training_id})
    attachments.remove([row.stored_name])


# -- what the programme counts --------------------------------------------------------------
def _in_years(query, first_year, last_year):
    last_year = first_year if last_year is None else last_year
    return query.where((Training.starts_on >= datetime.date(first_year, 1, 1))
                       & (Training.starts_on <= datetime.date(last_year, 12, 31)))


def trainees(first_year, last_year=None):
    """The trainees of the courses that started in ``first_year``–``last_year`` (one year
    when ``last_year`` is None), by group, with ``"total"``: ``{group: count}``."""
    sums = [fn.COALESCE(fn.SUM(getattr(Training, column(group))), 0).alias(group)
            for group in TRAINEE_GROUPS]
    row = _in_years(Training.select(*sums), first_year, last_year).dicts().get()
    counts = {group: int(row[group] or 0) for group in TRAINEE_GROUPS}
    counts["total"] = sum(counts.values())
    return counts


def training_records(first_year, last_year=None):
    """The courses :func:`trainees` counts, oldest first (the drill-down)."""
    return list(_in_years(Training.select(), first_year, last_year)
                .order_by(Training.starts_on, Training.id))


# -- a profile's history ---------------------------------------------------------------------
def for_expert(expert_id):
    """The courses a profile taught, newest first."""
    return list(Training.select().join(TrainingLecturer)
                .where(TrainingLecturer.expert == expert_id)
                .order_by(Training.starts_on.desc()))


@signals.profile_deleted.connect
def erase_for_expert(expert_id, **_):
    TrainingLecturer.delete().where(TrainingLecturer.expert == expert_id).execute()


@signals.profiles_merged.connect
def repoint_for_merge(drop_id, keep, **_):
    signals.repoint(TrainingLecturer, TrainingLecturer.expert, drop_id, keep,
                    TrainingLecturer.training)


@signals.personal_data_requested.connect
def export_for_person(expert_id, **_):
    """The courses the person taught."""
    return {"trainings_taught": [
        {"topic": row.topic, "starts_on": row.starts_on.isoformat(), "department": row.department}
        for row in for_expert(expert_id)]}
