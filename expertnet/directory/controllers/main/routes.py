"""The pages: home, search results, a profile, and the language switch."""

from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from expertnet.core import (
    access,
    audit,
    signals,
    vocab,
)
from expertnet.core.i18n import LANGUAGE_COOKIE, current_language
from expertnet.directory import finder
from expertnet.directory.controllers.main import bp
from expertnet.directory.controllers.profiles import actions
from expertnet.taxonomy import fields as seed
from expertnet.taxonomy import (
    hometowns,
)
from expertnet.taxonomy import (
    store as catalog,
)
from expertnet.web.guards import safe_next

ONE_YEAR = 365 * 24 * 3600


@bp.get("/")
def index():
    taxonomy = catalog.load()
    found = finder.find(finder.Criteria(filters={}, per_page=1), with_facets=True)
    counts = {
        "experts": found.total,
        "countries": len([code for code in found.facets["country"] if code != "VN"]),
        "diaspora": found.facets["kind"].get("diaspora", 0),
    }
    priority = [taxonomy.fields[code] for code in seed.PRIORITY_CODES if code in taxonomy.fields]
    return render_template("main/index.html", counts=counts, priority=priority,
                           field_counts=found.facets["field"])


@bp.get("/search")
def search_page():
    taxonomy = catalog.load()
    try:
        criteria = finder.parse_criteria(request.args, taxonomy)
    except finder.BadParameter as exc:
        return render_template("main/search.html", error=exc, criteria=None, found=None,
                               taxonomy=taxonomy), 400
    found = finder.find(criteria)
    return render_template("main/search.html", error=None, criteria=criteria, found=found,
                           taxonomy=taxonomy, sorts=finder.SORTS)


@bp.get("/fields")
def browse_fields():
    """The taxonomy with the number of experts the reader may see, per field and kind."""
    taxonomy = catalog.load()
    totals = finder.find(finder.Criteria(filters={}, per_page=1)).facets["field"]
    by_kind = {kind: finder.find(finder.Criteria(filters={"kind": [kind]}, per_page=1)).facets["field"]
               for kind in vocab.KINDS}
    return render_template("main/fields.html", taxonomy=taxonomy, totals=totals, by_kind=by_kind)


@bp.get("/experts/<int:expert_id>")
def profile(expert_id):
    viewer = access.current_viewer()
    expert = finder.get_visible(expert_id, viewer)
    if expert is None:
        target = finder.merged_target(expert_id, viewer)
        if target is None:
            abort(404)
        # A merged-away profile's address leads to the kept one, for good.
        return redirect(url_for("main.profile", expert_id=target), code=301)
    taxonomy = catalog.load()
    language = current_language()
    other = "en" if language == "vi" else "vi"
    fields = [taxonomy.fields[code] for code in expert.codes if code in taxonomy.fields]
    contact = access.visible_contact_fields(viewer, expert)
    audit.contact_view(viewer, expert, contact, source="screen")
    return render_template(
        "main/profile.html", expert=expert, taxonomy=taxonomy, fields=fields,
        bio=getattr(expert, f"bio_{language}"), other_bio=getattr(expert, f"bio_{other}"),
        other_language=other, contact=contact,
        hometown_other=hometowns.other_scheme(expert.hometown),
        linked_data=person_linked_data(expert, fields, contact, language),
        # What modules above the directory show on the profile (affiliations…).
        sections=signals.sections_list(signals.profile_sections.send(
            expert.id, viewer=viewer, language=language)),
        actions=profile_actions(viewer, expert),
        # What other modules keep about the profile (its verification, delegates,
        # engagements and cooperation history), each for the readers it allows.
        **profile_sections(viewer, expert))


def profile_actions(viewer, expert):
    """The action bar: each role's tools on the profile (``profiles.actions``)."""

    user = current_user if current_user.is_authenticated else None
    return actions.for_profile(viewer, user, expert)


def profile_sections(viewer, expert):
    """The page's sections other modules fill (``profile_page``): ``None`` for each
    section a module holds back from this reader."""
    sections = {}
    for answer in signals.answers_of(signals.profile_page.send(expert, viewer=viewer)):
        sections.update(answer)
    return sections


def person_linked_data(expert, fields, contact, language):
    """schema.org ``Person`` for other systems, holding only what this reader may see."""
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": expert.full_name,
        "url": url_for("main.profile", expert_id=expert.id, _external=True),
        "knowsAbout": [field.name(language) for field in fields] + list(expert.keywords),
        "knowsLanguage": list(expert.languages),
    }
    if expert.other_names:
        data["alternateName"] = list(expert.other_names)
    if expert.position:
        data["jobTitle"] = expert.position
    if expert.organization:
        data["affiliation"] = {"@type": "Organization", "name": expert.organization}
    if expert.title or expert.degree:
        prefixes = [str(vocab.TITLE_ABBREVIATIONS.get(expert.title, "")),
                    str(vocab.DEGREE_ABBREVIATIONS.get(expert.degree, ""))]
        data["honorificPrefix"] = " ".join(prefix for prefix in prefixes if prefix)
    if expert.country:
        address = {"@type": "PostalAddress", "addressCountry": expert.country}
        if expert.city:
            address["addressLocality"] = expert.city
        data["homeLocation"] = {"@type": "Place", "address": address}
    same_as = [f"https://orcid.org/{expert.orcid}"] if expert.orcid else []
    same_as += [expert.website] if expert.website else []
    if same_as:
        data["sameAs"] = same_as
    if "email" in contact and expert.email:
        data["email"] = f"mailto:{expert.email}"
    if "phone" in contact and expert.phone:
        data["telephone"] = expert.phone
    description = getattr(expert, f"bio_{language}") or expert.bio_vi or expert.bio_en
    if description:
        data["description"] = description[:500]
    return data


@bp.get("/lang/<code>")
def set_language(code):
    """Remember the reader's language. Only a preference cookie changes; nothing is
    written on the server."""
    if code not in current_app.config["LANGUAGES"]:
        code = current_app.config["BABEL_DEFAULT_LOCALE"]
    response = make_response(redirect(safe_next(request.args.get("next"), url_for("main.index"))))
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=ONE_YEAR, samesite="Lax",
                        secure=request.is_secure, httponly=True)
    return response


@bp.app_template_global()
def search_url(criteria=None, add=None, remove=None, **changes):
    """The search URL for ``criteria`` changed by ``add=(name, value)`` or
    ``remove=(name, value)`` (one filter value) and ``name=value`` (``None`` removes
    it). Every filter stays in the URL, so a search is a link a colleague can open;
    the page is kept only when given, so changing a filter goes back to page 1."""
    args = {}
    if criteria is not None:
        if criteria.q:
            args["q"] = criteria.q
        for name, values in criteria.filters.items():
            args[name] = list(values)
        if criteria.sort != "relevance":
            args["sort"] = criteria.sort
        if criteria.per_page != current_app.config["SEARCH_PER_PAGE"]:
            args["per_page"] = criteria.per_page
        if criteria.literal:
            args["literal"] = 1
        if criteria.ignore:
            args["ignore"] = list(criteria.ignore)
        # What a saved search understood stays while its words do.
        if criteria.only is not None and "q" not in changes:
            args["understood"] = ",".join(criteria.only) or "-"
    if add:
        args[add[0]] = [*args.get(add[0], []), add[1]]
    if remove:
        args[remove[0]] = [value for value in args.get(remove[0], []) if value != remove[1]]
    args.update(changes)
    if args.get("page") == 1:
        del args["page"]
    return url_for("main.search_page",
                   **{name: value for name, value in args.items() if value not in (None, "", [])})
