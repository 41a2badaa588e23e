"""Step 36 of the migrations, recorded as ``0070_term_pairs``."""
from peewee import AutoField, CharField, DateTimeField, FloatField, IntegerField

from expertnet.core.db import utcnow
from expertnet.core.migrations.helpers import FrozenModel
from expertnet.core.models import JSONListField

NAME = "0070_term_pairs"


class TermPair(FrozenModel):
    id = AutoField()
    vi = CharField(max_length=200)
    en = CharField(max_length=200)
    key = CharField(max_length=401, unique=True)
    status = CharField(max_length=16, default="suggested", index=True)
    source = CharField(max_length=16, default="mined")
    score = FloatField(default=0.0)
    examples = JSONListField(default=list)
    reviewed_by = IntegerField(null=True)
    reviewed_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "term_pair"


def apply(migrator, db):
    # The bilingual term list (taxonomy/terms.py): created only when missing.
    db.create_tables([TermPair], safe=True)
