"""``/notifications`` and ``/saved-searches``. Views read and call the domain modules
(notifications.py, saved_searches.py); they write nothing themselves."""
from flask import abort, has_request_context, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from expertnet.core.access import current_viewer
from expertnet.core.text import parse_id, parse_page
from expertnet.directory import finder
from expertnet.notifications import inbox as notifications
from expertnet.outreach import saved_searches
from expertnet.outreach.controllers.alerts import bp
from expertnet.outreach.controllers.alerts.forms import SaveSearchForm, SettingsForm
from expertnet.outreach.controllers.needs.routes import need_or_404
from expertnet.outreach.models import SavedSearch
from expertnet.web.guards import get_or_404, role_required


def _page():
    return parse_page(request.args.get("page"))


@bp.app_context_processor
def _unread():
    def unread_notifications():
        # Counted once per request: the header and the page may both ask. Kept in the
        # request's environ, not ``g``, which a request shares with an outer app context.
        if not current_user.is_authenticated:
            return 0
        if not has_request_context():
            return notifications.unread_count(current_user.id)
        if "expertnet.unread" not in request.environ:
            request.environ["expertnet.unread"] = notifications.unread_count(current_user.id)
        return request.environ["expertnet.unread"]
    return {"unread_notifications": unread_notifications,
            "saved_frequencies": saved_searches.FREQUENCIES}


# -- notifications ---------------------------------------------------------------------
@bp.get("/notifications")
@login_required
def notifications_page():
    page = _page()
    rows, total = notifications.page_of(current_user.id, page)
    return render_template("alerts/notifications.html", rows=rows, total=total, page=page,
                           per_page=notifications.PER_PAGE, text=notifications.text)


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id):
    if not notifications.mark_read(current_user.id, notification_id):
        abort(404)
    return redirect(url_for("alerts.notifications_page", page=_page() if _page() > 1 else None))


@bp.post("/notifications/read")
@login_required
def mark_all_read():
    notifications.mark_all_read(current_user.id)
    return redirect(url_for("alerts.notifications_page"))


# -- saved searches --------------------------------------------------------------------
def _own_or_404(saved_id):
    return get_or_404(SavedSearch, saved_id, SavedSearch.user == current_user.id)


def _list_page(form=None, error=None, status=200):
    rows = saved_searches.summary(current_user)
    return render_template("alerts/saved_searches.html", rows=rows, form=form, error=error,
                           frequencies=saved_searches.FREQUENCIES,
                           settings={saved.id: SettingsForm(formdata=None, obj=saved)
                                     for saved, _count in rows},
                           done=request.args.get("done")), status


@bp.get("/saved-searches")
@role_required(*saved_searches.ROLES)
def saved_searches_page():
    return _list_page()


@bp.post("/saved-searches")
@role_required(*saved_searches.ROLES)
def save_search():
    """Save the search whose parameters are posted (the search page's form), or a need."""
    form = SaveSearchForm()
    need = None
    if form.need_id.data:
        need_id = parse_id(form.need_id.data)
        if need_id is None:
            abort(400)
        need = need_or_404(need_id, current_viewer())
    try:
        pairs = [] if need is not None else saved_searches.pairs_from(request.form)
    except finder.BadParameter as exc:
        return _list_page(error=exc.message, status=400)
    if not form.validate_on_submit():
        return _list_page(form=form, status=400)
    try:
        saved = saved_searches.create(current_user, form.name.data, pairs=pairs, need=need,
                                      frequency=form.frequency.data)
    except saved_searches.Refused as exc:
        return _list_page(form=form, error=str(exc), status=400)
    return redirect(url_for("alerts.saved_searches_page", done="saved", _anchor=f"s{saved.id}"))


@bp.get("/saved-searches/<int:saved_id>")
@role_required(*saved_searches.ROLES)
def saved_search(saved_id):
    """The matches not seen yet, and where to see them all."""
    saved = _own_or_404(saved_id)
    viewer = current_viewer()
    unseen = saved_searches.unseen_ids(saved, viewer)
    experts = saved_searches.experts(unseen[:100])
    if saved.need_id is not None:
        everything = url_for("needs.proposal", need_id=saved.need_id)
    else:
        everything = url_for("main.search_page", **MultiDict(saved.pairs).to_dict(flat=False))
    return render_template("alerts/saved_search.html", saved=saved, experts=experts,
                           total=len(unseen), everything=everything,
                           frequencies=saved_searches.FREQUENCIES)


@bp.post("/saved-searches/<int:saved_id>/seen")
@role_required(*saved_searches.ROLES)
def mark_seen(saved_id):
    saved = _own_or_404(saved_id)
    ids = [expert_id for expert_id in map(parse_id, request.form.getlist("expert_id")) if expert_id]
    saved_searches.mark_seen(saved, current_viewer(), ids or None)
    return redirect(url_for("alerts.saved_search", saved_id=saved.id))


@bp.post("/saved-searches/<int:saved_id>/settings")
@role_required(*saved_searches.ROLES)
def update_saved_search(saved_id):
    saved = _own_or_404(saved_id)
    form = SettingsForm()
    if not form.validate_on_submit():
        return _list_page(error=" ".join(error for errors in form.errors.values()
                                         for error in errors if isinstance(error, str)),
                          status=400)
    saved_searches.update(saved, frequency=form.frequency.data, name=form.name.data)
    return redirect(url_for("alerts.saved_searches_page", done="updated", _anchor=f"s{saved.id}"))


@bp.route("/saved-searches/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token):
    """The digest's "no more e-mails" link: GET asks, POST stops the e-mails of that one
    saved search (no login needed; an invalid or expired link does not exist)."""
    saved = saved_searches.find_by_token(token)
    if saved is None:
        abort(404)
    done = False
    if request.method == "POST":
        saved_searches.update(saved, frequency="off")
        done = True
    return render_template("alerts/unsubscribe.html", saved=saved, done=done)


@bp.post("/saved-searches/<int:saved_id>/delete")
@role_required(*saved_searches.ROLES)
def delete_saved_search(saved_id):
    saved_searches.delete(_own_or_404(saved_id))
    return redirect(url_for("alerts.saved_searches_page", done="deleted"))
