"""Importing organisations from CSV (UTF-8) or XLSX with the profiles' reader
(``curation.importer.read_rows``: the same file checks and limits) and their modes
(``curation.import_modes``): ``update`` (a filled cell replaces, an empty one keeps, a
list adds), ``fill`` (only empty values are filled) and ``replace`` (the row is the
whole truth for the columns of the file); a name equal once folded never replaces one
with more diacritics, and an empty cell never erases a name. Headers are recognised in Vietnamese and English.

A row with a known ``external_id`` updates that record; a row without one that names a
record already there (same name once folded, or same acronym in the same country) is
reported as a likely duplicate and not written. :func:`plan` reads and checks without
writing (the preview); :func:`apply` writes each good row in its own transaction through
``writes.save``: a bad row is reported with its reasons and nothing of it is written."""
from dataclasses import dataclass, field

from expertnet.core.i18n import _, _l
from expertnet.core.text import clean
from expertnet.curation import import_modes
from expertnet.curation.columns import header_key
from expertnet.curation.importer import ImportFileError, _cell_text, read_rows
from expertnet.organisations import duplicates, writes
from expertnet.organisations.models import Organisation
from expertnet.organisations.names import acronym_key, name_key
from expertnet.organisations.validation import COLUMNS, OrganisationErrors, normalize
from expertnet.taxonomy import store as catalog

__all__ = ["ImportFileError", "MODE_LABELS", "apply", "plan"]

MODE_LABELS = {
    "update": _l("Update: a filled cell replaces, an empty cell keeps, a list adds"),
    "fill": _l("Fill: only empty values are filled"),
    "replace": _l("Replace: the row is the whole truth for the columns of the file"),
}
LIST_COLUMNS = ("other_names", "fields")
# The parent id of a row whose parent is an earlier row of the same file.
IN_FILE = -1
MAX_ROWS = 20_000
# Header spellings (compared folded) besides the column codes.
HEADERS = {
    "external_id": ("ma", "ma to chuc", "id", "import id", "external id", "ma dinh danh"),
    "name_vi": ("ten", "ten tieng viet", "ten to chuc", "ten co quan", "ten don vi", "name vi",
                "vietnamese name", "name in vietnamese"),
    "name_en": ("ten tieng anh", "english name", "name", "name en", "name in english",
                "organisation", "organization"),
    "acronym": ("ten viet tat", "viet tat", "acronym", "abbreviation", "short name"),
    "other_names": ("ten khac", "other names", "aliases"),
    "type": ("loai", "loai hinh", "loai to chuc", "type", "kind", "organisation type",
             "organization type"),
    "country": ("quoc gia", "nuoc", "country"),
    "city": ("thanh pho", "tinh thanh", "city"),
    "parent": ("to chuc cap tren", "co quan chu quan", "don vi cap tren", "parent",
               "parent organisation", "parent organization"),
    "website": ("trang web", "website", "web"),
    "fields": ("linh vuc", "fields", "field"),
    "strategic_partner": ("doi tac chien luoc", "strategic partner"),
    "description_vi": ("mo ta", "gioi thieu", "mo ta tieng viet", "description vi",
                       "description in vietnamese"),
    "description_en": ("mo ta tieng anh", "description", "description en", "description in english"),
    "visibility": ("che do hien thi", "pham vi hien thi", "visibility"),
}


def column_of(header):
    key = header_key(header)
    for column in COLUMNS:
        if key == column.replace("_", " ") or key == column or key in HEADERS.get(column, ()):
            return column
    return None


@dataclass
class RowResult:
    number: int
    action: str            # create, update, unchanged, duplicate, error
    name: str = ""
    errors: list = field(default_factory=list)
    target: object = None  # the Organisation updated or duplicated
    values: dict = field(default_factory=dict)
    changes: dict = field(default_factory=dict)
    # A parent named by an earlier row of the file: found when this row is written.
    parent_text: str = ""


@dataclass
class ImportPlan:
    mode: str
    columns: list = field(default_factory=list)      # [(header, column or None)]
    unknown: list = field(default_factory=list)
    rows: list = field(default_factory=list)

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action)

    @property
    def rejected(self):
        return self.count("error") + self.count("duplicate")


def _stored(record):
    return {column: (record.parent_id if column == "parent" else getattr(record, column))
            for column in COLUMNS}


def _resolve(record, values, explicit, mode):
    """The values to write to ``record`` (None: a new one) by ``mode``."""
    if record is None:
        return values
    stored = _stored(record)
    result = {}
    for column, new in values.items():
        old = stored.get(column)
        if column in LIST_COLUMNS:
            result[column] = list(new) if mode == "replace" else import_modes.merge_list(old, new)
            continue
        if column in ("name_vi", "name_en") and old:
            if not new:
                continue  # an empty cell never erases a name, in any mode
            pair = import_modes.merge_names(old, new)
            if pair is not None:
                result[column] = pair[0]
                continue
        if mode == "fill":
            if import_modes.is_empty(old) and column in explicit:
                result[column] = new
        elif mode == "update":
            if column in explicit:
                result[column] = new
        else:
            result[column] = new
    result.pop("name_key", None)
    return {column: value for column, value in result.items() if value != stored.get(column)}


def _likely_duplicate(values):
    keys = {name_key(values.get(column) or "") for column in ("name_vi", "name_en")} - {""}
    found = Organisation.select().where(Organisation.name_key.in_(list(keys))).first() if keys else None
    if found is None and keys:
        found = next((row for row in Organisation.select() if
                      ({name_key(name) for name in (row.name_vi, row.name_en, *row.other_names)} & keys)),
                     None)
    acronym = acronym_key(values.get("acronym") or "")
    if found is None and acronym:
        for row in Organisation.select().where(Organisation.acronym != ""):
            if acronym_key(row.acronym) == acronym and (not row.country or not values.get("country")
                                                        or row.country == values.get("country")):
                found = row
                break
    return found


def plan(path, mode="update", name=None):
    """Read and check every row of the file at ``path`` without writing; raises
    :class:`ImportFileError` when the file cannot be read."""
    if mode not in import_modes.MODES:
        raise ValueError(mode)
    header, rows, _estimate = read_rows(path, name)
    result = ImportPlan(mode)
    mapped = []
    for cell in header:
        text = clean(_cell_text(cell))
        column = column_of(text) if text else None
        result.columns.append((text, column))
        if text and column is None:
            result.unknown.append(text)
        mapped.append(column if column not in mapped else None)
    if not any(mapped):
        raise ImportFileError(_("no column of the file is an organisation's column"))
    taxonomy = catalog.load()
    seen_keys, seen_external = {}, {}
    for number, cells in rows:
        if len(result.rows) >= MAX_ROWS:
            raise ImportFileError(_("the file has more than %(count)s rows", count=MAX_ROWS))
        raw = {column: clean(_cell_text(cells[index])) if index < len(cells) else ""
               for index, column in enumerate(mapped) if column}
        if not any(raw.values()):
            continue
        result.rows.append(_plan_row(number, raw, mode, taxonomy, seen_keys, seen_external))
    return result


def _plan_row(number, raw, mode, taxonomy, seen_keys, seen_external):
    explicit = {column for column, value in raw.items() if value}
    external = raw.get("external_id") or ""
    record = Organisation.get_or_none(Organisation.external_id == external) if external else None
    row = RowResult(number, "error", name=raw.get("name_vi") or raw.get("name_en") or "")
    if external and external in seen_external:
        row.errors.append(("external_id", _("This import id is already on row %(row)s.",
                                            row=seen_external[external])))
        return row

    def lookup(value):
        found = writes.parent_lookup(value)
        if found is None and name_key(clean(str(value))) in seen_keys:
            row.parent_text = clean(str(value))
            return IN_FILE
        return found

    checked = {column: value for column, value in raw.items()
               if record is None or column in explicit or mode == "replace"}
    values, errors = normalize(checked, taxonomy, record, lookup)
    if errors:
        row.errors = errors
        return row
    if record is None:
        keys = {name_key(values.get("name_vi") or ""), name_key(values.get("name_en") or "")} - {""}
        earlier = next((seen_keys[key] for key in keys if key in seen_keys), None)
        if earlier is not None:
            row.action = "duplicate"
            row.errors.append(("name_vi", _("The same organisation as on row %(row)s.", row=earlier)))
            return row
        duplicate = _likely_duplicate(values)
        if duplicate is not None:
            row.action, row.target = "duplicate", duplicate
            row.errors.append(("name_vi", _("Likely the same organisation as “%(name)s” (number %(id)s): "
                                            "give its import id to update it, or merge them.",
                                            name=_name(duplicate), id=duplicate.id)))
            return row
        row.action, row.values = "create", values
        for key in keys:
            seen_keys[key] = number
    else:
        row.target = record
        row.values = _resolve(record, values, explicit, mode)
        row.action = "update" if row.values else "unchanged"
        row.changes = {column: [_stored(record).get(column), value] for column, value in row.values.items()}
    if external:
        seen_external[external] = number
    return row


def _name(record):
    return record.name_vi or record.name_en


def apply(path, mode="update", actor=None, name=None, source="import"):
    """Plan, then write every good row (each in its own transaction). Returns the plan,
    whose rows say what was done; a row that fails when written becomes an error row."""
    result = plan(path, mode, name)
    written = []
    for row in result.rows:
        if row.action not in ("create", "update"):
            continue
        if row.values.get("parent") == IN_FILE:
            row.values["parent"] = writes.parent_lookup(row.parent_text)
        try:
            outcome = writes.save(row.values, actor, row.target if row.action == "update" else None,
                                  source=source, index=False)
        except OrganisationErrors as exc:
            row.action, row.errors = "error", exc.errors
            continue
        except writes.Refused as exc:
            row.action, row.errors = "error", [("name_vi", exc.message)]
            continue
        row.target = outcome.organisation
        written.append(outcome.organisation.id)
    if written:
        writes.indexing.index_after_commit(written)
    return result


def duplicate_pairs():
    """Likely duplicates in the register (for the duplicates page)."""
    return duplicates.candidates()
