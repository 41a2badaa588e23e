"""The marketplace's pages. Public: ``/technology``, the lists and pages of offers and
demands. Signed in: posting and changing them; moderators (curators, admins, brokers):
the queue and its decisions, representatives, proposals, connections, sessions; admins:
who brokers."""
from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from expertnet.accounts import users as accounts
from expertnet.cooperation import attachments
from expertnet.cooperation.models import Event
from expertnet.core import access, places
from expertnet.core.access import current_viewer
from expertnet.core.i18n import _, current_language
from expertnet.core.text import clean, parse_id, parse_page
from expertnet.directory import finder
from expertnet.organisations import representatives
from expertnet.organisations import vocab as organisation_vocab
from expertnet.organisations.models import Organisation, OrganisationRepresentative
from expertnet.taxonomy import store as catalog
from expertnet.technology import brokers, connections, demands, indexing, matching, offers, rules, vocab
from expertnet.technology.common import Problems, Refused
from expertnet.technology.controllers import bp
from expertnet.technology.controllers.forms import DemandForm, OfferForm
from expertnet.technology.models import (
    Connection,
    SessionItem,
    TechnologyDemand,
    TechnologyOffer,
    TechnologyOfferFile,
)
from expertnet.web import attachments as attachment_views
from expertnet.web.guards import role_required

PER_PAGE = 20
FILTERS = {"offers": ("field", "trl", "transfer_model", "organisation_type", "country"),
           "demands": ("field", "organisation_type", "country")}


@bp.context_processor
def _market_words():
    return {"market": vocab, "taxonomy": catalog.load(), "browse_url": browse_url,
            "facet_label": facet_label}


def browse_url(kind, q="", filters=None, add=None, remove=None, page=1):
    """The list of ``kind`` with ``q`` and ``filters``, one value added or removed."""
    chosen = {name: list(values) for name, values in (filters or {}).items()}
    if add:
        chosen.setdefault(add[0], []).append(add[1])
    if remove:
        chosen[remove[0]] = [value for value in chosen.get(remove[0], []) if value != remove[1]]
    args = {"q": q} if q else {}
    args.update({name: values for name, values in chosen.items() if values})
    if page > 1:
        args["page"] = page
    return url_for("technology.offer_list" if kind == "offers" else "technology.demand_list", **args)


def facet_label(name, value):
    """A facet value in the reader's words."""
    language = current_language()
    if name == "field":
        field = catalog.load().fields.get(value)
        return field.name(language) if field else value
    if name == "trl":
        return _("TRL %(level)s", level=value)
    if name == "transfer_model":
        return vocab.TRANSFER_MODELS.get(value, value)
    if name == "organisation_type":
        return organisation_vocab.TYPES.get(value, value)
    if name == "country":
        return places.country_name(value, language)
    return value


def _put_errors(form, errors):
    for name, message in errors:
        target = form._fields.get(name) or next(iter(form._fields.values()))
        target.errors = [*target.errors, message]


def _visible(model, record_id):
    record = model.get_or_none(model.id == record_id)
    if record is None or not rules.may_see(current_viewer(), record):
        abort(404)
    return record


def _editable(model, record_id):
    record = _visible(model, record_id)
    if not rules.may_edit(current_viewer(), record):
        abort(403)
    return record


def _moderator():
    if not rules.may_moderate(current_viewer()):
        abort(403)


def _organisations(ids):
    ids = [organisation_id for organisation_id in set(ids) if organisation_id]
    return {row.id: row for row in Organisation.select().where(Organisation.id.in_(ids))} if ids else {}


# -- browsing -------------------------------------------------------------------------
@bp.get("")
def index():
    viewer = current_viewer()
    latest = {kind: indexing.search(kind, levels=_levels(viewer), per_page=5)
              for kind in ("offers", "demands")}
    offers_shown = _load(TechnologyOffer, latest["offers"].ids)
    demands_shown = _load(TechnologyDemand, latest["demands"].ids)
    return render_template("technology/index.html", offers=offers_shown, demands=demands_shown,
                           totals={kind: found.total for kind, found in latest.items()},
                           organisations=_organisations([row.organisation_id for row in offers_shown]),
                           rules=rules, reader=viewer)


def _levels(viewer):
    return access.visible_levels(viewer)


def _load(model, ids):
    found = {row.id: row for row in model.select().where(model.id.in_(list(ids)))} if ids else {}
    return [found[record_id] for record_id in ids if record_id in found]


def _criteria(kind):
    q = clean(request.args.get("q", ""))[:200]
    filters = {name: [clean(value)[:40] for value in request.args.getlist(name)][:20]
               for name in FILTERS[kind]}
    chosen = {name: values for name, values in filters.items() if values}
    return q, chosen, parse_page(request.args.get("page"))


def _browse(kind, model, template):
    viewer = current_viewer()
    q, filters, page = _criteria(kind)
    found = indexing.search(kind, q, levels=_levels(viewer), filters=filters, facets=FILTERS[kind],
                            page=page, per_page=PER_PAGE)
    rows = _load(model, found.ids)
    return render_template(template, rows=rows, found=found, q=q, filters=filters, page=page,
                           per_page=PER_PAGE, kind=kind,
                           organisations=_organisations([row.organisation_id for row in rows]),
                           rules=rules, reader=viewer)


@bp.get("/offers")
def offer_list():
    return _browse("offers", TechnologyOffer, "technology/offers.html")


@bp.get("/demands")
def demand_list():
    return _browse("demands", TechnologyDemand, "technology/demands.html")


def _offer_page(offer, problem=None, status=200):
    viewer = current_viewer()
    return render_template(
        "technology/offer.html", offer=offer, experts=offers.experts(offer, viewer),
        organisation=Organisation.get_or_none(Organisation.id == offer.organisation_id),
        files=offers.files(offer), may_edit=rules.may_edit(viewer, offer),
        may_moderate=rules.may_moderate(viewer), contacts=rules.may_see_contacts(viewer, offer),
        problem=problem, limit=current_app.config["ATTACHMENT_MAX_BYTES"],
        rejected=request.args.get("rejected")), status


@bp.get("/offers/<int:offer_id>")
def offer(offer_id):
    return _offer_page(_visible(TechnologyOffer, offer_id))


def _demand_page(demand, problem=None, status=200):
    viewer = current_viewer()
    identity = rules.may_see_identity(viewer, demand)
    return render_template(
        "technology/demand.html", demand=demand, identity=identity,
        organisation=(Organisation.get_or_none(Organisation.id == demand.organisation_id)
                      if identity else None),
        may_edit=rules.may_edit(viewer, demand), may_moderate=rules.may_moderate(viewer),
        broker=rules.is_broker(viewer), contacts=identity and rules.may_see_contacts(viewer, demand),
        connections=[row for row in connections.for_demand(demand) if connections.may_see(viewer, row)],
        problem=problem), status


@bp.get("/demands/<int:demand_id>")
def demand(demand_id):
    return _demand_page(_visible(TechnologyDemand, demand_id))


# -- posting and changing -------------------------------------------------------------
def _edit(form, save, record, kind, action):
    viewer = current_viewer()
    if form.validate_on_submit():
        try:
            saved = save(form.raw(), viewer, record)
        except Problems as exc:
            _put_errors(form, exc.errors)
        except Refused as exc:
            abort(exc.status)
        else:
            endpoint, key = (("technology.offer", "offer_id") if kind == "offer"
                             else ("technology.demand", "demand_id"))
            return redirect(url_for(endpoint, **{key: saved.id}))
    elif request.method == "POST":
        abort(400)
    return render_template("technology/edit.html", form=form, record=record, kind=kind, action=action,
                           moderator=rules.may_moderate(viewer)), 200 if not form.errors else 400


def _record_values(record, columns):
    values = {name: getattr(record, name) for name in columns if name not in ("organisation", "experts")}
    if "organisation" in columns:
        values["organisation"] = str(record.organisation_id or "")
    for name in ("trl",):
        if name in values:
            values[name] = str(values[name])
    for name in ("price", "budget_min", "budget_max"):
        if name in values:
            values[name] = "" if values[name] is None else str(values[name])
    if "deadline" in values:
        values["deadline"] = record.deadline.isoformat() if record.deadline else ""
    return values


@bp.route("/offers/new", methods=["GET", "POST"])
@login_required
def offer_new():
    viewer = current_viewer()
    represented = rules.represented(viewer)
    form = OfferForm(represented=represented, data={"visibility": "public"}) if request.method == "GET" \
        else OfferForm(represented=represented)
    return _edit(form, offers.save, None, "offer", url_for("technology.offer_new"))


@bp.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"])
@login_required
def offer_edit(offer_id):
    offer = _editable(TechnologyOffer, offer_id)
    represented = rules.represented(current_viewer())
    if request.method == "GET":
        data = _record_values(offer, OfferForm.COLUMNS)
        data["experts"] = " ".join(str(expert_id) for expert_id in offers.expert_ids(offer))
        form = OfferForm(represented=represented, data=data)
    else:
        form = OfferForm(represented=represented)
    return _edit(form, offers.save, offer, "offer", url_for("technology.offer_edit", offer_id=offer.id))


@bp.route("/demands/new", methods=["GET", "POST"])
@login_required
def demand_new():
    viewer = current_viewer()
    if not rules.may_post_demand(viewer):
        abort(403)
    represented = rules.represented(viewer)
    form = DemandForm(represented=represented,
                      data={"visibility": "public", "identity_visibility": "officials", "language": "vi"}) \
        if request.method == "GET" else DemandForm(represented=represented)
    return _edit(form, demands.save, None, "demand", url_for("technology.demand_new"))


@bp.route("/demands/<int:demand_id>/edit", methods=["GET", "POST"])
@login_required
def demand_edit(demand_id):
    demand = _editable(TechnologyDemand, demand_id)
    represented = rules.represented(current_viewer())
    form = DemandForm(represented=represented, data=_record_values(demand, DemandForm.COLUMNS)) \
        if request.method == "GET" else DemandForm(represented=represented)
    return _edit(form, demands.save, demand, "demand", url_for("technology.demand_edit", demand_id=demand.id))


@bp.post("/offers/<int:offer_id>/delete")
@login_required
def offer_delete(offer_id):
    offers.delete(_editable(TechnologyOffer, offer_id), current_user.id)
    return redirect(url_for("technology.mine"))


@bp.post("/demands/<int:demand_id>/delete")
@login_required
def demand_delete(demand_id):
    demand = _editable(TechnologyDemand, demand_id)
    try:
        demands.delete(demand, current_user.id)
    except Refused as exc:
        return _demand_page(demand, exc.message, exc.status)
    return redirect(url_for("technology.mine"))


# -- moderation -----------------------------------------------------------------------
@bp.get("/moderation")
@login_required
def moderation():
    _moderator()
    waiting = {model: list(model.select().where(model.status == "submitted").order_by(model.updated_at))
               for model in (TechnologyOffer, TechnologyDemand)}
    return render_template("technology/moderation.html", offers=waiting[TechnologyOffer],
                           demands=waiting[TechnologyDemand])


def _moderate(record, decide, page):
    _moderator()
    try:
        decide(record, request.form.get("decision", ""), request.form.get("reason", ""), current_user.id)
    except Refused as exc:
        if exc.status == 400 and request.form.get("decision") not in ("publish", "return"):
            abort(400)
        return page(record, exc.message, exc.status)
    return redirect(url_for("technology.moderation"))


@bp.post("/offers/<int:offer_id>/moderate")
@login_required
def offer_moderate(offer_id):
    return _moderate(_visible(TechnologyOffer, offer_id), offers.moderate, _offer_page)


@bp.post("/demands/<int:demand_id>/moderate")
@login_required
def demand_moderate(demand_id):
    return _moderate(_visible(TechnologyDemand, demand_id), demands.moderate, _demand_page)


# -- an offer's files -----------------------------------------------------------------
@bp.post("/offers/<int:offer_id>/files")
@login_required
def offer_attach(offer_id):
    offer = _editable(TechnologyOffer, offer_id)
    upload = attachment_views.uploaded_file()
    try:
        offers.attach(offer, upload.stream, upload.filename, current_user.id)
    except attachments.Rejected as exc:
        if exc.reason == "too_large":
            abort(413)
        return redirect(url_for("technology.offer", offer_id=offer.id, rejected=exc.reason), code=303)
    return redirect(url_for("technology.offer", offer_id=offer.id))


def _file_or_404(offer, file_id):
    row = TechnologyOfferFile.get_or_none((TechnologyOfferFile.id == file_id)
                                          & (TechnologyOfferFile.offer == offer.id))
    if row is None:
        abort(404)
    return row


@bp.get("/offers/<int:offer_id>/files/<int:file_id>")
def offer_download(offer_id, file_id):
    offer = _visible(TechnologyOffer, offer_id)
    return attachments.download(_file_or_404(offer, file_id))


@bp.post("/offers/<int:offer_id>/files/<int:file_id>/delete")
@login_required
def offer_detach(offer_id, file_id):
    offer = _editable(TechnologyOffer, offer_id)
    offers.detach(offer, _file_or_404(offer, file_id), current_user.id)
    return redirect(url_for("technology.offer", offer_id=offer.id))


# -- one's own records ----------------------------------------------------------------
@bp.get("/mine")
@login_required
def mine():
    viewer = current_viewer()
    organisation_id = rules.represented(viewer)

    def own(model):
        condition = model.submitted_by == viewer.user_id
        if organisation_id:
            condition |= model.organisation == organisation_id
        return list(model.select().where(condition).order_by(model.updated_at.desc(), model.id.desc()))
    return render_template("technology/mine.html", offers=own(TechnologyOffer), demands=own(TechnologyDemand),
                           connections=[row for row in connections.for_user(viewer)
                                        if connections.is_party(viewer, row)],
                           organisation=Organisation.get_or_none(Organisation.id == organisation_id)
                           if organisation_id else None, may_post_demand=rules.may_post_demand(viewer))


# -- brokering: proposals and connections ---------------------------------------------
def _broker():
    if not rules.is_broker(current_viewer()):
        abort(403)


@bp.get("/demands/<int:demand_id>/proposals")
@login_required
def proposals(demand_id):
    _broker()
    demand = _visible(TechnologyDemand, demand_id)
    viewer = current_viewer()
    return render_template("technology/proposals.html", demand=demand,
                           offers=matching.offers(demand, viewer),
                           experts=matching.experts(demand, viewer),
                           sessions=connections.sessions())


@bp.post("/demands/<int:demand_id>/connections")
@login_required
def connection_open(demand_id):
    _broker()
    demand = _visible(TechnologyDemand, demand_id)
    viewer = current_viewer()
    offer = None
    offer_id = parse_id(request.form.get("offer_id"))
    if clean(request.form.get("offer_id")) and offer_id is None:
        abort(400)
    if offer_id:
        offer = TechnologyOffer.get_or_none(TechnologyOffer.id == offer_id)
        if offer is None or not rules.may_see(viewer, offer):
            return _demand_page(demand, _("No offer has this number."), 404)
    chosen = []
    for raw in request.form.getlist("expert_id")[:connections.MAX_EXPERTS + 1]:
        expert_id = parse_id(raw)
        expert = finder.get_visible(expert_id, viewer) if expert_id else None
        if expert is None:
            return _demand_page(demand, _("No expert has the number %(number)s.",
                                          number=clean(raw)[:20]), 404)
        chosen.append(expert)
    event = None
    event_id = parse_id(request.form.get("event_id"))
    if event_id:
        event = Event.get_or_none(Event.id == event_id)
        if event is None:
            return _demand_page(demand, _("No event has this number."), 404)
    try:
        row = connections.open_connection(demand, current_user.id, offer=offer, experts=chosen, event=event,
                                          note=request.form.get("note", ""))
    except Refused as exc:
        return _demand_page(demand, exc.message, exc.status)
    return redirect(url_for("technology.connection", connection_id=row.id))


@bp.get("/connections")
@login_required
def connection_list():
    viewer = current_viewer()
    rows = connections.for_user(viewer)
    demands_of = {row.id: row for row in TechnologyDemand.select().where(
        TechnologyDemand.id.in_([row.demand_id for row in rows]))} if rows else {}
    broker = rules.is_broker(viewer)
    return render_template("technology/connections.html", rows=rows, demands=demands_of, broker=broker,
                           sessions=connections.sessions() if broker else [])


def _connection_page(row, errors=(), problem=None, status=200):
    viewer = current_viewer()
    demand = TechnologyDemand.get_by_id(row.demand_id)
    offer = TechnologyOffer.get_or_none(TechnologyOffer.id == row.offer_id) if row.offer_id else None
    return render_template(
        "technology/connection.html", connection=row, demand=demand, offer=offer,
        demand_visible=rules.may_see(viewer, demand),
        offer_visible=offer is not None and rules.may_see(viewer, offer),
        experts=[expert for expert in connections.experts_of(row)
                 if finder.get_visible(expert.id, viewer) is not None],
        steps=connections.steps(row), broker=rules.is_broker(viewer),
        event=Event.get_or_none(Event.id == row.event_id) if row.event_id else None,
        errors=errors, problem=problem, values=request.form if request.method == "POST" else {}), status


def _connection_or_404(connection_id):
    row = Connection.get_or_none(Connection.id == connection_id)
    if row is None or not connections.may_see(current_viewer(), row):
        abort(404)
    return row


@bp.get("/connections/<int:connection_id>")
@login_required
def connection(connection_id):
    return _connection_page(_connection_or_404(connection_id))


@bp.post("/connections/<int:connection_id>/steps")
@login_required
def connection_step(connection_id):
    row = _connection_or_404(connection_id)
    _broker()
    try:
        connections.record_step(row, request.form, current_user.id)
    except Problems as exc:
        return _connection_page(row, errors=exc.errors, status=400)
    except Refused as exc:
        return _connection_page(row, problem=exc.message, status=exc.status)
    return redirect(url_for("technology.connection", connection_id=row.id))


# -- supply–demand sessions -----------------------------------------------------------
def _session_or_404(event_id):
    event = Event.get_or_none((Event.id == event_id) & (Event.kind == "supply_demand_session"))
    if event is None:
        abort(404)
    return event


def _session_page(event, problem=None, status=200):
    viewer = current_viewer()
    presented_demands, presented_offers = connections.session_items(event.id)
    return render_template(
        "technology/session.html", event=event,
        demands=[(row, record) for row, record in presented_demands if rules.may_see(viewer, record)],
        offers=[(row, record) for row, record in presented_offers if rules.may_see(viewer, record)],
        connections=[row for row in connections.for_event(event.id) if connections.may_see(viewer, row)],
        broker=rules.is_broker(viewer), problem=problem), status


@bp.get("/sessions/<int:event_id>")
@role_required("official", "curator", "admin")
def session(event_id):
    return _session_page(_session_or_404(event_id))


@bp.post("/sessions/<int:event_id>/items")
@role_required("official", "curator", "admin")
def session_present(event_id):
    event = _session_or_404(event_id)
    _broker()
    demand_id, offer_id = parse_id(request.form.get("demand_id")), parse_id(request.form.get("offer_id"))
    if not demand_id and not offer_id:
        abort(400)
    demand = TechnologyDemand.get_or_none(TechnologyDemand.id == demand_id) if demand_id else None
    offer = TechnologyOffer.get_or_none(TechnologyOffer.id == offer_id) if offer_id else None
    viewer = current_viewer()
    if (demand_id and (demand is None or not rules.may_see(viewer, demand))) \
            or (offer_id and (offer is None or not rules.may_see(viewer, offer))):
        return _session_page(event, _("No demand or offer has this number."), 404)
    try:
        connections.present(event, current_user.id, demand=demand, offer=offer)
    except Refused as exc:
        return _session_page(event, exc.message, exc.status)
    return redirect(url_for("technology.session", event_id=event.id))


@bp.post("/sessions/<int:event_id>/items/<int:item_id>/delete")
@role_required("official", "curator", "admin")
def session_withdraw(event_id, item_id):
    event = _session_or_404(event_id)
    _broker()
    row = SessionItem.get_or_none((SessionItem.id == item_id) & (SessionItem.event == event.id))
    if row is None:
        abort(404)
    connections.withdraw_item(row, current_user.id)
    return redirect(url_for("technology.session", event_id=event.id))


# -- brokers and representatives ------------------------------------------------------
def _account_page(problem=None, status=200, email=""):
    viewer = current_viewer()
    return render_template("technology/people.html", brokers=brokers.listing(),
                           representatives=representatives.current(), admin=viewer.role == "admin",
                           organisations=_organisation_pairs(), problem=problem,
                           email=email, language=current_language()), status


def _organisation_pairs():
    language = current_language()
    return sorted(((row.id, row.name(language)) for row in Organisation.select()),
                  key=lambda pair: pair[1].lower())


@bp.get("/people")
@login_required
def people():
    _broker()
    return _account_page()


@bp.post("/brokers")
@role_required("admin")
def broker_grant():
    email = clean(request.form.get("email"))[:254]
    user = accounts.find_by_email(email)
    if user is None:
        return _account_page(_("No account has this e-mail address."), 404, email)
    try:
        brokers.grant(user, current_user.id)
    except Refused as exc:
        return _account_page(exc.message, exc.status, email)
    return redirect(url_for("technology.people"))


@bp.post("/brokers/<int:user_id>/withdraw")
@role_required("admin")
def broker_withdraw(user_id):
    if not brokers.withdraw(user_id, current_user.id):
        abort(404)
    return redirect(url_for("technology.people"))


@bp.post("/representatives")
@login_required
def representative_vouch():
    _broker()
    email = clean(request.form.get("email"))[:254]
    organisation_id = parse_id(request.form.get("organisation"))
    if not email or not organisation_id:
        return _account_page(_("Give the account's e-mail address and choose the organisation."), 400, email)
    user = accounts.find_by_email(email)
    organisation = Organisation.get_or_none(Organisation.id == organisation_id)
    if user is None or organisation is None:
        return _account_page(_("No account has this e-mail address."), 404, email) if user is None \
            else _account_page(_("Choose an organisation from the list."), 404, email)
    try:
        representatives.vouch(user, organisation, current_user.id)
    except representatives.Refused as exc:
        return _account_page(exc.message, exc.status, email)
    return redirect(url_for("technology.people"))


@bp.post("/representatives/<int:representative_id>/revoke")
@login_required
def representative_revoke(representative_id):
    _broker()
    row = OrganisationRepresentative.get_or_none(OrganisationRepresentative.id == representative_id)
    if row is None or not representatives.revoke(row, current_user.id):
        abort(404)
    return redirect(url_for("technology.people"))

