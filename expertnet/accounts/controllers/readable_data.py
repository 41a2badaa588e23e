"""The data download as a page a person reads: the same facts as
``subject.export`` (the JSON), section by section, as summary lists (label: value) in the
reader's language, with dates and times through the same Babel helpers as every page.

Nothing is read here beyond the export itself: the page cannot show more (or other
people's) data than the JSON holds."""
from expertnet.accounts import consent
from expertnet.core import places, vocab
from expertnet.core.i18n import _l, _lp, current_language, format_day, format_moment
from expertnet.directory.editing import display

# Every section of the export, in the order a person looks for them. A key of the
# export missing here would not be shown: tests/test_readable_data.py checks both agree.
SECTIONS = {
    "account": _l("My account"),
    "registration": _l("My registration"),
    "profile": _l("My profile"),
    "consents": _l("My consents and their history"),
    "contact_views": _l("Who saw my contact details"),
    "contact_requests": _l("Contact requests"),
    "review_proposals": _l("Changes proposed to a curator"),
    "engagements": _l("Work with the city"),
    "events": _l("Events"),
    "delegations": _l("Delegations"),
    "agreements": _l("Cooperation agreements"),
    "orcid_records": _l("ORCID records read"),
    "delegates": _l("People who edit my profile on my behalf"),
    "delegated_profiles": _l("Profiles I edit on someone's behalf"),
    "deletion_requests": _l("My deletion requests"),
    "affiliations": _l("My affiliations"),
    "trainings_taught": _l("Training courses I taught"),
    "councils": _l("Councils I was invited to"),
    "technology_offers": _l("Technology offers I take part in"),
    "audit": _l("Everything recorded about my profile"),
}
# ``generated_at`` is the page's own date, shown under its title.
NOT_A_SECTION = ("generated_at",)

LABELS = {
    "email": _l("E-mail address"), "role": _l("Role"), "language": _l("Language"),
    "created_at": _l("Created on"), "last_login_at": _l("Last signed in"),
    "confirmed_at": _l("Confirmed on"), "status": _l("State"),
    "wanted_visibility": _l("Visibility asked for"), "decided_at": _l("Decided on"),
    "reason": _l("Reason"), "purpose": _l("Purpose"), "granted": _l("Decision"),
    "notice_version": _l("Version of the notice"), "when": _l("When"),
    "by_role": _l("By"), "source": _l("From"), "changes": _l("Changes"),
    "who": _l("Who"), "fields": _l("Details seen"), "proposed": _l("Proposed values"),
    "department": _l("Department"), "need": _l("Need"), "message": _l("Message"),
    "revoked_at": _l("Withdrawn on"), "channel": _l("Through"),
    "shared": _l("Details shared"), "note": _l("Note"), "kind": _l("Kind of activity"),
    "title": _l("Title"), "starts_on": _l("Starts on"), "ends_on": _l("Last day"),
    "outcome": _lp("engagement", "Outcome"), "attachments": _l("Attachments"), "event": _l("Event"),
    "attendance": _l("Attendance"), "invited_at": _l("Invited on"),
    "answered_at": _l("Answered on"), "delegation": _l("Delegation"),
    "direction": _l("Direction"), "country": _l("Country"), "agreement": _l("Agreement"),
    "partner": _l("Partner"), "signed_on": _l("Signed on"), "orcid": _l("ORCID iD"),
    "read_at": _l("Read on"), "applied_at": _l("Applied on"),
    "applied_fields": _l("Fields applied"), "record": _l("Record kept"),
    "since": _l("Since"), "handled_at": _l("Handled on"), "id": _l("Profile number"),
    "updated_at": _l("Updated on"), "version": _l("Version"),
    "owner_confirmed_at": _l("Confirmed by me on"), "action": _l("What"),
    "phone": _l("Phone"),
    "organisation": _l("Organisation"), "from": _l("From year"), "until": _l("Until year"),
    "topic": _l("Topic"), "council": _l("Council"), "declaration_version": _l("Version of the declaration"),
    "declared_at": _l("Declared on"), "offer": _l("Technology offer"),
}
# Codes a reader knows by name, per section (a code not found is shown as it is).
CODE_NAMES = {
    "role": vocab.ROLES, "by_role": vocab.ROLES, "wanted_visibility": vocab.VISIBILITY,
    "direction": vocab.MISSION_DIRECTIONS,
    ("consents", "purpose"): consent.PURPOSES,
    ("contact_requests", "purpose"): vocab.AVAILABILITY,
    ("contact_requests", "status"): vocab.CONTACT_STATES,
    ("events", "status"): vocab.INVITATION_STATUSES, ("events", "role"): vocab.EVENT_ROLES,
    ("events", "kind"): vocab.EVENT_KINDS, ("events", "attendance"): vocab.ATTENDANCE,
    ("engagements", "kind"): vocab.ENGAGEMENT_KINDS,
    ("delegations", "role"): vocab.MISSION_ROLES,
    ("agreements", "status"): vocab.AGREEMENT_STATUSES,
}
DELETION_STATES = {"pending": _l("waiting for a curator"), "done": _l("profile deleted"),
                   "refused": _l("refused")}
CONSENT_DECISIONS = {True: _l("given"), False: _l("withdrawn")}


def sections(data, profile_labels):
    """``[(title, [rows])]`` for every section of ``data`` (``subject.export``): a row is
    a list of ``(label, value)``; a value is text or, for a nested record, rows again.
    ``profile_labels``: the profile form's labels per column."""
    language = current_language()
    result = []
    for key, title in SECTIONS.items():
        value = data.get(key)
        if key == "profile":
            rows = [_profile_rows(value, profile_labels, language)] if value else []
        elif key == "delegated_profiles":
            rows = [[(_l("Profile number"), str(number))] for number in value or ()]
        elif isinstance(value, dict):
            rows = [_rows(key, value, profile_labels, language)]
        else:
            rows = [_rows(key, item, profile_labels, language) for item in value or ()]
        result.append((title, rows))
    return result


def _profile_rows(profile, labels, language):
    rows = []
    for name, value in profile.items():
        if name in labels:
            rows.append((labels[name], display(name, value, language)))
        elif name == "source":
            rows.append((LABELS["source"], value or ""))
        else:
            rows.append((LABELS.get(name, name), _value(None, name, value, labels, language)))
    return rows


def _rows(section, record, labels, language):
    rows = []
    for name, value in record.items():
        if section == "audit" and name == "changes" and record.get("action") != "contact.view":
            shown = _changes(value or {}, labels, language)
        else:
            shown = _value(section, name, value, labels, language)
        rows.append((LABELS.get(name) or labels.get(name) or name, shown))
    return rows


def _changes(changes, labels, language):
    """An audit entry's changes: per field, what it held → what it holds after."""
    rows = []
    for name, value in changes.items():
        if name in labels and isinstance(value, list) and len(value) == 2:
            shown = " → ".join(display(name, item, language) or "–" for item in value)
        else:
            shown = _value("audit", name, value, labels, language)
        rows.append((labels.get(name) or LABELS.get(name) or name, shown))
    return rows


def _value(section, name, value, labels, language):
    """One value as a reader writes it: a date or moment through the Babel helpers, a
    code by its name, a nested record as rows."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, dict):
        return [(labels.get(key) or LABELS.get(key) or key,
                 _value(section, key, item, labels, language)) for key, item in value.items()]
    if isinstance(value, list):
        if all(isinstance(item, dict) for item in value):
            return [(str(index), _value(section, name, item, labels, language))
                    for index, item in enumerate(value, 1)]
        if (section in ("contact_views", "audit") and name == "fields") or name == "shared":
            return ", ".join(str(LABELS.get(item, item)) for item in value)
        return "; ".join(str(item) for item in value)
    if isinstance(value, bool):
        return str(CONSENT_DECISIONS[value]) if section == "consents" else str(value)
    if name.endswith("_at") or name in ("when", "since"):
        return format_moment(value)
    if name.endswith("_on"):
        return format_day(value)
    if name == "language":
        return places.language_name(value, language)
    if section == "deletion_requests" and name == "status":
        return str(DELETION_STATES.get(value, value))
    names = CODE_NAMES.get((section, name)) or CODE_NAMES.get(name)
    if names and value in names:
        return str(names[value])
    return str(value)
