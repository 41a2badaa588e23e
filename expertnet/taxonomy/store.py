"""The field taxonomy as stored in the database: seeded from ``taxonomy.FIELDS``, and
looked up by code or by any name or synonym in either language."""
from dataclasses import dataclass

from expertnet.core import vocab
from expertnet.core.db import database
from expertnet.core.text import fold
from expertnet.taxonomy import fields as taxonomy
from expertnet.taxonomy.models import Field


@dataclass(frozen=True)
class Taxonomy:
    fields: dict  # code → Field, in taxonomy order

    def ancestors(self, code):
        found = []
        field = self.fields.get(code)
        while field is not None and field.parent_id:
            found.append(field.parent_id)
            field = self.fields.get(field.parent_id)
        return found

    def with_ancestors(self, codes):
        """``codes`` followed by their ancestors, each once, in a stable order."""
        expanded = []
        for code in codes:
            for item in [code, *self.ancestors(code)]:
                if item not in expanded:
                    expanded.append(item)
        return expanded

    def children(self, code):
        return [field for field in self.fields.values() if field.parent_id == code]

    def roots(self):
        return [field for field in self.fields.values() if not field.parent_id]

    def words(self, code):
        """Every name and synonym of a field, in both languages (indexed for search)."""
        field = self.fields[code]
        return [field.name_vi, field.name_en, *field.synonyms_vi, *field.synonyms_en]

    def lookup(self, value):
        """The code for a code, a name or a synonym (any case, with or without diacritics)."""
        key = fold(" ".join(str(value).split()))
        return self._names().get(key)

    def suggest(self, text, language, limit=5):
        """Fields whose name or a synonym (either language) has words starting with
        the words typed: ``tri tue`` → AI, ``hau`` → Logistics."""
        typed = fold(" ".join(str(text).split()))
        if not typed:
            return []
        matches = []
        for field in self.fields.values():
            for word in self.words(field.code):
                folded = fold(word)
                if folded.startswith(typed) or f" {typed}" in f" {folded}":
                    matches.append(field)
                    break
        matches.sort(key=lambda field: (not fold(field.name(language)).startswith(typed),
                                        field.position))
        return matches[:limit]

    def matcher(self):
        """Every code, name and synonym as a ``vocab.Matcher``: a field named in another
        word order is found, and an unknown one gets the closest field."""
        found = getattr(self, "_matcher", None)
        if found is None:
            spellings = [(field.code, field.code) for field in self.fields.values()]
            spellings += [(word, field.code) for field in self.fields.values()
                          for word in self.words(field.code)]
            found = vocab.Matcher(spellings)
            object.__setattr__(self, "_matcher", found)
        return found

    def _names(self):
        table = getattr(self, "_name_table", None)
        if table is None:
            table = {}
            # Names win over synonyms, codes over both, whatever the order of fields.
            for field in self.fields.values():
                for synonym in [*field.synonyms_vi, *field.synonyms_en]:
                    table.setdefault(fold(synonym), field.code)
            for field in self.fields.values():
                table[fold(field.name_vi)] = field.code
                table[fold(field.name_en)] = field.code
            for field in self.fields.values():
                table[fold(field.code)] = field.code
                table[fold(field.code.replace("_", " "))] = field.code
            object.__setattr__(self, "_name_table", table)
        return table


def load():
    rows = Field.select().order_by(Field.position, Field.code)
    return Taxonomy({field.code: field for field in rows})


def sync():
    """Insert or update the seed taxonomy. Returns True when anything changed (the
    index must then be rebuilt: documents carry field names and synonyms)."""
    changed = False
    with database.atomic():
        existing = {field.code: field for field in Field.select()}
        for position, seed in enumerate(taxonomy.FIELDS):
            values = {
                "parent": seed["parent"], "name_vi": seed["name_vi"], "name_en": seed["name_en"],
                "synonyms_vi": list(seed["synonyms_vi"]), "synonyms_en": list(seed["synonyms_en"]),
                "position": position,
            }
            field = existing.get(seed["code"])
            if field is None:
                Field.create(code=seed["code"], **values)
                changed = True
                continue
            current = {
                "parent": field.parent_id, "name_vi": field.name_vi, "name_en": field.name_en,
                "synonyms_vi": field.synonyms_vi, "synonyms_en": field.synonyms_en,
                "position": field.position,
            }
            if current != values:
                Field.update(**values).where(Field.code == seed["code"]).execute()
                changed = True
    return changed
