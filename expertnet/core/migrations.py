"""Schema migrations, applied in order at start-up (and by ``flask init-db``).

Each migration is a function ``(migrator, db)`` recorded by name in
``schema_migration`` once applied. Add new ones at the end; never edit an applied one.
A later column is added like this::

    def _0002_expert_photo(migrator, db):
        migrate(migrator.add_column("expert", "photo", CharField(default="")))
"""
from peewee import CharField, DateTimeField, IntegerField, Model, TextField, Value
from playhouse.migrate import SchemaMigrator, migrate

from expertnet.core.db import database, is_postgres, utcnow
from expertnet.core.models import (
    AUDIT_MODELS,
    CHANGE_LOG_MODELS,
    CONSENT_MODELS,
    CONTACT_REQUEST_MODELS,
    COOPERATION_MODELS,
    DELEGATION_MODELS,
    DELETION_MODELS,
    DUPLICATE_MODELS,
    ENGAGEMENT_MODELS,
    IMPORT_MODELS,
    INVITATION_MODELS,
    JOB_MODELS,
    MAIL_MODELS,
    MERGE_MODELS,
    MODELS,
    NEED_MODELS,
    NOTIFICATION_MODELS,
    ORCID_MODELS,
    REGISTRATION_MODELS,
    REVIEW_MODELS,
    SAVED_SEARCH_MODELS,
    SHORTLIST_MODELS,
    TOKEN_MODELS,
    USER_MODELS,
)

# Any constant; it keeps two PostgreSQL processes from migrating at the same time.
_ADVISORY_LOCK = 7_404_202_6


class SchemaMigration(Model):
    name = CharField(primary_key=True, max_length=100)
    applied_at = DateTimeField(default=utcnow)

    class Meta:
        database = database
        table_name = "schema_migration"


def _0001_initial(migrator, db):
    # These model classes are the schema of 0001; later changes go in new migrations.
    db.create_tables(MODELS, safe=True)


def _0002_accounts(migrator, db):
    db.create_tables(USER_MODELS, safe=True)


def _0003_api_tokens(migrator, db):
    db.create_tables(TOKEN_MODELS, safe=True)


def _0004_audit(migrator, db):
    db.create_tables(AUDIT_MODELS, safe=True)


def _add_missing_columns(migrator, db, table, columns):
    """Add ``columns`` (name → field) that ``table`` lacks. 0001 creates tables from the
    current model classes, so a fresh database has them already."""
    present = {column.name for column in db.get_columns(table)}
    operations = [migrator.add_column(table, name, field)
                  for name, field in columns.items() if name not in present]
    if operations:
        migrate(*operations)


def _0005_contact_visibility(migrator, db):
    _add_missing_columns(migrator, db, "expert", {
        "email_visibility": CharField(max_length=16, default="officials"),
        "phone_visibility": CharField(max_length=16, default="officials"),
    })


def _0006_consent(migrator, db):
    db.create_tables(CONSENT_MODELS, safe=True)


def _0007_deletion_requests(migrator, db):
    db.create_tables(DELETION_MODELS, safe=True)


def _0008_invitations(migrator, db):
    db.create_tables(INVITATION_MODELS, safe=True)


def _0009_pending_changes(migrator, db):
    db.create_tables(REVIEW_MODELS, safe=True)


def _0010_confirmation(migrator, db):
    _add_missing_columns(migrator, db, "expert", {
        "confirmed_by": IntegerField(null=True),
        "confirmed_at": DateTimeField(null=True),
    })


def _0015_mail(migrator, db):
    db.create_tables(MAIL_MODELS, safe=True)


def _0016_registrations(migrator, db):
    db.create_tables(REGISTRATION_MODELS, safe=True)


def _0017_profile_freshness(migrator, db):
    _add_missing_columns(migrator, db, "expert", {
        "owner_confirmed_at": DateTimeField(null=True),
        "stale_reminded_at": DateTimeField(null=True),
    })


def _0018_invitation_mail(migrator, db):
    _add_missing_columns(migrator, db, "invitation", {
        "mail_message_id": IntegerField(null=True),
    })
def _0025_import_batches(migrator, db):
    db.create_tables(IMPORT_MODELS, safe=True)


def _0026_empty_import_keys(migrator, db):
    # An empty import key is NULL (the column is unique: two "" collided).
    db.execute_sql("UPDATE expert SET external_id = NULL WHERE external_id = ''")
def _0020_reindex_for_hometowns(migrator, db):
    # Search documents now carry a hometown's names in both schemes (hometowns.py): queue
    # every profile so that the start-up reconcile (or ``reindex``) rewrites its document.
    from expertnet.core.models import Expert, PendingIndex

    (PendingIndex.insert_from(Expert.select(Expert.id, Expert.version, Value(utcnow())),
                              fields=[PendingIndex.expert_id, PendingIndex.version,
                                      PendingIndex.queued_at])
     .on_conflict_ignore().execute())


def _0021_duplicates(migrator, db):
    db.create_tables(DUPLICATE_MODELS, safe=True)


def _0022_merged_profiles(migrator, db):
    db.create_tables(MERGE_MODELS, safe=True)
def _0040_needs(migrator, db):
    _add_missing_columns(migrator, db, "user", {"department": CharField(max_length=200, default="")})
    db.create_tables(NEED_MODELS, safe=True)


def _0041_shortlists(migrator, db):
    db.create_tables(SHORTLIST_MODELS, safe=True)


def _0042_contact_requests(migrator, db):
    db.create_tables(CONTACT_REQUEST_MODELS, safe=True)


def _0043_engagements(migrator, db):
    db.create_tables(ENGAGEMENT_MODELS, safe=True)
def _0011_consent_notice_length(migrator, db):
    # Consents read from an import name their file ("import:<file>"): longer than the
    # 32 characters of a notice version. SQLite does not enforce VARCHAR lengths.
    if is_postgres(db):
        db.execute_sql("ALTER TABLE consent ALTER COLUMN notice_version TYPE VARCHAR(200)")


def _0012_delegates(migrator, db):
    db.create_tables(DELEGATION_MODELS, safe=True)
def _0030_change_log(migrator, db):
    db.create_tables(CHANGE_LOG_MODELS, safe=True)


# The columns the statistics dashboard groups by (dashboard.py), behind the visibility
# it filters on: each of its counts reads this index alone, never the wide rows (bios).
STATISTICS_INDEX_COLUMNS = ("visibility", "kind", "country", "sector", "created_at", "city",
                            "hometown", "available_for")


def _0013_statistics_index(migrator, db):
    db.execute_sql(f"CREATE INDEX IF NOT EXISTS expert_statistics ON expert "
                   f"({', '.join(STATISTICS_INDEX_COLUMNS)})")


def _0044_cooperation(migrator, db):
    # Events, delegations and agreements (issue 6 item 5).
    db.create_tables(COOPERATION_MODELS, safe=True)


def _0027_orcid_imports(migrator, db):
    db.create_tables(ORCID_MODELS, safe=True)


def _0028_jobs(migrator, db):
    db.create_tables(JOB_MODELS, safe=True)


def _0031_mail_outbox(migrator, db):
    # The outbox: a message waits in mail_message with its text until a worker sends it.
    # Rows recorded before have no text; one still queued then is sent by the task that
    # carries its text (mail.deliver takes it).
    _add_missing_columns(migrator, db, "mail_message", {
        "subject": TextField(default=""),
        "body": TextField(default=""),
        "next_attempt_at": DateTimeField(null=True),
        "claimed_at": DateTimeField(null=True),
    })
    db.execute_sql('CREATE INDEX IF NOT EXISTS "mail_message_next_attempt_at" '
                   'ON "mail_message" ("next_attempt_at")')


def _0032_notifications(migrator, db):
    db.create_tables(NOTIFICATION_MODELS, safe=True)


def _0033_saved_searches(migrator, db):
    db.create_tables(SAVED_SEARCH_MODELS, safe=True)


def _0050_import_modes(migrator, db):
    # A browser import's mode and visibility for consenting rows (issue 13), and what
    # each staged row would do (its visibility and the fields it changes, JSON).
    _add_missing_columns(migrator, db, "import_batch", {
        "mode": CharField(max_length=16, default="update"),
        "consented_visibility": CharField(max_length=16, default="public"),
    })
    _add_missing_columns(migrator, db, "import_row", {"plan": TextField(default="")})


def _0063_department_contact(migrator, db):
    # Contact requests through the Department (issue 13 item 8): who answers, and what
    # the curator recorded of the person's answer.
    _add_missing_columns(migrator, db, "contact_request", {
        "channel": CharField(max_length=16, default="expert"),
        "handled_by": IntegerField(null=True),
        "shared_fields": CharField(max_length=32, default=""),
        "outcome_note": TextField(default=""),
    })
    db.execute_sql("CREATE INDEX IF NOT EXISTS contact_request_channel "
                   "ON contact_request (channel)")


MIGRATIONS = (
    ("0001_initial", _0001_initial),
    ("0002_accounts", _0002_accounts),
    ("0003_api_tokens", _0003_api_tokens),
    ("0004_audit", _0004_audit),
    ("0005_contact_visibility", _0005_contact_visibility),
    ("0006_consent", _0006_consent),
    ("0007_deletion_requests", _0007_deletion_requests),
    ("0008_invitations", _0008_invitations),
    ("0009_pending_changes", _0009_pending_changes),
    ("0010_confirmation", _0010_confirmation),
    ("0015_mail", _0015_mail),
    ("0016_registrations", _0016_registrations),
    ("0017_profile_freshness", _0017_profile_freshness),
    ("0018_invitation_mail", _0018_invitation_mail),
    ("0025_import_batches", _0025_import_batches),
    ("0026_empty_import_keys", _0026_empty_import_keys),
    ("0020_reindex_for_hometowns", _0020_reindex_for_hometowns),
    ("0021_duplicates", _0021_duplicates),
    ("0022_merged_profiles", _0022_merged_profiles),
    ("0040_needs", _0040_needs),
    ("0041_shortlists", _0041_shortlists),
    ("0042_contact_requests", _0042_contact_requests),
    ("0043_engagements", _0043_engagements),
    ("0011_consent_notice_length", _0011_consent_notice_length),
    ("0012_delegates", _0012_delegates),
    ("0030_change_log", _0030_change_log),
    ("0013_statistics_index", _0013_statistics_index),
    ("0044_cooperation", _0044_cooperation),
    ("0027_orcid_imports", _0027_orcid_imports),
    ("0028_jobs", _0028_jobs),
    ("0031_mail_outbox", _0031_mail_outbox),
    ("0032_notifications", _0032_notifications),
    ("0033_saved_searches", _0033_saved_searches),
    ("0050_import_modes", _0050_import_modes),
    ("0063_department_contact", _0063_department_contact),
)


def upgrade(db=database):
    """Apply the migrations not applied yet; safe to run again and from many processes."""
    with db.connection_context():
        if is_postgres(db):
            db.execute_sql("SELECT pg_advisory_lock(%s)", (_ADVISORY_LOCK,))
        try:
            db.create_tables([SchemaMigration], safe=True)
            applied = {row.name for row in SchemaMigration.select()}
            migrator = SchemaMigrator.from_database(db.obj if hasattr(db, "obj") else db)
            for name, migration in MIGRATIONS:
                if name in applied:
                    continue
                with db.atomic():
                    migration(migrator, db)
                    SchemaMigration.create(name=name)
            return [name for name, _ in MIGRATIONS if name not in applied]
        finally:
            if is_postgres(db):
                db.execute_sql("SELECT pg_advisory_unlock(%s)", (_ADVISORY_LOCK,))
