"""The curators' tables: import batches and rows, column mappings, duplicates, ORCID
imports and background jobs."""
import json

from peewee import (
    AutoField,
    CharField,
    CompositeKey,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from expertnet.core.db import utcnow
from expertnet.core.models import BaseModel
from expertnet.directory.models import Expert


class DuplicateCandidate(BaseModel):
    """A pair of profiles that the last search of the whole database found alike
    (``duplicates.refresh``): ``expert_a`` < ``expert_b``, the score then and its
    components (JSON ``[[code, points], ...]``). Rebuilt by each search; shown pairs are
    scored again from the current profiles."""

    expert_a = IntegerField()
    expert_b = IntegerField()
    score = IntegerField(index=True)
    components = TextField(default="[]")
    computed_at = DateTimeField(default=utcnow)

    class Meta:
        primary_key = CompositeKey("expert_a", "expert_b")


class DuplicateDismissal(BaseModel):
    """A curator's decision that two profiles are different people: the pair is never
    proposed again. Plain ids (``expert_a`` < ``expert_b``): nothing personal."""

    expert_a = IntegerField()
    expert_b = IntegerField()
    dismissed_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        primary_key = CompositeKey("expert_a", "expert_b")


class ImportBatch(BaseModel):
    """One file imported in the browser (batches.py): who, when, which file (its name
    and SHA-256; the file itself is deleted once its rows are staged), the mapping of
    its columns, the counts per outcome, and where it stands:

    ``staging`` → ``ready`` (the preview) → ``committing`` → ``committed`` →
    ``rolling_back`` → ``rolled_back``; ``failed`` when the file could not be read or a
    commit failed (and was undone); ``discarded`` when the curator dropped it."""

    id = AutoField()
    user_id = IntegerField(null=True, index=True)
    language = CharField(max_length=8, default="")
    file_name = CharField(max_length=255)
    sha256 = CharField(max_length=64, index=True)
    size = IntegerField(default=0)
    file_type = CharField(max_length=8, default="")  # csv, xlsx
    header = TextField(default="[]")  # the header row's cells (JSON)
    mapping = TextField(default="")  # per header cell: a contract column or "" (JSON)
    status = CharField(max_length=16, default="staging", index=True)
    error = TextField(default="")
    total_rows = IntegerField(default=0)  # estimated while staging, exact once ready
    done_rows = IntegerField(default=0)  # progress of the current phase
    counts = TextField(default="{}")  # outcome → rows (JSON)
    created_at = DateTimeField(default=utcnow, index=True)
    committed_at = DateTimeField(null=True)
    committed_by = IntegerField(null=True)
    rolled_back_at = DateTimeField(null=True)
    rolled_back_by = IntegerField(null=True)
    # import_modes.MODES, and who sees a row consenting to publication without a
    # visibility cell (migration 0050).
    mode = CharField(max_length=16, default="update")
    consented_visibility = CharField(max_length=16, default="public")

    class Meta:
        table_name = "import_batch"

    @property
    def header_cells(self):
        return json.loads(self.header or "[]")

    @property
    def columns(self):
        return json.loads(self.mapping) if self.mapping else None

    @property
    def tally(self):
        return json.loads(self.counts or "{}")


class ImportRow(BaseModel):
    """One staged row of an import batch: its cells as mapped (``raw``, text per contract
    column: what the curator may correct), what importing it would do (``outcome``:
    new, update, unchanged, duplicate, invalid), the profile it matches (``match_id``:
    the one updated, or the possible duplicate) or the earlier row it repeats
    (``match_row``), the curator's ``decision`` (new, update, skip, exclude), and, once
    committed, what it did (``result``: created, updated, unchanged, skipped), to which
    profile (``expert_id``), the values it replaced (``before``, JSON) and the profile's
    version right after (``version_after``): a rollback restores ``before`` only if the
    profile still has that version, i.e. nobody edited it since."""

    id = AutoField()
    batch = ForeignKeyField(ImportBatch, backref="rows", on_delete="CASCADE")
    number = IntegerField()  # the spreadsheet row (the header is row 1)
    raw = TextField(default="{}")
    outcome = CharField(max_length=16, index=True)
    # The row's keys within its file: the import key, and the folded name with the
    # birth year (a later row with the same is a possible duplicate of this one).
    external_id = CharField(max_length=64, null=True)
    name_key = CharField(max_length=220, default="")
    match_id = IntegerField(null=True)
    match_row = IntegerField(null=True)
    decision = CharField(max_length=16, default="")
    result = CharField(max_length=16, default="")
    expert_id = IntegerField(null=True, index=True)
    before = TextField(default="")
    version_after = IntegerField(null=True)
    rolled_back = CharField(max_length=16, default="")  # deleted, restored, kept
    # What writing the row does (JSON, batches.plan_of): its visibility and why, the
    # fields it changes and erases (migration 0050).
    plan = TextField(default="")

    class Meta:
        table_name = "import_row"
        indexes = ((("batch", "number"), True),)

    @property
    def cells(self):
        return json.loads(self.raw or "{}")

    @property
    def before_values(self):
        return json.loads(self.before) if self.before else {}

    @property
    def planned(self):
        return json.loads(self.plan) if self.plan else {}


class ColumnMapping(BaseModel):
    """A curator's choice for a spreadsheet header that is not a contract column (``Họ
    và tên`` → ``full_name``; "" to ignore it), keyed by the folded header so that the
    next file with that header is mapped the same way."""

    header_key = CharField(max_length=200, primary_key=True)
    column = CharField(max_length=40, default="")
    user_id = IntegerField(null=True)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "column_mapping"


IMPORT_MODELS = (ImportBatch, ImportRow, ColumnMapping)


DUPLICATE_MODELS = (DuplicateCandidate, DuplicateDismissal)


class OrcidImport(BaseModel):
    """An ORCID record read for a profile (orcid.py): which iD, who, from where
    (``upload``: a file someone uploaded, which proves nothing about who controls the
    iD; ``api``: fetched from ORCID's public API), the file's SHA-256 and the summary
    read from it (JSON; the file itself is not kept). ``previewed`` until the person
    decides, then ``applied`` with the fields written (or proposed to a curator)."""

    id = AutoField()
    expert = ForeignKeyField(Expert, backref="orcid_imports", on_delete="CASCADE")
    orcid = CharField(max_length=19)
    user_id = IntegerField(null=True)
    source = CharField(max_length=8, default="upload")
    sha256 = CharField(max_length=64)
    record = TextField(default="{}")
    base_version = IntegerField()
    status = CharField(max_length=16, default="previewed", index=True)
    applied_fields = TextField(default="[]")
    created_at = DateTimeField(default=utcnow)
    applied_at = DateTimeField(null=True)

    class Meta:
        table_name = "orcid_import"


ORCID_MODELS = (OrcidImport,)


class Job(BaseModel):
    """Background work a person asked for and watches (jobs.py): an export of a search
    or a batch of invitations. ``params`` (JSON) holds what the task needs, including the
    asker's rights when they asked; ``done``/``total`` the progress; ``result_file`` the
    file the task wrote in ``<instance>/jobs/`` (downloadable by ``owner_id`` only,
    deleted at ``expires_at``); ``error`` a code of ``jobs.ERRORS`` (shown in the
    reader's language) and ``detail`` (no personal data) when it failed."""

    id = AutoField()
    kind = CharField(max_length=16)
    owner_id = IntegerField(index=True)
    status = CharField(max_length=16, default="queued", index=True)  # queued, running, done, failed
    done = IntegerField(default=0)
    total = IntegerField(default=0)
    params = TextField(default="{}")
    result_file = CharField(max_length=100, default="")
    result_name = CharField(max_length=100, default="")
    result_size = IntegerField(default=0)
    error = CharField(max_length=40, default="")
    detail = TextField(default="")
    created_at = DateTimeField(default=utcnow, index=True)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    expires_at = DateTimeField(null=True, index=True)

    @property
    def parameters(self):
        return json.loads(self.params or "{}")


JOB_MODELS = (Job,)
