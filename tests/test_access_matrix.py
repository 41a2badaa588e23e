"""Who may do what, route by route: every rule of the URL map is walked for each role,
so a new route cannot escape; then every channel is searched for profile ids a role
must not see."""
import datetime
import io
import json
import re

import pytest
from conftest import PASSWORD, add_profile, log_in, module_snapshot, new_user

from expertnet.accounts import (
    delegates,
)
from expertnet.accounts import (
    users as accounts,
)
from expertnet.accounts.models import ApiToken, DeletionRequest, PendingChange, Registration, User
from expertnet.cooperation import agreements, attachments, events, officials_abroad, trainings
from expertnet.cooperation import engagements as engagement_records
from expertnet.cooperation import missions as delegations
from expertnet.cooperation.models import EventInvitation
from expertnet.core import access
from expertnet.core.access import viewer_for
from expertnet.core.db import utcnow
from expertnet.core.models import Audit, MailMessage
from expertnet.councils import operations as council_operations
from expertnet.councils.models import CouncilMeeting, CouncilMember, CouncilPaperDeclaration
from expertnet.curation import (
    jobs,
    orcid,
)
from expertnet.curation.models import ImportBatch, ImportRow, Job
from expertnet.directory import writes
from expertnet.directory.models import Expert
from expertnet.notifications import inbox as notifications
from expertnet.organisations import representatives
from expertnet.organisations import writes as organisation_writes
from expertnet.organisations.models import Organisation
from expertnet.outreach import needs as records
from expertnet.outreach import saved_searches, shortlists
from expertnet.outreach.models import ContactBlock, ContactRequest
from expertnet.programme import budget, indicators
from expertnet.programme import reports as programme_reports
from expertnet.programme.models import Indicator
from expertnet.technology import brokers as technology_brokers
from expertnet.technology import connections as technology_connections
from expertnet.technology import demands as technology_demands
from expertnet.technology import offers as technology_offers

# "delegate": an expert account without a profile of its own, named by a curator to edit
# the owner's profile on the owner's behalf.
ROLES = ("anonymous", "owner", "other_expert", "official", "curator", "admin", "delegate")
EVERYONE = dict.fromkeys(ROLES)


def same(status):
    return dict.fromkeys(ROLES, status)


def logged_in(anonymous, others):
    return {"anonymous": anonymous, **dict.fromkeys(ROLES[1:], others)}


def only(allowed, status_allowed, status_denied, anonymous=302):
    return {"anonymous": anonymous,
            **{role: status_allowed if role in allowed else status_denied for role in ROLES[1:]}}


# The owner's profile is visible to curators only: the owner, its delegate, curators and
# admins see it.
OWN_PROFILE = {"anonymous": 404, "owner": 200, "other_expert": 404, "official": 404,
               "curator": 200, "admin": 200, "delegate": 200}

NEED_ROLES = {"official", "curator", "admin"}
CURATORS = {"curator", "admin"}
NEED_WORK = only(NEED_ROLES, 200, 403)
BROKERS = {"curator", "admin"}
EXPERT_SIDE = only({"owner", "other_expert"}, 200, 404)
OWNER_SIDE = only({"owner"}, 302, 404)

# (endpoint, method) → expected status per role. A route missing here fails the test.
EXPECTED = {
    ("main.index", "GET"): same(200),
    ("main.search_page", "GET"): same(200),
    ("main.browse_fields", "GET"): same(200),
    ("main.profile", "GET"): OWN_PROFILE,
    ("main.set_language", "GET"): same(302),
    ("api.experts", "GET"): same(200),
    ("api.expert", "GET"): OWN_PROFILE,
    ("api.fields", "GET"): same(200),
    ("api.suggest", "GET"): same(200),
    ("api.openapi_document", "GET"): same(200),
    ("auth.login", "GET"): same(200),
    ("auth.login", "POST"): same(200),  # empty credentials: the form again
    ("auth.logout", "POST"): same(302),
    ("account.home", "GET"): logged_in(302, 200),
    ("account.password", "GET"): logged_in(302, 200),
    ("account.password", "POST"): logged_in(302, 200),  # empty form: errors shown
    ("account.language", "POST"): logged_in(302, 302),
    ("account.tokens", "GET"): logged_in(302, 200),
    ("account.tokens", "POST"): logged_in(302, 200),
    ("account.revoke_token", "POST"): only({"admin"}, 302, 404),  # the admin's own token
    ("admin.users", "GET"): only({"admin"}, 200, 403),
    ("admin.users", "POST"): only({"admin"}, 200, 403),
    ("admin.deactivate", "POST"): only({"admin"}, 302, 403),
    ("admin.reactivate", "POST"): only({"admin"}, 302, 403),
    ("admin.change_role", "POST"): only({"admin"}, 302, 403),
    ("admin.audit_log", "GET"): only({"admin", "curator"}, 200, 403),
    # Self-service: the owner and curators edit; for anyone else the (curators-only)
    # profile does not exist. An empty POST shows the form again with its errors.
    ("profiles.edit", "GET"): {**OWN_PROFILE, "anonymous": 302},
    ("profiles.edit", "POST"): {**OWN_PROFILE, "anonymous": 302},
    ("profiles.consent_page", "GET"): {**OWN_PROFILE, "anonymous": 302},
    # Only the person decides; the matrix posts no purpose, hence the owner's 400.
    ("profiles.consent_page", "POST"): {"anonymous": 302, "owner": 400, "other_expert": 404,
                                        "official": 404, "curator": 403, "admin": 403,
                                        "delegate": 403},
    ("profiles.my_data", "GET"): logged_in(302, 200),
    ("profiles.my_data_page", "GET"): logged_in(302, 200),
    ("profiles.privacy", "GET"): logged_in(302, 200),
    # Experts ask for their own profile's deletion (both experts own one); no id to change.
    ("profiles.request_deletion", "POST"): {"anonymous": 302, "owner": 302, "other_expert": 302,
                                            "official": 404, "curator": 404, "admin": 404,
                                            "delegate": 404},
    ("profiles.deletions", "GET"): only({"admin", "curator"}, 200, 403),
    ("profiles.confirm_deletion", "POST"): only({"admin", "curator"}, 302, 403),
    ("profiles.refuse_deletion", "POST"): only({"admin", "curator"}, 302, 403),
    # Curators invite (an empty POST shows the form again); the owner may see the
    # profile but not invite, anyone else does not see it.
    ("profiles.invite", "GET"): {"anonymous": 302, "owner": 403, "other_expert": 404,
                                 "official": 404, "curator": 200, "admin": 200, "delegate": 403},
    ("profiles.invite", "POST"): {"anonymous": 302, "owner": 403, "other_expert": 404,
                                  "official": 404, "curator": 200, "admin": 200, "delegate": 403},
    # A link that is not a valid invitation does not exist, for everyone.
    ("profiles.claim", "GET"): same(404),
    ("profiles.claim", "POST"): same(404),
    ("profiles.my_profile", "GET"): {"anonymous": 302, "owner": 302, "other_expert": 302,
                                     "official": 404, "curator": 404, "admin": 404,
                                     "delegate": 404},
    # The review queue and a profile's history: curators only. The matrix posts no
    # version, hence the curators' 400 on accept and restore; a reason is optional.
    ("profiles.reviews_queue", "GET"): only({"admin", "curator"}, 200, 403),
    ("profiles.review", "GET"): only({"admin", "curator"}, 200, 403),
    ("profiles.accept_review", "POST"): only({"admin", "curator"}, 400, 403),
    ("profiles.reject_review", "POST"): only({"admin", "curator"}, 302, 403),
    ("profiles.history", "GET"): only({"admin", "curator"}, 200, 403),
    ("profiles.restore", "POST"): only({"admin", "curator"}, 400, 403),
    ("profiles.confirm", "POST"): only({"admin", "curator"}, 302, 403),
    # Mail is not configured here: asking for a reset or registering shows a page that
    # says so, to everyone. Links that are not valid tokens do not exist.
    ("auth.reset_request", "GET"): same(200),
    ("auth.reset_request", "POST"): same(200),
    ("auth.reset_password", "GET"): same(404),
    ("auth.reset_password", "POST"): same(404),
    ("auth.register", "GET"): same(200),
    ("auth.register", "POST"): same(200),
    ("auth.confirm_registration", "GET"): same(404),
    ("auth.confirm_registration", "POST"): same(404),
    ("profiles.check_profile", "GET"): same(404),
    ("profiles.check_profile", "POST"): same(404),
    # Admins set a password (the matrix posts none: the form again).
    ("admin.set_password", "GET"): only({"admin"}, 200, 403),
    ("admin.set_password", "POST"): only({"admin"}, 200, 403),
    # The registration queue and the stale list: curators. Rejecting needs a reason.
    ("profiles.registrations_queue", "GET"): only({"admin", "curator"}, 200, 403),
    ("profiles.approve_registration", "POST"): only({"admin", "curator"}, 302, 403),
    ("profiles.reject_registration", "POST"): only({"admin", "curator"}, 400, 403),
    ("profiles.stale_profiles", "GET"): only({"admin", "curator"}, 200, 403),
    # "Still correct" about one's own profile: no id to change; accounts without one 404.
    ("profiles.still_correct", "POST"): {"anonymous": 302, "owner": 302, "other_expert": 302,
                                         "official": 404, "curator": 404, "admin": 404,
                                         "delegate": 404},
    # Imports in the browser: curators only. The matrix's batch is in its preview; the
    # column mapping and the rollback page lead back to it; commit, rollback and
    # discard need a posted confirm=1 (400 without); an empty upload shows the form.
    ("curate.imports", "GET"): only({"admin", "curator"}, 200, 403),
    ("curate.imports", "POST"): only({"admin", "curator"}, 200, 403),
    ("curate.import_columns", "GET"): only({"admin", "curator"}, 302, 403),
    ("curate.import_columns", "POST"): only({"admin", "curator"}, 302, 403),
    ("curate.import_batch", "GET"): only({"admin", "curator"}, 200, 403),
    ("curate.import_status", "GET"): only({"admin", "curator"}, 200, 403),
    ("curate.import_decisions", "POST"): only({"admin", "curator"}, 302, 403),
    ("curate.import_row", "GET"): only({"admin", "curator"}, 200, 403),
    ("curate.import_row", "POST"): only({"admin", "curator"}, 200, 403),
    # The batch-wide correction page. The matrix's post to import_row (routed before it)
    # emptied the staged row's cells, so the row is invalid and stays on the page (200).
    ("curate.import_corrections", "GET"): only({"admin", "curator"}, 200, 403),
    ("curate.import_corrections", "POST"): only({"admin", "curator"}, 200, 403),
    ("curate.import_options", "POST"): only({"admin", "curator"}, 302, 403),
    ("curate.import_commit", "POST"): only({"admin", "curator"}, 400, 403),
    ("curate.import_rollback", "GET"): only({"admin", "curator"}, 302, 403),
    ("curate.import_rollback", "POST"): only({"admin", "curator"}, 400, 403),
    ("curate.import_discard", "POST"): only({"admin", "curator"}, 400, 403),
    # Exports: a search for the roles that work with the directory; a vCard for anyone
    # signed in who sees the profile; both after a recent password (the matrix has just
    # logged in). Confirming the password is for signed-in accounts (empty: form again).
    ("downloads.search_export", "GET"): only({"official", "curator", "admin"}, 200, 403),
    ("downloads.vcard", "GET"): {**OWN_PROFILE, "anonymous": 302},
    ("auth.confirm", "GET"): logged_in(302, 200),
    ("auth.confirm", "POST"): logged_in(302, 200),
    # The data quality page and its lists: curators only; a bulk action without a
    # selection is refused (400).
    ("curate.quality_page", "GET"): only({"admin", "curator"}, 200, 403),
    ("curate.quality_list", "GET"): only({"admin", "curator"}, 200, 403),
    ("curate.quality_bulk", "POST"): only({"admin", "curator"}, 400, 403),
    # Duplicates and merges: curators only. The matrix posts no versions, hence the
    # curators' 400 on merge; a dismissal or a new search needs nothing more.
    ("curate.duplicates_list", "GET"): only({"admin", "curator"}, 200, 403),
    ("curate.refresh", "POST"): only({"admin", "curator"}, 302, 403),
    ("curate.compare", "GET"): only({"admin", "curator"}, 200, 403),
    ("curate.merge", "POST"): only({"admin", "curator"}, 400, 403),
    ("curate.dismiss", "POST"): only({"admin", "curator"}, 302, 403),
    # The bilingual term list: curators only; the matrix posts no pair nor decision (400).
    ("curate.terms_page", "GET"): only({"admin", "curator"}, 200, 403),
    ("curate.terms_decide", "POST"): only({"admin", "curator"}, 400, 403),
    # Needs: officials, curators and admins work with them; the matrix's need
    # belongs to the official (curators and admins see every need). An empty POST shows
    # the form again with its errors.
    ("needs.index", "GET"): NEED_WORK,
    ("needs.new", "GET"): NEED_WORK,
    ("needs.new", "POST"): NEED_WORK,
    ("needs.show", "GET"): NEED_WORK,
    ("needs.edit", "GET"): NEED_WORK,
    ("needs.edit", "POST"): NEED_WORK,
    ("needs.proposal", "GET"): NEED_WORK,
    ("needs.close", "POST"): only(NEED_ROLES, 302, 403),
    ("needs.reopen", "POST"): only(NEED_ROLES, 302, 403),
    # The shortlist of that need: the matrix posts no expert and no direction (400).
    ("needs.shortlist_add", "POST"): only(NEED_ROLES, 400, 403),
    ("needs.shortlist_move", "POST"): only(NEED_ROLES, 400, 403),
    ("needs.shortlist_note", "POST"): only(NEED_ROLES, 302, 403),
    ("needs.shortlist_remove", "POST"): only(NEED_ROLES, 302, 403),
    ("needs.shortlist_print", "GET"): NEED_WORK,
    ("admin.change_department", "POST"): only({"admin"}, 302, 403),
    # Contact requests: the official's side on a need (the matrix's expert shows every
    # contact detail already, hence the 409), the expert's side on /account/requests
    # (experts with a profile only; the request and block are about the owner's profile).
    ("contacts.ask", "GET"): NEED_WORK,
    ("contacts.ask", "POST"): only(NEED_ROLES, 409, 403),
    ("contacts.my_requests", "GET"): EXPERT_SIDE,
    ("contacts.accept", "POST"): OWNER_SIDE,
    ("contacts.decline", "POST"): OWNER_SIDE,
    ("contacts.revoke", "POST"): OWNER_SIDE,
    ("contacts.block_department", "POST"): OWNER_SIDE,
    ("contacts.block_everyone", "POST"): only({"owner", "other_expert"}, 302, 404),
    ("contacts.remove_block", "POST"): OWNER_SIDE,
    # Through the Department: only officials ask (curators see every detail already;
    # the matrix's expert has none hidden, hence the 409); only curators and admins work
    # the queue (the matrix posts no outcome: 400).
    ("contacts.ask_department", "GET"): only({"official"}, 200, 403),
    ("contacts.ask_department", "POST"): only({"official"}, 409, 403),
    ("contacts.sent", "GET"): NEED_WORK,
    ("contacts.department_queue", "GET"): only({"curator", "admin"}, 200, 403),
    ("contacts.department_outcome", "GET"): only({"curator", "admin"}, 200, 403),
    ("contacts.department_outcome", "POST"): only({"curator", "admin"}, 400, 403),
    # Engagements (of a public profile, recorded by the official): officials, curators
    # and admins read them; their author and curators change them. An empty POST shows
    # the form again; an upload without a file is a 400.
    ("engagements.index", "GET"): NEED_WORK,
    ("engagements.new", "GET"): NEED_WORK,
    ("engagements.new", "POST"): NEED_WORK,
    ("engagements.show", "GET"): NEED_WORK,
    ("engagements.edit", "GET"): NEED_WORK,
    ("engagements.edit", "POST"): NEED_WORK,
    ("engagements.delete", "POST"): only(NEED_ROLES, 302, 403),
    ("engagements.attach", "POST"): only(NEED_ROLES, 400, 403),
    ("engagements.download", "GET"): NEED_WORK,
    ("engagements.detach", "POST"): only(NEED_ROLES, 302, 403),
    ("engagements.report", "GET"): NEED_WORK,
    ("engagements.report_xlsx", "GET"): NEED_WORK,
    # Delegates: the owner and the delegate read the list; curators add (an empty POST
    # shows the form again) and remove (the matrix removes the target's delegation).
    ("profiles.delegates_page", "GET"): {**OWN_PROFILE, "anonymous": 302},
    ("profiles.delegates_page", "POST"): {"anonymous": 302, "owner": 403, "other_expert": 404,
                                          "official": 404, "curator": 200, "admin": 200,
                                          "delegate": 403},
    ("profiles.remove_delegate", "POST"): only({"admin", "curator"}, 302, 403),
    # The statistics dashboard and its CSV downloads: officials, curators and admins.
    ("statistics.page", "GET"): NEED_WORK,
    ("statistics.chart_csv", "GET"): NEED_WORK,
    # Events, delegations and agreements: officials, curators and admins
    # read them; their author (the official), colleagues and curators change them. Empty
    # forms come back with their errors; actions without their values are 400s (no
    # expert, no reply, an unknown role, no follow-up text, no file); the matrix deletes
    # records made for that. Experts answer their own invitations only.
    ("programme.event_list", "GET"): NEED_WORK,
    ("programme.event_new", "GET"): NEED_WORK,
    ("programme.event_new", "POST"): NEED_WORK,
    ("programme.event", "GET"): NEED_WORK,
    ("programme.event_edit", "GET"): NEED_WORK,
    ("programme.event_edit", "POST"): NEED_WORK,
    ("programme.event_delete", "POST"): only(NEED_ROLES, 302, 403),
    ("programme.event_invite", "GET"): NEED_WORK,
    ("programme.event_invite_post", "POST"): only(NEED_ROLES, 400, 403),
    ("programme.invitation_reply", "POST"): only(NEED_ROLES, 400, 403),
    ("programme.invitation_attendance", "POST"): only(NEED_ROLES, 302, 403),
    ("programme.invitation_role", "POST"): only(NEED_ROLES, 400, 403),
    ("programme.my_events", "GET"): EXPERT_SIDE,
    ("programme.my_event_accept", "POST"): OWNER_SIDE,
    ("programme.my_event_decline", "POST"): OWNER_SIDE,
    ("programme.delegation_list", "GET"): NEED_WORK,
    ("programme.delegation_new", "GET"): NEED_WORK,
    ("programme.delegation_new", "POST"): NEED_WORK,
    ("programme.delegation", "GET"): NEED_WORK,
    ("programme.delegation_edit", "GET"): NEED_WORK,
    ("programme.delegation_edit", "POST"): NEED_WORK,
    ("programme.delegation_delete", "POST"): only(NEED_ROLES, 302, 403),
    ("programme.delegation_add_expert", "POST"): only(NEED_ROLES, 400, 403),
    ("programme.delegation_remove_expert", "POST"): only(NEED_ROLES, 302, 403),
    ("programme.delegation_follow_up", "POST"): only(NEED_ROLES, 400, 403),
    ("programme.delegation_follow_up_done", "POST"): only(NEED_ROLES, 302, 403),
    ("programme.agreement_list", "GET"): NEED_WORK,
    ("programme.agreement_new", "GET"): NEED_WORK,
    ("programme.agreement_new", "POST"): NEED_WORK,
    ("programme.agreement", "GET"): NEED_WORK,
    ("programme.agreement_edit", "GET"): NEED_WORK,
    ("programme.agreement_edit", "POST"): NEED_WORK,
    ("programme.agreement_delete", "POST"): only(NEED_ROLES, 302, 403),
    ("programme.agreement_add_expert", "POST"): only(NEED_ROLES, 400, 403),
    ("programme.agreement_remove_expert", "POST"): only(NEED_ROLES, 302, 403),
    ("programme.agreement_link", "POST"): only(NEED_ROLES, 400, 403),
    ("programme.agreement_unlink", "POST"): only(NEED_ROLES, 302, 403),
    ("programme.agreement_attach", "POST"): only(NEED_ROLES, 400, 403),
    ("programme.agreement_download", "GET"): NEED_WORK,
    ("programme.agreement_detach", "POST"): only(NEED_ROLES, 302, 403),
    # Training courses, officials abroad and councils: officials, curators and admins; an
    # empty POST shows the form again (200) or is refused as bad input (400); inviting a
    # council whose checks fail is a 409. Experts answer their own council invitations.
    ("trainings.index", "GET"): NEED_WORK,
    ("trainings.new", "GET"): NEED_WORK,
    ("trainings.new", "POST"): NEED_WORK,
    ("trainings.show", "GET"): NEED_WORK,
    ("trainings.edit", "GET"): NEED_WORK,
    ("trainings.edit", "POST"): NEED_WORK,
    ("trainings.delete", "POST"): only(NEED_ROLES, 302, 403),
    ("trainings.add_lecturer", "POST"): only(NEED_ROLES, 400, 403),
    ("trainings.remove_lecturer", "POST"): only(NEED_ROLES, 302, 403),
    ("trainings.attach", "POST"): only(NEED_ROLES, 400, 403),
    ("trainings.download", "GET"): NEED_WORK,
    ("trainings.detach", "POST"): only(NEED_ROLES, 302, 403),
    ("officials_abroad.index", "GET"): NEED_WORK,
    ("officials_abroad.new", "GET"): NEED_WORK,
    ("officials_abroad.new", "POST"): NEED_WORK,
    ("officials_abroad.show", "GET"): NEED_WORK,
    ("officials_abroad.edit", "GET"): NEED_WORK,
    ("officials_abroad.edit", "POST"): NEED_WORK,
    ("officials_abroad.delete", "POST"): only(NEED_ROLES, 302, 403),
    ("councils.index", "GET"): NEED_WORK,
    ("councils.new", "GET"): NEED_WORK,
    ("councils.new", "POST"): NEED_WORK,
    ("councils.show", "GET"): NEED_WORK,
    ("councils.edit", "GET"): NEED_WORK,
    ("councils.edit", "POST"): NEED_WORK,
    ("councils.delete", "POST"): only(NEED_ROLES, 302, 403),
    ("councils.compose", "GET"): NEED_WORK,
    ("councils.add_member", "POST"): only(NEED_ROLES, 400, 403),
    ("councils.remove_member", "POST"): only(NEED_ROLES, 302, 403),
    ("councils.invite", "POST"): only(NEED_ROLES, 409, 403),
    ("councils.add_meeting", "POST"): only(NEED_ROLES, 400, 403),
    ("councils.delete_meeting", "POST"): only(NEED_ROLES, 302, 403),
    ("councils.conclude", "POST"): only(NEED_ROLES, 400, 403),
    # The member has an account: they sign online, the secretary may not record it (409).
    ("councils.record_declaration", "POST"): only(NEED_ROLES, 409, 403),
    ("councils.declaration_file", "GET"): NEED_WORK,
    ("councils.my_councils", "GET"): EXPERT_SIDE,
    ("budget.finance", "GET"): NEED_WORK,
    ("budget.record", "GET"): NEED_WORK,
    ("budget.add", "POST"): only(NEED_ROLES, 400, 403),
    ("budget.update", "POST"): only(NEED_ROLES, 400, 403),
    ("budget.remove", "POST"): only(NEED_ROLES, 302, 403),
    # Accepting without the declaration's box ticked is refused (400).
    ("councils.my_council_accept", "POST"): only({"owner"}, 400, 404),
    ("councils.my_council_decline", "POST"): OWNER_SIDE,
    # ORCID records: whoever may edit the profile; an empty POST shows the form again, an
    # apply without the version read is a 400.
    ("profiles.orcid_import", "GET"): {**OWN_PROFILE, "anonymous": 302},
    ("profiles.orcid_import", "POST"): {**OWN_PROFILE, "anonymous": 302},
    ("profiles.orcid_preview", "GET"): {**OWN_PROFILE, "anonymous": 302},
    ("profiles.orcid_preview", "POST"): {**OWN_PROFILE, "anonymous": 302,
                                         **dict.fromkeys(("owner", "curator", "admin", "delegate"),
                                                         400)},
    # Background jobs: everyone signed in has a list (their own); a job (the curator's)
    # and its result exist for the person who asked only.
    ("downloads.jobs_page", "GET"): logged_in(302, 200),
    ("downloads.job_page", "GET"): only({"curator"}, 200, 404),
    ("downloads.job_status", "GET"): only({"curator"}, 200, 404),
    ("downloads.job_download", "GET"): only({"curator"}, 200, 404),
    # The outbox: admins only; the matrix's message failed and its text was erased, so it
    # cannot be queued again (back to the list).
    ("admin.mail_queue", "GET"): only({"admin"}, 200, 403),
    ("admin.mail_retry", "POST"): only({"admin"}, 302, 403),
    # Notifications: everyone signed in has a page; the matrix's notification is the
    # owner's (anyone else's id is a 404).
    ("alerts.notifications_page", "GET"): logged_in(302, 200),
    ("alerts.mark_read", "POST"): only({"owner"}, 302, 404),
    ("alerts.mark_all_read", "POST"): logged_in(302, 302),
    # Saved searches: the roles that search for work; the matrix's saved search is the
    # official's (another official's, curator's or admin's id is a 404). The matrix
    # posts no name, hence the 400s.
    ("alerts.saved_searches_page", "GET"): NEED_WORK,
    ("alerts.save_search", "POST"): only(NEED_ROLES, 400, 403),
    ("alerts.saved_search", "GET"): {**only(NEED_ROLES, 404, 403), "official": 200},
    ("alerts.mark_seen", "POST"): {**only(NEED_ROLES, 404, 403), "official": 302},
    ("alerts.update_saved_search", "POST"): {**only(NEED_ROLES, 404, 403), "official": 400},
    ("alerts.delete_saved_search", "POST"): {**only(NEED_ROLES, 404, 403), "official": 302},
    # A digest's "no more e-mails" link that is not a valid token does not exist.
    ("alerts.unsubscribe", "GET"): same(404),
    ("alerts.unsubscribe", "POST"): same(404),
    # The load balancer's health check: counts only, for everyone.
    ("health.healthz", "GET"): same(200),
    # Programme indicators and yearly reports: officials, curators and admins read them.
    # Admins edit indicators (the matrix posts no fields: 400); the matrix's indicator
    # takes entered values and answers to the Department of Science and Technology, whose
    # officials and admins enter them (the matrix's official has no department: 403; an
    # admin posting no value: 400) and remove them. A draft report changes for its
    # department and admins (the admin's empty form: 400; submitting: 303); a year not
    # posted starts no report (400).
    ("indicators.board", "GET"): NEED_WORK,
    ("indicators.indicator", "GET"): NEED_WORK,
    ("indicators.edit", "GET"): only({"admin"}, 200, 403),
    ("indicators.edit", "POST"): only({"admin"}, 400, 403),
    ("indicators.enter_value", "POST"): {**only(NEED_ROLES, 403, 403), "admin": 400},
    ("indicators.evidence", "GET"): NEED_WORK,
    ("indicators.remove_value", "POST"): {**only(NEED_ROLES, 403, 403), "admin": 303},
    ("indicators.report_list", "GET"): NEED_WORK,
    ("indicators.report_new", "POST"): only(NEED_ROLES, 400, 403),
    ("indicators.report", "GET"): NEED_WORK,
    ("indicators.report_save", "POST"): {**only(NEED_ROLES, 403, 403), "admin": 400},
    ("indicators.report_submit", "POST"): {**only(NEED_ROLES, 403, 403), "admin": 303},
    ("indicators.report_xlsx", "GET"): NEED_WORK,
    ("indicators.report_docx", "GET"): NEED_WORK,
    ("api.programme_indicators", "GET"): {**only(NEED_ROLES, 200, 403), "anonymous": 401},
    # The organisations' register: pages for everyone (a public record), the curators'
    # forms, reconciliation, duplicates and import; a form posted empty shows its errors
    # (422), an action without what it acts on is a 400.
    ("organisations.search", "GET"): same(200),
    ("organisations.show", "GET"): same(200),
    ("organisations.new", "GET"): only(CURATORS, 200, 403),
    ("organisations.new", "POST"): only(CURATORS, 422, 403),
    ("organisations.edit", "GET"): only(CURATORS, 200, 403),
    ("organisations.edit", "POST"): only(CURATORS, 422, 403),
    ("organisations.delete", "POST"): only(CURATORS, 302, 403),
    ("organisations.add_contact", "POST"): only(CURATORS, 422, 403),
    ("organisations.remove_contact", "POST"): only(CURATORS, 302, 403),
    ("organisations.add_affiliation", "POST"): only(CURATORS, 422, 403),
    ("organisations.remove_affiliation", "POST"): only(CURATORS, 302, 403),
    ("organisations.duplicate_list", "GET"): only(CURATORS, 200, 403),
    ("organisations.merge", "POST"): only(CURATORS, 400, 403),
    ("organisations.reconcile_page", "GET"): only(CURATORS, 200, 403),
    ("organisations.reconcile_accept", "POST"): only(CURATORS, 400, 403),
    ("organisations.reconcile_leave", "POST"): only(CURATORS, 400, 403),
    ("organisations.reconcile_create", "POST"): only(CURATORS, 400, 403),
    ("organisations.reconcile_bulk", "POST"): only(CURATORS, 302, 403),
    ("organisations.import_page", "GET"): only(CURATORS, 200, 403),
    ("organisations.import_page", "POST"): only(CURATORS, 422, 403),
    ("organisations.import_confirm", "POST"): only(CURATORS, 302, 403),
    ("api.organisations", "GET"): same(200),
    ("api.organisation", "GET"): same(200),
    # The technology marketplace: published public offers and demands for everyone; the
    # matrix's records were posted by the official (who may change them, as may the
    # curators and admins, who broker by their role); the official is no broker. Empty
    # forms answer with their errors (400).
    ("technology.index", "GET"): same(200),
    ("api.technology_offers", "GET"): same(200),
    ("api.technology_offer", "GET"): same(200),
    ("api.technology_demands", "GET"): same(200),
    ("api.technology_demand", "GET"): same(200),
    ("technology.offer_list", "GET"): same(200),
    ("technology.demand_list", "GET"): same(200),
    ("technology.offer", "GET"): same(200),
    ("technology.demand", "GET"): same(200),
    ("technology.offer_download", "GET"): same(200),
    ("technology.offer_new", "GET"): logged_in(302, 200),
    ("technology.offer_new", "POST"): logged_in(302, 400),
    ("technology.offer_edit", "GET"): only(NEED_ROLES, 200, 403),
    ("technology.offer_edit", "POST"): only(NEED_ROLES, 400, 403),
    ("technology.offer_delete", "POST"): only(NEED_ROLES, 302, 403),
    ("technology.offer_attach", "POST"): only(NEED_ROLES, 400, 403),
    ("technology.offer_detach", "POST"): only(NEED_ROLES, 302, 403),
    ("technology.demand_new", "GET"): only(NEED_ROLES, 200, 403),
    ("technology.demand_new", "POST"): only(NEED_ROLES, 400, 403),
    ("technology.demand_edit", "GET"): only(NEED_ROLES, 200, 403),
    ("technology.demand_edit", "POST"): only(NEED_ROLES, 400, 403),
    ("technology.demand_delete", "POST"): only(NEED_ROLES, 302, 403),
    ("technology.mine", "GET"): logged_in(302, 200),
    ("technology.moderation", "GET"): only(BROKERS, 200, 403),
    ("technology.offer_moderate", "POST"): only(BROKERS, 400, 403),
    ("technology.demand_moderate", "POST"): only(BROKERS, 400, 403),
    ("technology.proposals", "GET"): only(BROKERS, 200, 403),
    ("technology.connection_open", "POST"): only(BROKERS, 400, 403),
    ("technology.connection_list", "GET"): logged_in(302, 200),
    # The connection's demand is the official's: a party, who sees it but records no step.
    ("technology.connection", "GET"): {**only(BROKERS, 200, 404), "official": 200},
    ("technology.connection_step", "POST"): {**only(BROKERS, 400, 404), "official": 403},
    ("technology.session", "GET"): NEED_WORK,
    ("technology.session_present", "POST"): only(BROKERS, 400, 403),
    ("technology.session_withdraw", "POST"): only(BROKERS, 302, 403),
    ("technology.people", "GET"): only(BROKERS, 200, 403),
    ("technology.broker_grant", "POST"): only({"admin"}, 404, 403),  # no such e-mail
    ("technology.broker_withdraw", "POST"): only({"admin"}, 302, 403),
    ("technology.representative_vouch", "POST"): only(BROKERS, 400, 403),
    ("technology.representative_revoke", "POST"): only(BROKERS, 302, 403),
}
SKIPPED = {"static"}  # files, not data


@pytest.fixture
def world(app, world_state):
    return world_state.value()


def _build_world(_app):
    add, make_user = add_profile, new_user
    own = add(full_name="Chủ Hồ Sơ", visibility="curators")
    other = add(full_name="Người Khác", visibility="curators")
    # A pair for the duplicate pages (the deletion routes delete "other").
    twins = (add(full_name="Song Sinh Một", visibility="curators"),
             add(full_name="Song Sinh Mot", visibility="curators"))
    users = {
        "owner": make_user("expert", expert=own),
        "other_expert": make_user("expert", expert=other),
        "official": make_user("official"),
        "curator": make_user("curator"),
        "admin": make_user("admin"),
        "delegate": make_user("expert"),
    }
    target = make_user("official", email="target@example.org")
    delegates.add(own, users["delegate"].email, actor=users["curator"].id)
    delegates.add(own, target.email, actor=users["curator"].id)
    token, _secret = accounts.create_token(users["admin"])
    # One pending deletion request per curator action (confirming one would leave none
    # pending for the other); both about the other profile, so "own" stays for the rest.
    requests = {endpoint: DeletionRequest.create(expert_id=other.id, requested_by=None).id
                for endpoint in ("profiles.confirm_deletion", "profiles.refuse_deletion")}
    # One proposal per review endpoint (a rejection decides it), about the other profile.
    changes = {endpoint: PendingChange.create(
        expert=other.id, user_id=users["other_expert"].id, base_version=other.version,
        proposed=json.dumps({"organization": "Viện Mới"}),
        original=json.dumps({"organization": other.organization})).id
        for endpoint in ("profiles.review", "profiles.accept_review", "profiles.reject_review")}
    # One registration waiting for a curator per decision endpoint, about the other profile.
    registrations = {endpoint: Registration.create(
        expert=other.id, user_id=users["other_expert"].id, status="pending", nonce=endpoint,
        verified_at=utcnow(), expires_at=utcnow()).id
        for endpoint in ("profiles.approve_registration", "profiles.reject_registration")}
    writes.save_profile({"organization": "Viện Sửa"}, expert=own)
    batch = ImportBatch.create(user_id=users["curator"].id, file_name="survey.csv", sha256="0" * 64,
                               status="ready", mapping='["kind", "full_name"]', total_rows=1)
    staged = ImportRow.create(batch=batch, number=2, outcome="new",
                              raw=json.dumps({"kind": "domestic", "full_name": "Mới"}))
    entry = Audit.select().where((Audit.expert_id == own.id)
                                 & (Audit.action == "profile.update")).get()
    need = records.save({"title": "Tư vấn tự động hóa cảng", "organization": "Sở KH&CN"},
                        owner=users["official"])
    # Public profiles on its shortlist: one to work on, one to remove.
    listed = {name: add(full_name=f"Danh Sách {name}") for name in ("kept", "removed")}
    for expert in listed.values():
        shortlists.add(need, expert, users["official"].id)
    per_endpoint = {"needs.shortlist_remove": {"expert_id": listed["removed"].id}}
    for endpoint in ("needs.shortlist_move", "needs.shortlist_note", "contacts.ask",
                     "contacts.ask_department"):
        per_endpoint[endpoint] = {"expert_id": listed["kept"].id}
    # An unclaimed expert the Department is asked to reach.
    unclaimed = add(full_name="Kiều Bào Năm", visibility="curators", email="kieu.bao@example.org")
    through = ContactRequest.create(need=need.id, expert=unclaimed.id, official=users["official"].id,
                                    purpose="consulting", channel="department")
    per_endpoint["contacts.department_outcome"] = {"contact_id": through.id}
    asked = ContactRequest.create(need=need.id, expert=own.id, official=users["official"].id,
                                  purpose="consulting", department="Sở KH&CN")
    block = ContactBlock.create(expert=own.id, department="Sở Ngoại vụ")
    engagements = {name: engagement_records.save(
        {"kind": "lecture", "title": "Bài giảng", "starts_on": "2026-05-01",
         "department": "Sở KH&CN"}, listed["kept"], need, users["official"].id)
        for name in ("kept", "deleted")}
    files = {name: engagement_records.attach(engagements["kept"], io.BytesIO(b"%PDF-1.4\n"),
                                             f"{name}.pdf", users["official"].id)
             for name in ("kept", "detached")}
    per_endpoint["engagements.delete"] = {"engagement_id": engagements["deleted"].id}
    message = MailMessage.create(recipient="x@example.org", kind="invitation", status="failed")
    note = notifications.notify(users["owner"], "digest", count=2)
    saved = saved_searches.create(users["official"], "Cảng", pairs=[("q", "cảng")])
    per_endpoint["admin.mail_retry"] = {"message_id": message.id}
    for endpoint in ("alerts.saved_search", "alerts.mark_seen", "alerts.update_saved_search",
                     "alerts.delete_saved_search"):
        per_endpoint[endpoint] = {"saved_id": saved.id}
    per_endpoint["alerts.mark_read"] = {"notification_id": note.id}
    per_endpoint["engagements.detach"] = {"attachment_id": files["detached"].id}
    official_id = users["official"].id
    made = {name: events.save({"kind": "workshop", "title": "Hội thảo", "starts_on": "2026-05-02",
                               "department": "Sở KH&CN"}, official_id)
            for name in ("kept", "deleted")}
    invitation = events.invite(made["kept"], listed["kept"], users["official"])
    own_invitation = EventInvitation.create(event=made["kept"].id, expert=own.id)
    for endpoint in ("programme.invitation_reply", "programme.invitation_attendance",
                     "programme.invitation_role"):
        per_endpoint[endpoint] = {"invitation_id": invitation.id}
    per_endpoint["programme.event_delete"] = {"event_id": made["deleted"].id}
    missions = {name: delegations.save({"direction": "outgoing", "title": "Đoàn công tác",
                                        "country": "JP", "starts_on": "2026-05-03",
                                        "department": "Sở KH&CN"}, official_id)
                for name in ("kept", "deleted")}
    member = delegations.add_expert(missions["kept"], listed["kept"], "member", official_id)
    follow_up = delegations.add_follow_up(missions["kept"], {"text": "Gửi thư cảm ơn"},
                                          official_id)
    per_endpoint["programme.delegation_delete"] = {"mission_id": missions["deleted"].id}
    per_endpoint["programme.delegation_remove_expert"] = {"link_id": member.id}
    signed = {name: agreements.save({"title": "Thỏa thuận", "partner": "Đại học Kobe",
                                     "partner_country": "JP", "status": "signed",
                                     "signed_on": "2026-05-04", "department": "Sở KH&CN"},
                                    official_id)
              for name in ("kept", "deleted")}
    agreements.link_expert(signed["kept"], listed["kept"], official_id)
    tie = agreements.link(signed["kept"], official_id, event=made["kept"])
    signed_files = {name: agreements.attach(signed["kept"], io.BytesIO(b"%PDF-1.4\n"),
                                            f"{name}.pdf", official_id)
                    for name in ("kept", "detached")}
    per_endpoint["programme.agreement_delete"] = {"agreement_id": signed["deleted"].id}
    per_endpoint["programme.agreement_remove_expert"] = {"expert_id": listed["kept"].id}
    per_endpoint["programme.agreement_unlink"] = {"link_id": tie.id}
    per_endpoint["programme.agreement_detach"] = {"file_id": signed_files["detached"].id}
    for endpoint in ("programme.my_event_accept", "programme.my_event_decline"):
        per_endpoint[endpoint] = {"invitation_id": own_invitation.id}
    viewer = access.viewer_for(users["official"])
    courses = {name: trainings.save({"topic": "Kỹ năng số", "starts_on": "2026-05-05",
                                     "department": "Sở KH&CN", "organiser_name": "Sở KH&CN"},
                                    official_id, viewer) for name in ("kept", "deleted")}
    lecturer = trainings.add_lecturer(courses["kept"], official_id, name="Ông Khách Mời")
    lists = {name: trainings.attach(courses["kept"], io.BytesIO(b"%PDF-1.4\n"), f"{name}.pdf",
                                    official_id) for name in ("kept", "detached")}
    per_endpoint["trainings.delete"] = {"training_id": courses["deleted"].id}
    per_endpoint["trainings.remove_lecturer"] = {"lecturer_id": lecturer.id}
    per_endpoint["trainings.download"] = {"file_id": lists["kept"].id}
    per_endpoint["trainings.detach"] = {"file_id": lists["detached"].id}
    stays = {name: officials_abroad.save({"name": "Nguyễn Văn Cán", "department": "Sở KH&CN",
                                          "host_name": "Đại học Kobe", "country": "JP",
                                          "purpose": "training", "starts_on": "2026-05-06"},
                                         official_id, viewer) for name in ("kept", "deleted")}
    per_endpoint["officials_abroad.delete"] = {"record_id": stays["deleted"].id}
    bodies = {name: council_operations.save({"kind": "review", "title": "Hội đồng phản biện",
                                             "department": "Sở KH&CN", "size": "3"}, official_id)
              for name in ("kept", "deleted")}
    seat = council_operations.add_member(bodies["kept"], listed["removed"], "member", "", official_id)
    own_seat = CouncilMember.create(council=bodies["kept"].id, expert=own.id, role="chair",
                                    status="invited")
    meeting = CouncilMeeting.create(council=bodies["kept"].id, held_on=datetime.date(2026, 5, 7))
    per_endpoint["councils.delete"] = {"council_id": bodies["deleted"].id}
    per_endpoint["councils.remove_member"] = {"member_id": seat.id}
    per_endpoint["councils.delete_meeting"] = {"meeting_id": meeting.id}
    per_endpoint["councils.record_declaration"] = {"member_id": own_seat.id}
    paper_seat = CouncilMember.create(council=bodies["kept"].id, expert=listed["kept"].id,
                                      role="member", status="accepted")
    CouncilPaperDeclaration.create(member=paper_seat.id, received_on=datetime.date(2026, 5, 6),
                                   version="2026-1", recorded_by=official_id,
                                   **attachments.store(io.BytesIO(b"%PDF-1.4\n"), "cam-ket.pdf"))
    per_endpoint["councils.declaration_file"] = {"member_id": paper_seat.id}
    for endpoint in ("councils.my_council_accept", "councils.my_council_decline"):
        per_endpoint[endpoint] = {"member_id": own_seat.id}
    costs = {name: budget.add("event", made["kept"], {"category": "venue", "planned": "1000000"},
                              official_id) for name in ("kept", "removed")}
    for endpoint in ("budget.record", "budget.add", "budget.update", "budget.remove"):
        per_endpoint[endpoint] = {"kind": "event", "record_id": made["kept"].id,
                                  "line_id": costs["removed" if endpoint == "budget.remove" else "kept"].id}
    orcid_row = orcid.stage(own, orcid.Record(orcid="0000-0002-1825-0097", keywords=["AI"]),
                            b"{}", users["curator"].id, "upload")
    job = Job.create(kind="export", owner_id=users["curator"].id, status="done", done=1, total=1,
                     result_file="matrix.csv", result_name="expertnet-experts.csv",
                     finished_at=utcnow(), expires_at=utcnow() + datetime.timedelta(days=1))
    (jobs.folder() / job.result_file).write_text("external_id\n", encoding="utf-8")
    # Every seeded indicator is computed now: the matrix's one is set back to entered,
    # as an admin may, so that it takes values.
    Indicator.update(computation="").where(Indicator.code == "trainees").execute()
    trainees = indicators.by_code("trainees")
    values = {year: indicators.enter_value(trainees, {"year": str(year), "value": "10", "note": "Danh sách"},
                                           users["admin"].id, io.BytesIO(b"%PDF-1.4\n"), "lop.pdf")
              for year in (2026, 2027)}
    per_endpoint["indicators.remove_value"] = {"value_id": values[2027].id}
    target.department = "Sở Khoa học và Công nghệ"
    target.save()
    department = access.viewer_for(target)
    drafts = {year: programme_reports.start(year, "department", department) for year in (2026, 2027)}
    per_endpoint["indicators.report_submit"] = {"report_id": drafts[2027].id}
    register = {name: organisation_writes.save({"name_vi": f"Viện Kiểm Thử {name}",
                                                "type": "research_institute",
                                                "visibility": "public"}).organisation
                for name in ("kept", "deleted")}
    contact = organisation_writes.add_contact(register["kept"], {"name": "Lan", "visibility": "curators"})
    affiliation = organisation_writes.add_affiliation(listed["kept"].id, register["kept"], {})
    per_endpoint["organisations.delete"] = {"organisation_id": register["deleted"].id}
    per_endpoint["organisations.remove_contact"] = {"contact_id": contact.id}
    _technology_world(users, target, official_id, per_endpoint)
    return {"indicator_value": values[2026].id, "programme_report": drafts[2026].id,
            "organisation": register["kept"].id, "affiliation": affiliation.id,
            "orcid_import": orcid_row.id, "job": job.id,
            "own": own, "other": other, "twins": twins, "users": users, "target": target, "token": token,
            "requests": requests, "changes": changes, "entry": entry.id,
            "registrations": registrations, "batch": batch.id, "row": staged.id, "need": need,
            "per_endpoint": per_endpoint, "asked": asked, "block": block,
            "engagement": engagements["kept"], "file": files["kept"],
            "event": made["kept"], "mission": missions["kept"], "follow_up": follow_up,
            "agreement": signed["kept"], "agreement_file": signed_files["kept"],
            "training": courses["kept"], "stay": stays["kept"], "council": bodies["kept"]}


# The world above, built once for the module (about 2 s a test otherwise); the channel
# tests further down seed a population of their own on the migrated template.
world_state, snapshot = module_snapshot("world", _build_world)


def _technology_world(users, target, official_id, per_endpoint):
    """An offer and a demand of the official (published), a connection between them, a
    supply–demand session listing them, a representative and a broker (the target)."""
    official = viewer_for(users["official"])
    organisation = Organisation.create(name_vi="Công ty Cảng Ma Trận", type="enterprise", country="VN")
    offer_raw = {"title_vi": "Công nghệ thử", "description_vi": "Mô tả", "fields": ["ai"], "trl": "5",
                 "ip_status": "none", "transfer_models": ["licence"], "negotiable": True,
                 "visibility": "public"}
    demand_raw = {"title": "Nhu cầu thử", "problem": "Vấn đề", "fields": ["ai"],
                  "organisation": str(organisation.id), "identity_visibility": "officials",
                  "visibility": "public"}
    made = {}
    for name in ("kept", "deleted"):
        made[("offer", name)] = technology_offers.moderate(
            technology_offers.save(offer_raw, official), "publish", "", users["curator"].id)
        made[("demand", name)] = technology_demands.moderate(
            technology_demands.save(demand_raw, official), "publish", "", users["curator"].id)
    offer, demand = made[("offer", "kept")], made[("demand", "kept")]
    files = {name: technology_offers.attach(offer, io.BytesIO(b"%PDF-1.4\n"), f"{name}.pdf", official_id)
             for name in ("kept", "detached")}
    session = events.save({"kind": "supply_demand_session", "title": "Phiên cung cầu",
                           "starts_on": "2026-05-05", "department": "Sở KH&CN"}, official_id)
    item = technology_connections.present(session, users["curator"].id, demand=demand)
    connection = technology_connections.open_connection(demand, users["curator"].id, offer=offer)
    representative_row = representatives.vouch(make_expert_account(), organisation, users["curator"].id)
    technology_brokers.grant(target, users["admin"].id)
    for endpoint in ("technology.offer", "technology.offer_edit", "technology.offer_attach",
                     "technology.offer_moderate", "technology.offer_download",
                     "technology.offer_detach", "api.technology_offer"):
        per_endpoint.setdefault(endpoint, {})["offer_id"] = offer.id
    per_endpoint["technology.offer_delete"] = {"offer_id": made[("offer", "deleted")].id}
    per_endpoint["technology.demand_delete"] = {"demand_id": made[("demand", "deleted")].id}
    per_endpoint["technology.offer_download"]["file_id"] = files["kept"].id
    per_endpoint["technology.offer_detach"]["file_id"] = files["detached"].id
    for endpoint in ("technology.demand", "technology.demand_edit", "technology.demand_moderate",
                     "technology.proposals", "technology.connection_open", "api.technology_demand"):
        per_endpoint[endpoint] = {"demand_id": demand.id}
    for endpoint in ("technology.connection", "technology.connection_step"):
        per_endpoint[endpoint] = {"connection_id": connection.id}
    for endpoint in ("technology.session", "technology.session_present", "technology.session_withdraw"):
        per_endpoint[endpoint] = {"event_id": session.id, "item_id": item.id}
    per_endpoint["technology.broker_withdraw"] = {"user_id": target.id}
    per_endpoint["technology.representative_revoke"] = {"representative_id": representative_row.id}


def make_expert_account():
    return accounts.create_user("representative@example.org", "expert", password=PASSWORD)


def _client_as(app, world, role):
    client = app.test_client()
    if role != "anonymous":
        user = User.get_by_id(world["users"][role].id)
        assert log_in(client, user.email).status_code == 302
    return client


def _csrf(client):
    page = client.get("/auth/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


class _SignedIn:
    """One sign-in per role for a whole walk of the URL map (~130 requests a role).

    Each request still gets a fresh client, so that nothing one request leaves in its
    session (a flash message, a language, a logout) reaches the next; the client carries
    the session cookie of the role's sign-in and the CSRF token of its form, as a fresh
    login would give it. Logging out ends every session of the account (a new session
    generation): the role then signs in again before its next request."""

    def __init__(self, app, world):
        self.app, self.world, self.sessions = app, world, {}

    def client(self, role):
        """A fresh client signed in as ``role`` and the CSRF token of its session."""
        kept = self.sessions.get(role)
        if kept is None or kept[2] != self._generation(role):
            kept = self.sessions[role] = self._sign_in(role)
        cookie, token, _generation = kept
        client = self.app.test_client()
        client.set_cookie(self.app.config["SESSION_COOKIE_NAME"], cookie)
        return client, token

    def _generation(self, role):
        if role == "anonymous":
            return None
        return User.get_by_id(self.world["users"][role].id).session_generation

    def _sign_in(self, role):
        client = _client_as(self.app, self.world, role)
        token = _csrf(client)  # stored in the session: the cookie is read after it
        cookie = client.get_cookie(self.app.config["SESSION_COOKIE_NAME"]).value
        return cookie, token, self._generation(role)


def _url(rule, world):
    values = {"expert_id": world["own"].id, "user_id": world["target"].id,
              "token_id": world["token"].id, "code": "en", "token": "not-an-invitation",
              "file_format": "csv", "check": "no_consent", "chart": "kind",
              "a_id": world["twins"][0].id, "b_id": world["twins"][1].id,
              "need_id": world["need"].id, "contact_id": world["asked"].id,
              "block_id": world["block"].id, "engagement_id": world["engagement"].id,
              "attachment_id": world["file"].id, "event_id": world["event"].id,
              "mission_id": world["mission"].id, "follow_up_id": world["follow_up"].id,
              "agreement_id": world["agreement"].id, "file_id": world["agreement_file"].id,
              "indicator_code": "trainees", "value_id": world["indicator_value"],
              "report_id": world["programme_report"],
              "training_id": world["training"].id, "record_id": world["stay"].id,
              "council_id": world["council"].id}
    url = rule.rule
    if rule.endpoint in world["requests"]:
        values["request_id"] = world["requests"][rule.endpoint]
    if rule.endpoint in world["changes"]:
        values["change_id"] = world["changes"][rule.endpoint]
    if rule.endpoint in world["registrations"]:
        values["registration_id"] = world["registrations"][rule.endpoint]
    values["entry_id"] = world["entry"]
    values["import_id"], values["job_id"] = world["orcid_import"], world["job"]
    values["batch_id"], values["row_id"] = world["batch"], world["row"]
    values["organisation_id"], values["affiliation_id"] = world["organisation"], world["affiliation"]
    values.update(world["per_endpoint"].get(rule.endpoint, {}))
    for name in rule.arguments:
        url = re.sub(rf"<(?:[^:>]+:)?{name}>", str(values[name]), url)
    return url


def _walk(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_is_in_the_matrix(app):
    walked = {(rule.endpoint, method) for rule, method in _walk(app)}
    assert walked - set(EXPECTED) == set(), "add the new route to EXPECTED"
    assert set(EXPECTED) - walked == set()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_matrix_says(app, world, role):
    failures = []
    signed_in = _SignedIn(app, world)
    for rule, method in _walk(app):
        # A fresh client per request: a logout or a role change must not leak into the next.
        client, token = signed_in.client(role)
        url = _url(rule, world)
        if method == "GET":
            response = client.get(url)
        else:
            data = {"csrf_token": token, "role": "official", "language": "en"}
            response = client.open(url, method=method, data=data)
        expected = EXPECTED[(rule.endpoint, method)][role]
        response.close()  # a streamed file (a job's result) is closed with its response
        if response.status_code != expected:
            failures.append((method, url, response.status_code, expected))
        if response.status_code == 302 and expected == 302 and role != "anonymous" \
                and rule.endpoint.startswith(("account.", "admin.")):
            assert "/auth/login" not in response.location, (url, role)
    assert failures == []


def test_anonymous_is_sent_to_log_in_with_next(client):
    response = client.get("/admin/audit")
    assert response.status_code == 302 and response.location == "/auth/login?next=%2Fadmin%2Faudit"


# -- API tokens open the API only ------------------------------------------------------
# A CSRF token's value differs from session to session: two answers are compared without it.
_CSRF_VALUE = re.compile(rb'(name="csrf_token"[^>]*value=")[^"]+"')


def _answer(response):
    with response:  # closed like a server closes it (a streamed file holds its file)
        body = response.get_data()  # a file as well as a page
    return response.status_code, response.location, _CSRF_VALUE.sub(rb'\1"', body)


def _page_answers(app, world, headers):
    """Every non-API route's answer to a fresh client sending ``headers``: GET, then each
    unsafe method with the CSRF token of the client's own (anonymous) session."""
    answers = {}
    for rule, method in _walk(app):
        if rule.endpoint.startswith("api."):
            continue
        client, url = app.test_client(), _url(rule, world)
        if method == "GET":
            answers[(rule.endpoint, method)] = _answer(client.get(url, headers=headers))
        else:
            data = {"csrf_token": _csrf(client), "role": "admin", "language": "en"}
            answers[(rule.endpoint, method)] = _answer(client.open(url, method=method, data=data,
                                                                   headers=headers))
    return answers


def test_a_token_opens_no_page_every_page_answers_it_as_anonymous(app, world):
    """A token is a script's key to /api/v1: on every other route, GET and POST alike,
    an owner's, an official's or an admin's valid token (or a wrong one) gets exactly
    the answer an anonymous visitor gets, and no route so much as looks the token up."""
    anonymous = _page_answers(app, world, {})
    assert len(anonymous) > 150
    tokens = {role: accounts.create_token(world["users"][role], f"script of {role}")
              for role in ("owner", "official", "admin")}
    tokens["wrong"] = (None, "exn_not-a-token")
    failures = []
    for role, (_row, secret) in tokens.items():
        answers = _page_answers(app, world, {"Authorization": f"Bearer {secret}"})
        failures += [(role, route, answers[route][:2], expected[:2])
                     for route, expected in anonymous.items() if answers[route] != expected]
    assert failures == []
    assert [ApiToken.get_by_id(row.id).last_used_at for row, _secret in tokens.values() if row] \
        == [None] * 3
    # The API still takes them.
    for role in ("owner", "official", "admin"):
        response = app.test_client().get(
            f"/api/v1/experts/{world['own'].id}", headers={"Authorization": f"Bearer {tokens[role][1]}"})
        assert response.status_code == (200 if role in ("owner", "admin") else 404), role


def test_a_token_cannot_press_the_buttons_that_have_no_form(app, world):
    """Logout, the answers to a contact request and the replies to an event invitation
    are buttons without fields: with a token and no CSRF token they are refused (400)
    and change nothing, exactly as for anyone without a session."""
    owner, official = world["users"]["owner"], world["users"]["official"]
    own_invitation = world["per_endpoint"]["programme.my_event_accept"]["invitation_id"]
    invitation = world["per_endpoint"]["programme.invitation_reply"]["invitation_id"]
    presses = [
        (owner, "/auth/logout", {}),
        (owner, f"/account/requests/{world['asked'].id}/accept", {}),
        (owner, f"/account/requests/{world['asked'].id}/decline", {}),
        (owner, "/account/requests/block-all", {}),
        (owner, f"/account/events/{own_invitation}/accept", {}),
        (owner, f"/account/events/{own_invitation}/decline", {}),
        (official, f"/events/{world['event'].id}/invitations/{invitation}/reply", {"reply": "accepted"}),
        (official, "/auth/logout", {}),
    ]

    def state():
        return {"sessions": [User.get_by_id(user.id).session_generation for user in (owner, official)],
                "request": ContactRequest.get_by_id(world["asked"].id).status,
                "invitations": [(row.id, row.status) for row in EventInvitation.select()],
                "blocks": ContactBlock.select().count()}

    before = state()
    for user, path, data in presses:
        _row, secret = accounts.create_token(user)
        response = app.test_client().post(path, data=data, headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 400, path
    assert state() == before


# -- enumeration: nothing a role may not see leaks through any channel ----------------
@pytest.fixture
def population(app, make_user, add):
    experts = {
        "public": add(full_name="Công Khai Một", visibility="public", fields="ai", country="JP",
                      email="cong.khai@example.org", organization="Viện Công Khai"),
        "officials": add(full_name="Cán Bộ Hai", visibility="officials", fields="ai", country="FR",
                         email="can.bo@example.org", organization="Viện Cán Bộ"),
        "curators": add(full_name="Nội Bộ Ba", visibility="curators", fields="ai", country="DE",
                        email="noi.bo@example.org", organization="Viện Nội Bộ"),
        "own": add(full_name="Riêng Tư Bốn", visibility="curators", fields="ai", country="KR",
                   organization="Viện Riêng Tư"),
    }
    users = {"owner": make_user("expert", expert=experts["own"]),
             "other_expert": make_user("expert"), "official": make_user("official"),
             "curator": make_user("curator"), "admin": make_user("admin"),
             "delegate": make_user("expert")}
    delegates.add(experts["own"], users["delegate"].email, actor=users["curator"].id)
    return experts, users


VISIBLE = {
    "anonymous": {"public"},
    "owner": {"public", "own"},
    "other_expert": {"public"},
    "official": {"public", "officials"},
    "curator": {"public", "officials", "curators", "own"},
    "admin": {"public", "officials", "curators", "own"},
    "delegate": {"public", "own"},
}


@pytest.mark.parametrize("role", ROLES)
def test_no_channel_reveals_a_profile_the_role_may_not_see(app, population, role):
    experts, users = population
    client = app.test_client()
    if role != "anonymous":
        assert log_in(client, users[role].email).status_code == 302
    expected = {experts[name].id for name in VISIBLE[role]}
    everything = [expert.id for expert in experts.values()]
    probe = range(1, max(everything) + 5)

    pages = {i for i in probe if client.get(f"/experts/{i}").status_code == 200}
    api = {i for i in probe if client.get(f"/api/v1/experts/{i}").status_code == 200}
    listing = client.get("/api/v1/experts?per_page=100").json
    listed = {item["id"] for item in listing["results"]}
    by_field = client.get("/api/v1/experts?field=ai").json
    suggested, organisations = set(), set()
    for prefix in ("c", "n", "r", "công", "nội", "riêng", "cán", "v", "t"):
        body = client.get(f"/api/v1/suggest?q={prefix}").json
        suggested |= {item["id"] for item in body["names"]}
        organisations |= {item["name"] for item in body["organizations"]}
    search_page = client.get("/search?q=").get_data(as_text=True)
    linked = {int(i) for i in re.findall(r'href="/experts/(\d+)"', search_page)}
    by_email = client.get("/api/v1/experts?q=noi.bo@example.org").json["total"]

    assert pages == expected
    assert api == expected
    assert listed == expected and listing["total"] == len(expected)
    assert by_field["total"] == len(expected)
    assert sum(listing["facets"]["kind"].values()) == len(expected)
    assert sum(listing["facets"]["country"].values()) == len(expected)
    assert listing["facets"]["field"].get("ai", 0) == len(expected)
    assert suggested <= expected
    visible_organisations = {Expert.get_by_id(i).organization for i in expected}
    assert organisations <= visible_organisations
    assert linked == expected
    assert by_email == (1 if role in ("curator", "admin") else 0)


# -- open redirects, CSRF, extra fields -----------------------------------------------
@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example", "////evil.example",
                                    "/\\evil.example", "http:/evil.example", " //evil.example"])
def test_next_never_leaves_the_site(app, make_user, target):
    user = make_user("official")
    client = app.test_client()
    token = _csrf(client)
    response = client.post("/auth/login", query_string={"next": target},
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.location == "/"
    language = client.get("/lang/en", query_string={"next": target})
    assert language.location == "/"


def test_a_missing_csrf_token_is_a_400_on_every_unsafe_route(app, world):
    signed_in = _SignedIn(app, world)
    for role in ("anonymous", "admin"):
        for rule, method in _walk(app):
            if method == "GET":
                continue
            client, _token = signed_in.client(role)
            response = client.open(_url(rule, world), method=method, data={"role": "admin"})
            assert response.status_code == 400, (role, rule.rule)
    assert User.get_by_id(world["target"].id).role == "official"
    assert User.get_by_id(world["target"].id).active


def test_extra_posted_fields_are_ignored(app, world):
    owner = world["users"]["owner"]
    client = _client_as(app, world, "owner")
    token = _csrf(client)
    client.post("/account/language", data={
        "csrf_token": token, "language": "en", "role": "admin", "active": "y",
        "expert": world["other"].id, "expert_id": world["other"].id,
        "session_generation": 1, "email": "stolen@example.org"})
    user = User.get_by_id(owner.id)
    assert (user.role, user.expert_id, user.email, user.language) == \
        ("expert", world["own"].id, owner.email, "en")
    client.post("/account/tokens", data={"csrf_token": token, "name": "x",
                                         "user": world["users"]["admin"].id})
    assert [t.user_id for t in accounts.list_tokens(owner)] == [owner.id]
