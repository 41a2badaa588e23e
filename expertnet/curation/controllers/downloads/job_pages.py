"""``/jobs``: the background jobs a person asked for (large exports, many invitations),
``/jobs/<id>`` with its progress (``/jobs/<id>/status`` for progress.js; without
JavaScript the page refreshes itself) and ``/jobs/<id>/download``: the result, for the
person who asked only (anyone else gets a 404, as for a job that does not exist), with a
recently typed password (like every export), audited."""
from flask import abort, current_app, jsonify, render_template, send_file, url_for
from flask_login import current_user, login_required

from expertnet.curation import exports, jobs
from expertnet.curation.controllers.downloads import bp
from expertnet.curation.models import Job
from expertnet.web.guards import get_or_404
from expertnet.web.recent import recent_login_required

MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _job_or_404(job_id):
    """The viewer's own job; another person's is a 404 like a missing one."""
    return get_or_404(Job, job_id, Job.owner_id == current_user.id)


@bp.get("/jobs")
@login_required
def jobs_page():
    jobs.cleanup()
    return render_template("jobs/index.html", jobs=jobs.of_owner(current_user.id),
                           kinds=jobs.KINDS, statuses=jobs.STATUSES, progress=jobs.progress)


@bp.get("/jobs/<int:job_id>")
@login_required
def job_page(job_id):
    jobs.cleanup()
    job = _job_or_404(job_id)
    return render_template("jobs/show.html", job=job, kinds=jobs.KINDS, statuses=jobs.STATUSES,
                           errors=jobs.ERRORS, progress=jobs.progress(job),
                           downloadable=jobs.downloadable(job),
                           days=current_app.config["JOB_RESULT_DAYS"])


@bp.get("/jobs/<int:job_id>/status")
@login_required
def job_status(job_id):
    job = _job_or_404(job_id)
    return jsonify({**jobs.progress(job), "label": str(jobs.STATUSES.get(job.status, job.status)),
                    "url": url_for("downloads.job_page", job_id=job.id)})


@bp.get("/jobs/<int:job_id>/download")
@login_required
@recent_login_required
def job_download(job_id):
    job = _job_or_404(job_id)
    if not jobs.downloadable(job):
        abort(410 if job.status == "done" else 404)
    jobs.record_download(job, current_user.id)
    extension = job.result_name.rpartition(".")[2]
    response = send_file(jobs.result_path(job), mimetype=MIMETYPES.get(extension, "text/csv"),
                         as_attachment=True, download_name=job.result_name, max_age=0)
    # The exact name (diacritics) for browsers that read filename*, an ASCII one for others.
    response.headers["Content-Disposition"] = exports.attachment_header(job.result_name)
    response.headers["Cache-Control"] = "no-store"
    return response


