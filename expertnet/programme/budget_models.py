"""The budget lines of the programme's records: a planned and an actual cost (đồng) with
a category, on an event, a delegation, a council, a training course or an engagement
(``record_kind`` and ``record_id``; the record's date and department place the line in a
year and a department)."""
from peewee import AutoField, BigIntegerField, CharField, DateTimeField, IntegerField, TextField

from expertnet.core.db import utcnow
from expertnet.core.models import BaseModel


class BudgetLine(BaseModel):
    id = AutoField()
    record_kind = CharField(max_length=16)
    record_id = IntegerField()
    category = CharField(max_length=16)
    planned = BigIntegerField(default=0)
    actual = BigIntegerField(null=True)
    note = TextField(default="")
    created_by = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "budget_line"
        indexes = ((("record_kind", "record_id"), False),)


BUDGET_MODELS = (BudgetLine,)
