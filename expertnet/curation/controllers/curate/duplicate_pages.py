"""``/curate/duplicates``: likely duplicate pairs (score and reasons, best first),
"not a duplicate", a new search of the whole database; ``/curate/duplicates/<a>/<b>``:
the two profiles side by side and their merge. Curators and admins only; every write
goes through ``duplicates`` (dismissals, the stored search) or ``merging`` → ``writes``
(the merge), all audited."""
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from expertnet.accounts.models import User
from expertnet.core import audit
from expertnet.core.i18n import _, current_language
from expertnet.core.text import parse_id, parse_page
from expertnet.curation import duplicates, merging
from expertnet.curation.controllers.curate import bp
from expertnet.curation.controllers.curate.forms import MergeForm, PostForm
from expertnet.directory import validation, writes
from expertnet.directory.editing import display
from expertnet.directory.forms import column_labels
from expertnet.directory.models import Expert
from expertnet.web.guards import role_required

CURATORS = ("curator", "admin")
PER_PAGE = 20


@bp.get("/duplicates")
@role_required(*CURATORS)
def duplicates_list():
    page = parse_page(request.args.get("page"))
    query = duplicates.open_candidates()
    total = query.count()
    rows = list(query.paginate(page, PER_PAGE))
    ids = {row.expert_a for row in rows} | {row.expert_b for row in rows}
    experts = {expert.id: expert for expert in Expert.select().where(Expert.id.in_(list(ids)))}
    records = {item.id: item for item in duplicates.records_from_db(ids)}
    pairs = []
    for row in rows:
        if row.expert_a not in records or row.expert_b not in records:
            continue  # merged or deleted since the search
        pairs.append({"a": experts[row.expert_a], "b": experts[row.expert_b],
                      "score": duplicates.score(records[row.expert_a], records[row.expert_b])})
    merged = parse_id(request.args.get("merged"))
    return render_template("curate/duplicates.html", pairs=pairs, page=page, total=total,
                           per_page=PER_PAGE, last=duplicates.last_refresh(),
                           threshold=duplicates.THRESHOLD, form=PostForm(),
                           merged=Expert.get_or_none(Expert.id == merged) if merged else None,
                           searched=parse_id(request.args.get("searched")),
                           dismissed=request.args.get("dismissed") == "1")


@bp.post("/duplicates/refresh")
@role_required(*CURATORS)
def refresh():
    if not PostForm().validate_on_submit():
        abort(400)
    stats = duplicates.refresh()
    audit.record("duplicates.search", actor_id=current_user.id, source="screen",
                 changes={"profiles": stats.profiles, "pairs": stats.extra["stored"],
                          "seconds": round(stats.seconds, 1)})
    return redirect(url_for("curate.duplicates_list", searched=stats.extra["stored"]))


def _pair_or_404(a_id, b_id):
    pair = merging.pair_or_none(a_id, b_id)
    if pair is None:
        abort(404)
    return pair


def _outcome_text(a, b):
    """The top of the comparison: who sees the kept profile after the merge, and why."""
    visibility, reason = merging.visibility_outcome(a, b)
    who = {"public": _("Public"), "officials": _("Officials only"),
           "curators": _("Curators only")}[visibility]
    why = {"wider": _("The wider visibility of the two profiles is kept: one of them is "
                      "already seen this widely."),
           "same": _("Both profiles have this visibility."),
           "withdrawn": _("The person withdrew consent to publication, so the merged profile "
                          "stays visible to curators only.")}[reason]
    return who, why


def _compare_page(a, b, form=None, errors=None, conflict=False, refused=None, status=200,
                  narrowing=False):
    language = current_language()
    labels = column_labels()
    rows = []
    for row in merging.compare(a, b):
        rows.append({"column": row.column, "label": labels.get(row.column, row.column),
                     "a": display(row.column, row.a, language),
                     "b": display(row.column, row.b, language),
                     "differs": row.differs, "is_list": row.is_list,
                     "choice": request.form.get(f"choice-{row.column}", row.default)
                     if request.method == "POST" else row.default})
    score = duplicates.rescore(a.id, b.id)
    owners = {user.expert_id for user in User.select(User.expert).where(
        User.expert.in_([a.id, b.id]))}
    if form is None:
        form = MergeForm(formdata=None, keep="b" if b.id in owners and a.id not in owners else "a")
    form.version_a.data, form.version_b.data = str(a.version), str(b.version)
    return render_template("curate/compare.html", a=a, b=b, rows=rows, score=score, form=form,
                           owners=owners, errors=errors or [], conflict=conflict,
                           refused=refused, dismiss_form=PostForm(formdata=None),
                           outcome=_outcome_text(a, b), narrowing=narrowing), status


@bp.get("/duplicates/<int:a_id>/<int:b_id>")
@role_required(*CURATORS)
def compare(a_id, b_id):
    a, b = _pair_or_404(a_id, b_id)
    return _compare_page(a, b)


@bp.post("/duplicates/<int:a_id>/<int:b_id>/merge")
@role_required(*CURATORS)
def merge(a_id, b_id):
    a, b = _pair_or_404(a_id, b_id)
    form = MergeForm()
    if not form.validate_on_submit():
        abort(400)
    versions = parse_id(form.version_a.data), parse_id(form.version_b.data)
    if None in versions:
        abort(400)
    choices = {column: request.form.get(f"choice-{column}", "")
               for column in validation.COLUMNS}
    keep, drop = (a, b) if form.keep.data == "a" else (b, a)
    keep_version, drop_version = versions if keep is a else versions[::-1]
    if keep is b:
        # The choices name the profiles as the page shows them; the merge calls the
        # kept one "a".
        swap = {"a": "b", "b": "a"}
        choices = {column: swap.get(choice, choice) for column, choice in choices.items()}
    try:
        kept = merging.merge(keep, drop, choices, keep_version, drop_version,
                             actor=current_user.id, via="screen",
                             narrow_confirmed=request.form.get("narrow") == "1")
    except validation.ProfileErrors as exc:
        return _compare_page(a, b, form=form, errors=exc.errors, status=400)
    except writes.VersionConflict:
        fresh = merging.pair_or_none(a.id, b.id)
        if fresh is None:
            abort(404)
        return _compare_page(*fresh, form=form, conflict=True, status=409)
    except merging.NarrowingNotConfirmed as exc:
        return _compare_page(a, b, form=form, refused=exc.reason, narrowing=True, status=409)
    except merging.MergeRefused as exc:
        return _compare_page(a, b, form=form, refused=exc.reason, status=409)
    return redirect(url_for("curate.duplicates_list", merged=kept.id))


@bp.post("/duplicates/<int:a_id>/<int:b_id>/dismiss")
@role_required(*CURATORS)
def dismiss(a_id, b_id):
    a, b = _pair_or_404(a_id, b_id)
    if not PostForm().validate_on_submit():
        abort(400)
    duplicates.dismiss(a.id, b.id, current_user.id)
    audit.record("duplicates.dismiss", actor_id=current_user.id, expert_id=a.id, source="screen",
                 changes={"other": b.id})
    return redirect(url_for("curate.duplicates_list", dismissed=1))


@bp.app_template_global()
def reason_text(code):
    """A score component in the reader's language."""
    return str(duplicates.REASONS.get(code, code))

