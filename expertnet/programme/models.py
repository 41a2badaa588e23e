"""The programme's indicators, the values entered for those the site cannot compute, and
the yearly reports of the departments and of the city."""
import json

from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from expertnet.core.db import utcnow
from expertnet.core.models import BaseModel


class Indicator(BaseModel):
    """One target of the programme (chỉ tiêu): its names and unit in both languages, how
    it is counted (``method_*``, shown on the board), ``computation`` (a code of
    ``computations.REGISTRY``, or "" for a value entered each year with its evidence),
    the target of each year 2026–2030 (``targets``, JSON ``{"2026": 2, …}``) and of the
    whole period (``period_low``–``period_high``), and the department answering for it."""

    id = AutoField()
    code = CharField(max_length=40, unique=True)
    position = IntegerField(default=0)
    name_vi = CharField(max_length=300)
    name_en = CharField(max_length=300)
    unit_vi = CharField(max_length=60, default="")
    unit_en = CharField(max_length=60, default="")
    method_vi = TextField(default="")
    method_en = TextField(default="")
    computation = CharField(max_length=60, default="")
    targets = TextField(default="{}")
    period_low = IntegerField(null=True)
    period_high = IntegerField(null=True)
    department = CharField(max_length=300, default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        table_name = "indicator"

    def name(self, language):
        return self.name_vi if language == "vi" else (self.name_en or self.name_vi)

    def unit(self, language):
        return self.unit_vi if language == "vi" else (self.unit_en or self.unit_vi)

    def method(self, language):
        return self.method_vi if language == "vi" else (self.method_en or self.method_vi)

    @property
    def yearly_targets(self):
        """``{year: target}`` (ints)."""
        return {int(year): int(value) for year, value in json.loads(self.targets or "{}").items()}


class IndicatorValue(BaseModel):
    """The value of an indicator for one year, entered by a person with its evidence: a
    note, a file (checked like every upload, ``cooperation.attachments``), or both."""

    id = AutoField()
    indicator = ForeignKeyField(Indicator, backref="values", on_delete="CASCADE")
    year = IntegerField()
    value = IntegerField()
    note = TextField(default="")
    filename = CharField(max_length=200, default="")
    stored_name = CharField(max_length=64, null=True, unique=True)
    content_type = CharField(max_length=100, default="")
    size = IntegerField(default=0)
    sha256 = CharField(max_length=64, default="")
    entered_by = IntegerField(null=True)
    entered_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "indicator_value"
        indexes = ((("indicator", "year"), True),)


class ProgrammeReport(BaseModel):
    """A yearly report: a department's contribution (``kind`` ``department``) or the
    city's report the Department of Science and Technology consolidates (``city``).
    ``corrections`` (JSON ``{code: {"value", "reason"}}``) and ``narrative`` (JSON
    ``{section: text}``) are edited while it is a ``draft``; submitting (a department)
    or consolidating (the city) writes ``snapshot`` (JSON: every number, text and name
    as they stood) and freezes it: what is read, shown and exported from then on is the
    snapshot, whatever changes in the records later."""

    id = AutoField()
    year = IntegerField(index=True)
    kind = CharField(max_length=16)
    department = CharField(max_length=300)
    department_key = CharField(max_length=300)
    status = CharField(max_length=16, default="draft", index=True)
    corrections = TextField(default="{}")
    narrative = TextField(default="{}")
    snapshot = TextField(default="")
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    submitted_by = IntegerField(null=True)
    submitted_at = DateTimeField(null=True)
    version = IntegerField(default=1)

    class Meta:
        table_name = "programme_report"
        indexes = ((("year", "kind", "department_key"), True),)

    @property
    def frozen(self):
        return self.status != "draft"

    @property
    def correction_values(self):
        return json.loads(self.corrections or "{}")

    @property
    def narrative_texts(self):
        return json.loads(self.narrative or "{}")

    @property
    def frozen_contents(self):
        return json.loads(self.snapshot) if self.snapshot else None


PROGRAMME_MODELS = (Indicator, IndicatorValue, ProgrammeReport)
