"""The ground of the models: ``BaseModel`` (every table's base), ``JSONListField`` (lists kept
as JSON text, read and written alike on SQLite and PostgreSQL), and the two tables the ground
writes itself: the audit trail (``core/audit.py``) and the e-mail outbox (``core/outbox.py``).
Each domain declares its own tables in its ``models.py`` (``expertnet.directory.models`` and
so on). The database is the source of truth; the search index is derived.
"""
import json

from peewee import AutoField, CharField, DateTimeField, IntegerField, Model, TextField

from expertnet.core.db import database, utcnow


class JSONListField(TextField):
    """A list of strings kept as JSON text."""

    def db_value(self, value):
        return json.dumps(list(value or ()), ensure_ascii=False)

    def python_value(self, value):
        if not value:
            return []
        return json.loads(value)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Audit(BaseModel):
    """One processing of personal data or one account change: who (``actor_id``;
    null for imports and commands run without an account), what, on which profile,
    fields old → new (JSON), from where (screen, api, import, cli), when (UTC).
    Plain ids, not foreign keys: the entry outlives a deleted profile or account.
    Nothing in the application updates or deletes these rows."""

    id = AutoField()
    actor_id = IntegerField(null=True, index=True)
    action = CharField(max_length=40, index=True)
    expert_id = IntegerField(null=True, index=True)
    changes = TextField(default="{}")
    source = CharField(max_length=16)
    created_at = DateTimeField(default=utcnow, index=True)

    @property
    def changed(self):
        return json.loads(self.changes or "{}")


class MailMessage(BaseModel):
    """One outgoing e-mail in the outbox (mail.py): who, what kind, its subject and body
    until it is sent, and where its delivery stands. ``status``: ``queued`` (waiting,
    or waiting for a retry at ``next_attempt_at``), ``sending`` (claimed by a worker),
    ``sent``, ``failed`` (every attempt failed; ``error`` is the last one). The body may
    carry a single-use link, a credential: it is erased once the message is sent, and
    after ``MAIL_BODY_KEEP_HOURS`` whatever happened (migration 0031)."""

    id = AutoField()
    recipient = CharField(max_length=254, index=True)
    kind = CharField(max_length=40, index=True)
    language = CharField(max_length=8, default="")
    status = CharField(max_length=16, default="queued")  # queued, sending, sent, failed
    attempts = IntegerField(default=0)
    error = CharField(max_length=500, default="")
    created_at = DateTimeField(default=utcnow, index=True)
    sent_at = DateTimeField(null=True)
    subject = TextField(default="")
    body = TextField(default="")
    next_attempt_at = DateTimeField(null=True, index=True)
    claimed_at = DateTimeField(null=True)

    class Meta:
        table_name = "mail_message"


AUDIT_MODELS = (Audit,)


MAIL_MODELS = (MailMessage,)
