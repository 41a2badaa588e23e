"""The organisations' pages: search with facets and a page per organisation for every
reader (as visibility allows), the curators' forms, contact persons, affiliations,
reconciliation of free-text organisations, duplicates and the import."""
import contextlib
import os
import secrets
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from expertnet.core import access as profile_access
from expertnet.core import signals
from expertnet.core.access import current_viewer
from expertnet.core.i18n import _, current_language
from expertnet.core.text import clean, parse_id, parse_page
from expertnet.directory import finder
from expertnet.organisations import access, duplicates, importer, reconcile, writes
from expertnet.organisations import sections as profile_sections  # noqa: F401  (connects its receivers)
from expertnet.organisations.controllers.pages import bp
from expertnet.organisations.controllers.pages.forms import (
    AffiliationForm,
    ContactForm,
    ImportForm,
    OrganisationForm,
)
from expertnet.organisations.models import Affiliation, Organisation, OrganisationContact
from expertnet.organisations.validation import OrganisationErrors
from expertnet.organisations.vocab import FACETS, TYPES
from expertnet.taxonomy import store as catalog
from expertnet.web.guards import role_required, safe_next

CURATORS = ("curator", "admin")
PER_PAGE = 20


def _put_errors(form, errors, fallback):
    for name, message in errors:
        target = form._fields.get(name, form._fields[fallback])
        target.errors = [*target.errors, message]


def _filters():
    return {name: [clean(value)[:64] for value in request.args.getlist(name) if clean(value)][:10]
            for name in FACETS}


def _organisation_or_404(organisation_id):
    organisation = access.get_visible(organisation_id, current_viewer())
    if organisation is None:
        abort(404)
    return organisation


def _curated(organisation_id):
    organisation = Organisation.get_or_none(Organisation.id == organisation_id)
    if organisation is None:
        abort(404)
    return organisation


# -- search and pages -----------------------------------------------------------------
@bp.get("/organisations")
def search():
    viewer = current_viewer()
    q = clean(request.args.get("q", ""))[:300]
    filters = _filters()
    page = parse_page(request.args.get("page"))
    rows, total, facets = access.search(viewer, q, filters, page=page, per_page=PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))

    def url(**changes):
        args = {"q": q, **{name: values for name, values in filters.items() if values}, "page": None}
        for name, value in changes.items():
            if name in FACETS:
                current = list(args.get(name, []))
                args[name] = [item for item in current if item != value] if value in current \
                    else [*current, value]
            else:
                args[name] = value
        return url_for("organisations.search", **{name: value for name, value in args.items() if value})

    return render_template("organisations/search.html", rows=rows, total=total, facets=facets, q=q,
                           filters=filters, page=page, pages=pages, url=url, types=TYPES,
                           taxonomy=catalog.load(), may_edit=access.may_edit(viewer))


@bp.get("/organisations/<int:organisation_id>")
def show(organisation_id):
    viewer = current_viewer()
    organisation = _organisation_or_404(organisation_id)
    language = current_language()
    experts = _experts(organisation, viewer)
    sections = signals.sections_list(signals.organisation_sections.send(
        organisation.id, viewer=viewer, language=language))
    parent = access.get_visible(organisation.parent_id, viewer) if organisation.parent_id else None
    units = [row for row in Organisation.select().where(Organisation.parent == organisation.id)
             .order_by(Organisation.name_vi) if access.can_view(viewer, row)]
    curator = access.may_edit(viewer)
    return render_template(
        "organisations/show.html", organisation=organisation, experts=experts, sections=sections,
        parent=parent, units=units, contacts=writes.visible_contacts(organisation, viewer),
        types=TYPES, taxonomy=catalog.load(), may_edit=curator,
        duplicates=duplicates.for_record(organisation) if curator else [],
        contact_form=ContactForm() if curator else None,
        affiliation_form=AffiliationForm() if curator else None)


def _experts(organisation, viewer):
    """``[(profile, affiliation or None)]`` the reader may see: affiliations (current
    first), then profiles whose free-text organisation was linked."""
    rows = list(Affiliation.select().where(Affiliation.organisation == organisation.id))
    rows.sort(key=lambda row: (not row.current, -(row.start_year or 0), row.id))
    ids = [row.expert_id for row in rows]
    linked = [expert_id for expert_id in reconcile.linked_profile_ids(organisation.id)
              if expert_id not in ids]
    profiles = {expert.id: expert for expert in finder.load_in_order([*ids, *linked])
                if profile_access.can_view(viewer, expert)}
    found = [(profiles[row.expert_id], row) for row in rows if row.expert_id in profiles]
    seen = {expert.id for expert, _row in found}
    found += [(profiles[expert_id], None) for expert_id in linked
              if expert_id in profiles and expert_id not in seen]
    return found


# -- the curators' forms --------------------------------------------------------------
def _form_values(organisation):
    values = {name: getattr(organisation, name) for name in OrganisationForm.COLUMNS if name != "parent"}
    values["other_names"] = "; ".join(organisation.other_names)
    values["parent"] = str(organisation.parent_id or "")
    values["external_id"] = organisation.external_id or ""
    return values


def _edit(form, organisation):
    if form.validate_on_submit():
        expected = parse_id(request.form.get("version")) if organisation is not None else None
        try:
            outcome = writes.save(form.raw(), current_user.id, organisation, expected_version=expected)
        except OrganisationErrors as exc:
            _put_errors(form, exc.errors, "name_vi")
        except writes.Refused as exc:
            form.name_vi.errors = [*form.name_vi.errors, exc.message]
        else:
            return redirect(url_for("organisations.show", organisation_id=outcome.organisation.id))
    elif request.method == "POST":
        abort(400)
    status = 422 if request.method == "POST" else 200
    return render_template("organisations/edit.html", form=form, organisation=organisation), status


@bp.route("/organisations/new", methods=["GET", "POST"])
@role_required(*CURATORS)
def new():
    form = OrganisationForm(data={"visibility": "public"}) if request.method == "GET" else OrganisationForm()
    return _edit(form, None)


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@role_required(*CURATORS)
def edit(organisation_id):
    organisation = _curated(organisation_id)
    form = OrganisationForm(data=_form_values(organisation)) if request.method == "GET" \
        else OrganisationForm()
    return _edit(form, organisation)


@bp.post("/organisations/<int:organisation_id>/delete")
@role_required(*CURATORS)
def delete(organisation_id):
    organisation = _curated(organisation_id)
    writes.delete(organisation, current_user.id)
    flash(_("The organisation was deleted."), "success")
    return redirect(url_for("organisations.search"))


@bp.post("/organisations/<int:organisation_id>/contacts")
@role_required(*CURATORS)
def add_contact(organisation_id):
    organisation = _curated(organisation_id)
    form = ContactForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        writes.add_contact(organisation, form.raw(), current_user.id)
    except OrganisationErrors as exc:
        return _show_with(organisation, contact_form=form, errors=exc.errors, fallback="name")
    flash(_("The contact person was added."), "success")
    return redirect(url_for("organisations.show", organisation_id=organisation.id) + "#contacts")


@bp.post("/organisations/<int:organisation_id>/contacts/<int:contact_id>/delete")
@role_required(*CURATORS)
def remove_contact(organisation_id, contact_id):
    row = OrganisationContact.get_or_none((OrganisationContact.id == contact_id)
                                          & (OrganisationContact.organisation == organisation_id))
    if row is None:
        abort(404)
    writes.remove_contact(row, current_user.id)
    return redirect(url_for("organisations.show", organisation_id=organisation_id) + "#contacts")


@bp.post("/organisations/<int:organisation_id>/affiliations")
@role_required(*CURATORS)
def add_affiliation(organisation_id):
    organisation = _curated(organisation_id)
    form = AffiliationForm()
    if not form.validate_on_submit():
        abort(400)
    raw = form.raw()
    expert_id = parse_id(raw.get("expert_id"))
    if expert_id is None or finder.get_visible(expert_id, current_viewer()) is None:
        return _show_with(organisation, affiliation_form=form,
                          errors=[("expert_id", _("No profile has this number."))], fallback="expert_id")
    try:
        writes.add_affiliation(expert_id, organisation, raw, current_user.id)
    except OrganisationErrors as exc:
        return _show_with(organisation, affiliation_form=form, errors=exc.errors, fallback="role")
    except writes.Refused as exc:
        return _show_with(organisation, affiliation_form=form, errors=[("expert_id", exc.message)],
                          fallback="expert_id")
    flash(_("The affiliation was added."), "success")
    return redirect(url_for("organisations.show", organisation_id=organisation.id) + "#experts")


@bp.post("/organisations/affiliations/<int:affiliation_id>/delete")
@role_required(*CURATORS)
def remove_affiliation(affiliation_id):
    row = Affiliation.get_or_none(Affiliation.id == affiliation_id)
    if row is None:
        abort(404)
    writes.remove_affiliation(row, current_user.id)
    return redirect(safe_next(request.form.get("next"),
                              url_for("organisations.show", organisation_id=row.organisation_id)))


def _show_with(organisation, errors, fallback, **forms):
    """The organisation's page again, with a form's errors (422)."""
    viewer = current_viewer()
    form = next(iter(forms.values()))
    _put_errors(form, errors, fallback)
    return render_template(
        "organisations/show.html", organisation=organisation, experts=_experts(organisation, viewer),
        sections=signals.sections_list(signals.organisation_sections.send(
            organisation.id, viewer=viewer, language=current_language())),
        parent=access.get_visible(organisation.parent_id, viewer) if organisation.parent_id else None,
        units=[], contacts=writes.visible_contacts(organisation, viewer), types=TYPES,
        taxonomy=catalog.load(), may_edit=True, duplicates=duplicates.for_record(organisation),
        contact_form=forms.get("contact_form") or ContactForm(),
        affiliation_form=forms.get("affiliation_form") or AffiliationForm()), 422


# -- duplicates and merge -------------------------------------------------------------
@bp.get("/organisations/duplicates")
@role_required(*CURATORS)
def duplicate_list():
    page = parse_page(request.args.get("page"))
    pairs, total = duplicates.stored(page=page, per_page=PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    return render_template("organisations/duplicates.html", pairs=pairs, total=total, page=page, pages=pages,
                           types=TYPES)


@bp.post("/organisations/<int:organisation_id>/merge")
@role_required(*CURATORS)
def merge(organisation_id):
    keep = _curated(organisation_id)
    other_id = parse_id(request.form.get("other_id"))
    drop = Organisation.get_or_none(Organisation.id == other_id) if other_id else None
    if drop is None or drop.id == keep.id:
        abort(400)
    writes_merge = duplicates.merge(keep, drop, current_user.id)
    flash(_("The two records were merged."), "success")
    return redirect(url_for("organisations.show", organisation_id=writes_merge.id))


# -- reconciliation -------------------------------------------------------------------
@bp.get("/organisations/reconcile")
@role_required(*CURATORS)
def reconcile_page():
    source = request.args.get("source", "")
    source = source if source in reconcile.SOURCES else None
    state, waiting = reconcile.current()
    page = parse_page(request.args.get("page"))
    per_page = 25
    shown, total = reconcile.stored(source=source, page=page, per_page=per_page)
    pages = max(1, -(-total // per_page))
    return render_template("organisations/reconcile.html", proposals=shown,
                           total=total, page=page, pages=pages, source=source or "",
                           threshold=reconcile.BULK_THRESHOLD, linked=state.linked,
                           types_labels=TYPES, waiting=waiting, progress=state,
                           bulk_ready=0 if waiting else reconcile.bulk_ready())


def _posted_key():
    key = clean(request.form.get("key", ""))[:300]
    if not key:
        abort(400)
    return key


def _back_to_reconcile():
    return redirect(safe_next(request.form.get("next"), url_for("organisations.reconcile_page")))


@bp.post("/organisations/reconcile/accept")
@role_required(*CURATORS)
def reconcile_accept():
    key = _posted_key()
    organisation_id = parse_id(request.form.get("organisation_id"))
    organisation = Organisation.get_or_none(Organisation.id == organisation_id) if organisation_id else None
    if organisation is None:
        flash(_("Choose an organisation of the register (its number)."), "error")
        return _back_to_reconcile()
    linked = reconcile.accept(key, organisation, current_user.id)
    flash(_("%(count)s records were linked to “%(name)s”.", count=linked,
            name=organisation.name(current_language())), "success")
    return _back_to_reconcile()


@bp.post("/organisations/reconcile/leave")
@role_required(*CURATORS)
def reconcile_leave():
    count = reconcile.leave_as_written(_posted_key(), current_user.id)
    flash(_("%(count)s texts stay as written.", count=count), "success")
    return _back_to_reconcile()


@bp.post("/organisations/reconcile/create")
@role_required(*CURATORS)
def reconcile_create():
    key = _posted_key()
    text = clean(request.form.get("text", ""))[:300]
    raw = {"name_vi": text, "type": request.form.get("type", ""), "visibility": "curators"}
    try:
        organisation, linked = reconcile.create_and_accept(key, raw, current_user.id)
    except OrganisationErrors as exc:
        flash("; ".join(str(message) for _name, message in exc.errors), "error")
        return _back_to_reconcile()
    flash(_("“%(name)s” was created (curators only until someone decides) and %(count)s records "
            "were linked to it.", name=organisation.name(current_language()), count=linked), "success")
    return _back_to_reconcile()


@bp.post("/organisations/reconcile/bulk")
@role_required(*CURATORS)
def reconcile_bulk():
    threshold = parse_id(request.form.get("threshold")) or reconcile.BULK_THRESHOLD
    threshold = min(max(threshold, 80), 100)
    groups, records = reconcile.bulk_accept(threshold, current_user.id)
    flash(_("%(groups)s texts (%(records)s records) were linked at a score of %(threshold)s or more.",
            groups=groups, records=records, threshold=threshold), "success")
    return _back_to_reconcile()


# -- import ---------------------------------------------------------------------------
def _upload_folder():
    folder = Path(current_app.instance_path) / "uploads" / "organisations"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _uploaded(token):
    if not token or not token.isalnum() or len(token) > 64:
        return None
    matches = list(_upload_folder().glob(f"{token}.*"))
    return matches[0] if matches else None


@bp.route("/organisations/import", methods=["GET", "POST"])
@role_required(*CURATORS)
def import_page():
    form = ImportForm()
    if request.method == "GET":
        return render_template("organisations/import.html", form=form, plan=None, token="")
    if not form.validate_on_submit():
        abort(400)
    mode = form.mode.data if form.mode.data in importer.MODE_LABELS else "update"
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        form.file.errors = [_("Choose a file.")]
        return render_template("organisations/import.html", form=form, plan=None, token=""), 422
    suffix = ".xlsx" if upload.filename.lower().endswith(".xlsx") else ".csv"
    token = secrets.token_hex(16)
    path = _upload_folder() / f"{token}{suffix}"
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 20 * 1024 * 1024
    data = upload.read(limit + 1)
    if len(data) > limit:
        form.file.errors = [_("The file is too large.")]
        return render_template("organisations/import.html", form=form, plan=None, token=""), 422
    path.write_bytes(data)
    try:
        plan = importer.plan(path, mode, name=upload.filename)
    except importer.ImportFileError as exc:
        path.unlink(missing_ok=True)
        form.file.errors = [str(exc)]
        return render_template("organisations/import.html", form=form, plan=None, token=""), 422
    return render_template("organisations/import.html", form=form, plan=plan, token=token, mode=mode,
                           filename=upload.filename[:200], types=TYPES)


@bp.post("/organisations/import/confirm")
@role_required(*CURATORS)
def import_confirm():
    form = ImportForm()
    if not form.validate_on_submit():
        abort(400)
    path = _uploaded(request.form.get("token", ""))
    mode = request.form.get("mode", "update")
    if path is None or mode not in importer.MODE_LABELS:
        flash(_("This import has expired; upload the file again."), "error")
        return redirect(url_for("organisations.import_page"))
    try:
        plan = importer.apply(path, mode, current_user.id, name=path.name)
    except importer.ImportFileError as exc:
        flash(str(exc), "error")
        return redirect(url_for("organisations.import_page"))
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
    flash(_("Import done: %(created)s created, %(updated)s updated, %(rejected)s rows not imported.",
            created=plan.count("create"), updated=plan.count("update"), rejected=plan.rejected), "success")
    return render_template("organisations/import.html", form=ImportForm(), plan=plan, token="", mode=mode,
                           done=True, filename="", types=TYPES)
