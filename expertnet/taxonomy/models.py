"""The taxonomy's tables: the fields of expertise and the bilingual term list."""
from peewee import AutoField, CharField, DateTimeField, FloatField, ForeignKeyField, IntegerField

from expertnet.core.db import utcnow
from expertnet.core.models import BaseModel, JSONListField


class Field(BaseModel):
    """A field of expertise in the bilingual taxonomy."""

    code = CharField(primary_key=True, max_length=40)
    parent = ForeignKeyField("self", null=True, backref="children", column_name="parent_code",
                             object_id_name="parent_id", on_delete="RESTRICT")
    name_vi = CharField(max_length=200)
    name_en = CharField(max_length=200)
    synonyms_vi = JSONListField(default=list)
    synonyms_en = JSONListField(default=list)
    position = IntegerField(default=0)

    def name(self, language):
        return self.name_vi if language == "vi" else self.name_en


class TermPair(BaseModel):
    """A Vietnamese ↔ English pair of terms that search and need matching read as the
    same thing (taxonomy/terms.py): ``suggested`` (mined from profiles with both bios,
    ``score`` and ``examples``: ids of profiles holding both), ``accepted`` (seeded from
    the taxonomy or accepted by a curator), ``rejected`` or ``removed`` (kept, so that
    the same pair is never suggested again). ``key``: both sides folded, one row per
    pair whatever its case or diacritics."""

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


TERM_MODELS = (TermPair,)
