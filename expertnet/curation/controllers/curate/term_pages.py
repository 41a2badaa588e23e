"""``/curate/terms``: the bilingual term list. Suggested pairs (mined from profiles with
both bios, best first, each with the sentences of two profiles that hold it) to accept
as they are or as edited, or to reject; the accepted pairs, each removable. Curators
and admins only; every decision is written by ``terms`` and audited here. Search reads
the accepted pairs at each search: a decision takes effect at once."""
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from expertnet.core import audit
from expertnet.core.i18n import _
from expertnet.core.text import parse_id, parse_page
from expertnet.curation import term_suggestions
from expertnet.curation.controllers.curate import bp
from expertnet.curation.controllers.curate.forms import TermDecisionForm
from expertnet.taxonomy import terms
from expertnet.web.guards import role_required

CURATORS = ("curator", "admin")
PER_PAGE = 20
# Which decision each status allows.
ALLOWED = {"accept": "suggested", "reject": "suggested", "remove": "accepted"}


def _done_text(code):
    return {"accept": _("The pair was accepted: search uses it from now on."),
            "reject": _("The suggestion was rejected: it will not be suggested again."),
            "remove": _("The pair was removed: search no longer uses it.")}.get(code)


def _error_text(code):
    return {"empty": _("Both terms are needed."),
            "too_long": _("A term may have at most %(count)s characters.", count=terms.MAX_TERM),
            "same": _("The two terms are the same word: nothing to translate."),
            "taken": _("This pair is already in the list.")}.get(code)


@bp.get("/terms")
@role_required(*CURATORS)
def terms_page():
    page = parse_page(request.args.get("page"))
    query = terms.listed("suggested")
    total = query.count()
    suggested = [(pair, term_suggestions.example_sentences(pair)) for pair in query.paginate(page, PER_PAGE)]
    return render_template("curate/terms.html", suggested=suggested, total=total, page=page,
                           per_page=PER_PAGE, accepted=list(terms.listed("accepted")),
                           form=TermDecisionForm(), done=_done_text(request.args.get("done")),
                           error=_error_text(request.args.get("error")))


@bp.post("/terms/decide")
@role_required(*CURATORS)
def terms_decide():
    form = TermDecisionForm()
    if not form.validate_on_submit() or form.decision is None:
        abort(400)
    pair_id = parse_id(form.pair_id.data)
    pair = terms.get(pair_id) if pair_id else None
    if pair is None:
        abort(404)
    action = form.decision
    if pair.status != ALLOWED[action]:
        abort(409)  # decided meanwhile (another curator, another tab)
    try:
        if action == "accept":
            changes = terms.accept(pair, current_user.id, vi=form.vi.data or pair.vi,
                                   en=form.en.data or pair.en)
        elif action == "reject":
            changes = terms.reject(pair, current_user.id)
        else:
            changes = terms.remove(pair, current_user.id)
    except terms.TermError as exc:
        return redirect(url_for("curate.terms_page", error=exc.code))
    audit.record(f"terms.{action}", actor_id=current_user.id, source="screen",
                 changes={"pair": pair.id, "terms": [pair.vi, pair.en], **changes})
    return redirect(url_for("curate.terms_page", done=action))
