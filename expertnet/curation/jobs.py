"""Background jobs a person asks for and watches: a large export of a
search and a large batch of invitations to claim profiles. Small ones are done within
the request, as before; from ``EXPORT_BACKGROUND_ROWS`` profiles (an export) or
``INVITE_BACKGROUND_COUNT`` profiles (invitations) they run as Huey tasks
(``tasks.py``) and the person watches ``/jobs/<id>``.

A job is a :class:`models.Job`: queued → running → done (or failed, with an error code
shown in the reader's language), its progress ``done``/``total`` written in short
transactions as it goes, and its result a file in ``<instance>/jobs/``, downloadable
by the person who asked only (audited like the exports) and deleted
``JOB_RESULT_DAYS`` after the job finished (:func:`cleanup`, run on access and by
``flask jobs-cleanup``).

An export is made with the rights its asker had when they asked (kept in the job's
parameters): the worker has no rights of its own. If the account has been disabled or
its role changed meanwhile, the job fails instead of exporting.
"""
import csv
import datetime
import io
import json
import logging
import secrets
import time
from pathlib import Path

from flask import current_app
from flask_babel import force_locale

from expertnet.accounts.models import User
from expertnet.core import access, audit, cells, tasks
from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _, _l
from expertnet.curation import exports, quality
from expertnet.curation.models import Job
from expertnet.directory import finder

log = logging.getLogger(__name__)

KINDS = {
    "export": _l("Export of a search"),
    "invitations": _l("Invitations to claim profiles"),
}
STATUSES = {
    "queued": _l("Waiting to start"),
    "running": _l("Running"),
    "done": _l("Done"),
    "failed": _l("Failed"),
}
BUSY = ("queued", "running")
ERRORS = {
    "rights_changed": _l("Your account or its role changed after you asked for this: nothing "
                         "was exported. Ask again."),
    "unexpected": _l("The work stopped because of an unexpected error (it has been logged). "
                     "Try again; if it happens again, tell the administrator."),
}
# Progress is written at most this often (seconds): a short transaction each time.
PROGRESS_SECONDS = 1.0


class JobFailed(Exception):
    """A job that cannot go on; ``code`` is a key of :data:`ERRORS`."""

    def __init__(self, code, detail=""):
        super().__init__(code)
        self.code, self.detail = code, detail


def folder():
    path = Path(current_app.instance_path) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def result_path(job):
    return folder() / job.result_file if job.result_file else None


# -- creating and running ------------------------------------------------------------------------
def _create(kind, owner_id, total, params):
    with database.atomic():
        job = Job.create(kind=kind, owner_id=owner_id, total=total,
                         params=json.dumps(params, ensure_ascii=False))
        audit.record("job.create", actor_id=owner_id, source="screen",
                     changes={"job": job.id, "kind": kind, "total": total})
    # Enqueued once the row is committed: a consumer thread must find it.
    run_task(job.id)
    return Job.get_by_id(job.id)


def _viewer_params(viewer):
    return {"role": viewer.role, "user_id": viewer.user_id,
            "own": list(viewer.own_expert_ids), "delegated": list(viewer.delegated_expert_ids)}


def start_export(criteria, file_format, viewer, total, layout="readable", language=None):
    """Queue the export of ``criteria`` (a ``finder.Criteria``) for ``viewer``, in
    ``layout`` (``exports.LAYOUTS``) and, for its headers and labels, ``language``."""
    return _create("export", viewer.user_id, total, {
        "format": file_format, "layout": layout, "language": language,
        "viewer": _viewer_params(viewer),
        "criteria": {"q": criteria.q, "filters": criteria.filters, "sort": criteria.sort}})


def start_invitations(planned, actor, base_url, language):
    """Queue the invitations of a checked plan (``quality.plan``; checked again when the
    task runs). The result lists every selected profile: its link (when not e-mailed)
    or why it was left alone, in ``language``."""
    return _create("invitations", actor, len(planned.changing), {
        "ids": [expert.id for expert, _verdict, _reason in planned.rows], "base_url": base_url,
        "language": language})


@tasks.task("expertnet.jobs.run_task")
def run_task(job_id):
    run(job_id)


def run(job_id):
    """Run a queued job: a job already started (a task delivered twice) is left alone."""
    with database.atomic():
        claimed = (Job.update(status="running", started_at=utcnow())
                   .where((Job.id == job_id) & (Job.status == "queued")).execute())
    if not claimed:
        return
    job = Job.get_by_id(job_id)
    reporter = _Reporter(job_id)
    try:
        file_name, download_name = RUNNERS[job.kind](job, reporter)
    except JobFailed as failure:
        _fail(job_id, failure.code, failure.detail)
        return
    except Exception as error:  # noqa: BLE001 - whatever went wrong, the job says so
        log.exception("job %s (%s) failed", job_id, job.kind)
        _fail(job_id, "unexpected", type(error).__name__)
        return
    finished = utcnow()
    path = folder() / file_name
    with database.atomic():
        Job.update(status="done", done=reporter.done, total=max(reporter.total, reporter.done),
                   result_file=file_name, result_name=download_name,
                   result_size=path.stat().st_size if path.exists() else 0,
                   finished_at=finished,
                   expires_at=finished + datetime.timedelta(days=_days())).where(
            Job.id == job_id).execute()


def _fail(job_id, code, detail=""):
    # A half-written result is of no use to anyone.
    for path in folder().glob(f"{job_id}-*"):
        path.unlink(missing_ok=True)
    with database.atomic():
        Job.update(status="failed", error=code, detail=detail[:500], finished_at=utcnow()).where(
            Job.id == job_id).execute()


class _Reporter:
    """``reporter(done, total=None)``: the progress, written at most every
    :data:`PROGRESS_SECONDS` (and always when ``force``)."""

    def __init__(self, job_id):
        self.job_id, self.done, self.total, self.written_at = job_id, 0, 0, 0.0

    def __call__(self, done, total=None, force=False):
        self.done = done
        if total is not None:
            self.total = total
        now = time.monotonic()
        if force or now - self.written_at >= PROGRESS_SECONDS:
            self.written_at = now
            values = {"done": done}
            if total is not None:
                values["total"] = total
            with database.atomic():
                Job.update(**values).where(Job.id == self.job_id).execute()


def _days():
    return int(current_app.config["JOB_RESULT_DAYS"])


def _new_file(job, extension):
    return f"{job.id}-{secrets.token_hex(8)}.{extension}"


# -- the kinds of work -------------------------------------------------------------------------------
def _rights(job):
    """The asker's viewer as it was when they asked; ``JobFailed`` if the account has
    been disabled or its role changed since."""
    saved = job.parameters["viewer"]
    user = User.get_or_none(User.id == job.owner_id)
    if user is None or not user.active or user.role != saved["role"]:
        raise JobFailed("rights_changed")
    return access.Viewer(role=saved["role"], user_id=saved["user_id"],
                         own_expert_ids=tuple(saved["own"]),
                         delegated_expert_ids=tuple(saved["delegated"]))


def _export(job, report):
    # Headers, labels and the file name in the language of the person who asked.
    with force_locale(job.parameters.get("language")
                      or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return _write_export(job, report)


def _write_export(job, report):
    viewer = _rights(job)
    params = job.parameters
    saved = params["criteria"]
    criteria = finder.Criteria(q=saved["q"], filters=saved["filters"], sort=saved["sort"])
    total, found = finder.find_all(criteria, viewer, current_app.config["EXPORT_MAX_ROWS"])
    total = min(total, current_app.config["EXPORT_MAX_ROWS"])
    report(0, total, force=True)
    logged = exports.Logged(found, viewer, progress=report)
    file_format = params["format"]
    # Jobs queued before the layouts existed wrote the contract's layout.
    layout = params.get("layout", "import")
    file_name = _new_file(job, file_format)
    with open(folder() / file_name, "wb") as handle:
        exports.write(logged, viewer, file_format, handle, layout)
    report(logged.count, force=True)
    with database.atomic():
        audit.write_many([
            audit.entry("export.search", actor_id=viewer.user_id, source="screen", changes={
                "format": file_format, "layout": layout, "count": logged.count,
                "with_contact": len(logged.views), "job": job.id,
                "criteria": {"q": criteria.q, **criteria.filters, "sort": criteria.sort}}),
            *logged.views])
    return file_name, exports.file_name(criteria, file_format, layout)


def _invitations(job, report):
    params = job.parameters
    with force_locale(params.get("language") or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return _write_invitations(job, params, report)


def _write_invitations(job, params, report):
    planned = quality.plan("invite", quality.selection(params["ids"]))
    changing = planned.changing
    report(0, len(changing), force=True)
    lines = []
    for count, expert in enumerate(changing, start=1):
        link = quality.invite(expert, job.owner_id, params["base_url"])
        lines.append((expert.id, expert.full_name, expert.email, link or ""))
        report(count)
    report(len(changing), force=True)
    left = [(expert.id, expert.full_name, expert.email, reason)
            for expert, verdict, reason in planned.rows if verdict != "do"]
    with database.atomic():
        audit.record("quality.bulk", actor_id=job.owner_id, source="screen",
                     changes={"bulk": "invite", "value": "", "count": len(changing),
                              "job": job.id})
    file_name = _new_file(job, "csv")
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["id", "full_name", "email", _("Invitation link (when not sent by e-mail) "
                                                   "or why the profile was left alone")])
    for row in [*lines, *left]:
        writer.writerow([str(value) if index == 0 else cells.neutralise(str(value))
                         for index, value in enumerate(row)])
    (folder() / file_name).write_text(text.getvalue(), encoding="utf-8-sig")
    return file_name, "expertnet-invitations.csv"


RUNNERS = {"export": _export, "invitations": _invitations}


# -- reading ----------------------------------------------------------------------------------------
def of_owner(user_id, limit=50):
    return list(Job.select().where(Job.owner_id == user_id)
                .order_by(Job.created_at.desc(), Job.id.desc()).limit(limit))


def progress(job):
    total = job.total or 0
    done = min(job.done, total) if total else job.done
    return {"status": job.status, "done": done, "total": total,
            "percent": int(100 * done / total) if total else (100 if job.status == "done" else 0),
            "busy": job.status in BUSY}


def downloadable(job):
    path = result_path(job)
    return job.status == "done" and path is not None and path.exists() \
        and (job.expires_at is None or job.expires_at > utcnow())


def record_download(job, user_id):
    audit.record("job.download", actor_id=user_id, source="screen",
                 changes={"job": job.id, "kind": job.kind, "size": job.result_size})


def cleanup(now=None):
    """Delete the result files of jobs past ``expires_at`` (and files no job names).
    Returns how many files were deleted."""
    now = now or utcnow()
    deleted = 0
    expired = list(Job.select().where((Job.expires_at < now) & (Job.result_file != "")))
    for job in expired:
        path = folder() / job.result_file
        if path.exists():
            path.unlink()
            deleted += 1
    if expired:
        with database.atomic():
            Job.update(result_file="").where(Job.id.in_([job.id for job in expired])).execute()
    known = {name for (name,) in Job.select(Job.result_file).where(Job.result_file != "").tuples()}
    for path in folder().iterdir():
        # A file of a job whose row is gone (or a write interrupted by a crash).
        if path.is_file() and path.name not in known and \
                path.stat().st_mtime < time.time() - 3600:
            path.unlink()
            deleted += 1
    return deleted
