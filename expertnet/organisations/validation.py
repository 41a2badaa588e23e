"""Checking an organisation's values (typed in a form or read from a spreadsheet row)
before they are written. The columns an organisation shares with a profile (country,
city, website, fields, visibility, e-mail and phone of a contact) are checked by the
profile's own rules (``directory.validation``), so both read "Nhật Bản", "JP" and
"Japan" alike and refuse the same bad web addresses."""
from expertnet.core.i18n import _
from expertnet.core.text import clean, clean_multiline, fold
from expertnet.directory import validation as profile_rules
from expertnet.organisations.models import ORGANISATION_TYPES, Organisation
from expertnet.organisations.names import name_key
from expertnet.organisations.vocab import TYPE_ALIASES
from expertnet.taxonomy import store as catalog

COLUMNS = ("external_id", "name_vi", "name_en", "acronym", "other_names", "type", "country", "city",
           "parent", "website", "fields", "strategic_partner", "description_vi", "description_en",
           "visibility")
MAX_LENGTHS = {"external_id": 64, "name_vi": 300, "name_en": 300, "acronym": 40, "city": 120,
               "description_vi": 10_000, "description_en": 10_000, "other_names": 2_000}
# Shared with profiles: checked by directory.validation.normalize.
PROFILE_COLUMNS = ("country", "city", "website", "fields", "visibility")
YES = frozenset({"1", "yes", "y", "true", "x", "co", "có", "✓", "on"})
NO = frozenset({"", "0", "no", "n", "false", "khong", "không", "off"})


class OrganisationErrors(ValueError):
    """``errors`` is ``[(column, message)]``."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{column}: {message}" for column, message in errors))
        self.errors = errors


def type_code(text):
    """The type code of ``text`` (a code, or its name in either language), or None."""
    key = fold(clean(text)).replace("-", " ").replace("_", " ")
    if not key:
        return None
    for code in ORGANISATION_TYPES:
        if key == code.replace("_", " ") or key in TYPE_ALIASES.get(code, ()):
            return code
    return None


def parse_flag(value, column, errors):
    if isinstance(value, bool):
        return value
    text = fold(clean(value))
    if text in YES:
        return True
    if text in NO:
        return False
    errors.append((column, _("“%(value)s” is neither yes nor no", value=clean(value)[:20])))
    return False


def normalize(raw, taxonomy=None, record=None, parent_lookup=None):
    """``(values, errors)`` for the columns present in ``raw`` (an update leaves the
    others alone). Names: at least one of Vietnamese or English (counting the record's
    current ones for an update). ``parent_lookup(raw_parent)`` gives the parent's id (or
    None when unknown) and is called only when a parent is given."""
    taxonomy = taxonomy or catalog.load()
    errors, values = [], {}
    for column in ("external_id", "name_vi", "name_en", "acronym", "description_vi", "description_en"):
        if column in raw:
            text = clean_multiline(raw[column]) if column.startswith("description") else clean(raw[column])
            values[column] = text
    if "external_id" in values and not values["external_id"]:
        values["external_id"] = None
    if "other_names" in raw:
        values["other_names"] = profile_rules.split_list(raw["other_names"])
        if len("; ".join(values["other_names"])) > MAX_LENGTHS["other_names"]:
            errors.append(("other_names", _("is too long (%(length)s characters; at most %(limit)s)",
                                            length=len("; ".join(values["other_names"])),
                                            limit=MAX_LENGTHS["other_names"])))
    for column, limit in MAX_LENGTHS.items():
        value = values.get(column)
        if isinstance(value, str) and len(value) > limit:
            errors.append((column, _("is too long (%(length)s characters; at most %(limit)s)",
                                     length=len(value), limit=limit)))
    name_vi = values.get("name_vi", record.name_vi if record is not None else "")
    name_en = values.get("name_en", record.name_en if record is not None else "")
    if ("name_vi" in raw or "name_en" in raw or record is None) and not (name_vi or name_en):
        errors.append(("name_vi", _("Give the name in Vietnamese or in English.")))
    if "type" in raw or record is None:
        code = type_code(raw.get("type", ""))
        if code is None:
            errors.append(("type", _("Choose the type of organisation.")))
        values["type"] = code or ""
    shared = {column: raw[column] for column in PROFILE_COLUMNS if column in raw}
    checked, problems = profile_rules.normalize(shared, taxonomy)
    errors += problems
    values.update({column: value for column, value in checked.items() if column in shared})
    if "strategic_partner" in raw:
        values["strategic_partner"] = parse_flag(raw["strategic_partner"], "strategic_partner", errors)
    if "parent" in raw:
        values["parent"] = _parent(raw["parent"], record, parent_lookup, errors)
    if "name_vi" in values or "name_en" in values or record is None:
        values["name_key"] = name_key(name_vi or name_en)
    return values, errors


def _parent(raw_parent, record, parent_lookup, errors):
    if raw_parent in (None, "") or (isinstance(raw_parent, str) and not clean(raw_parent)):
        return None
    parent_id = parent_lookup(raw_parent) if parent_lookup else None
    if parent_id is None:
        errors.append(("parent", _("“%(value)s” is not an organisation of the register",
                                   value=clean(str(raw_parent))[:60])))
        return None
    if record is not None and record.id is not None:
        seen, current = set(), parent_id
        while current is not None and current not in seen:
            if current == record.id:
                errors.append(("parent", _("An organisation cannot belong to itself "
                                           "or to one of its own units.")))
                return None
            seen.add(current)
            current = (Organisation.select(Organisation.parent).where(Organisation.id == current)
                       .scalar())
    return parent_id
