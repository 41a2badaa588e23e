"""Mapping a spreadsheet's headers to the import contract's columns.

Survey files from embassies, associations and universities name their columns as
they like ("Họ và tên", "Quốc gia", "Lĩnh vực", "E-mail"…). Each header is compared
folded (no diacritics, no case, no punctuation) with the contract names, the
columns' labels in both languages and a list of usual spellings; a curator confirms
or corrects the proposal once, and that choice is remembered per header
(``ColumnMapping``) and proposed first the next time the header is seen. The command
line reads headers through the same proposals (``importer.map_header``).

A header asking for consent ("Đồng ý …", "Consent …") is read by what it names: one
purpose ("Đồng ý công bố thông tin", "Consent to be contacted") makes a yes/no column
for that purpose, both purposes the combined ``consent`` column.
"""
import re

from flask_babel import force_locale

from expertnet.core.db import database, utcnow
from expertnet.core.i18n import _l
from expertnet.core.text import clean, fold
from expertnet.curation import contract
from expertnet.curation.models import ColumnMapping
from expertnet.directory import validation

# What a file's header may be mapped to: the profile's columns and the survey's consent.
IMPORT_COLUMNS = contract.IMPORT_COLUMNS

# The columns' names as the profile form shows them (the same catalogue entries).
LABELS = {
    "consent": _l("Consent given in the survey (publish; contact)"),
    "consent_publish": _l("Consent to publish the profile (yes/no)"),
    "consent_contact": _l("Consent to be contacted (yes/no)"),
    "external_id": _l("Reference in the source file"),
    "kind": _l("Kind of expert"),
    "full_name": _l("Full name"),
    "other_names": _l("Other names (separated by ;)"),
    "title": _l("Academic title"),
    "degree": _l("Degree"),
    "gender": _l("Gender"),
    "birth_year": _l("Year of birth"),
    "hometown": _l("Hometown"),
    "country": _l("Country of residence"),
    "city": _l("City"),
    "organization": _l("Organisation"),
    "position": _l("Position"),
    "sector": _l("Sector"),
    "fields": _l("Fields of expertise"),
    "keywords": _l("Keywords (separated by ;)"),
    "languages": _l("Languages"),
    "available_for": _l("Available for"),
    "bio_vi": _l("Biography in Vietnamese"),
    "bio_en": _l("Biography in English"),
    "email": _l("E-mail address"),
    "phone": _l("Phone"),
    "website": _l("Website"),
    "orcid": _l("ORCID iD"),
    "visibility": _l("Who sees the profile"),
    "email_visibility": _l("Who sees the e-mail address"),
    "phone_visibility": _l("Who sees the phone number"),
}

# Usual headers of survey files, in Vietnamese and English (compared folded).
ALIASES = {
    "consent": ["đồng ý", "sự đồng ý", "consent given", "consents"],
    "external_id": ["mã", "mã số", "mã hồ sơ", "số hiệu", "id", "ref", "reference", "record id"],
    "kind": ["loại", "loại chuyên gia", "đối tượng", "nhóm", "kind", "type", "category"],
    "full_name": ["họ và tên", "họ tên", "tên", "họ và tên đầy đủ", "tên đầy đủ", "name",
                  "full name", "fullname", "name of expert"],
    "other_names": ["tên khác", "tên gọi khác", "bí danh", "tên tiếng anh", "other names",
                    "other name", "alias", "aliases", "also known as"],
    "title": ["học hàm", "title", "academic title"],
    "degree": ["học vị", "trình độ", "trình độ học vấn", "degree", "qualification"],
    "gender": ["giới tính", "gender", "sex"],
    "birth_year": ["năm sinh", "birth year", "year of birth", "born"],
    "hometown": ["quê quán", "quê", "nguyên quán", "quê gốc", "hometown", "home town",
                 "place of origin"],
    "country": ["quốc gia", "nước", "quốc gia cư trú", "nước cư trú", "nước sở tại", "country",
                "country of residence", "residence country"],
    "city": ["thành phố", "tỉnh thành", "thành phố cư trú", "city", "town"],
    "organization": ["cơ quan", "đơn vị", "cơ quan đơn vị", "cơ quan công tác", "nơi công tác",
                     "đơn vị công tác", "tổ chức", "organisation", "organization", "employer",
                     "affiliation", "institution", "company"],
    "position": ["chức vụ", "chức danh", "vị trí", "vị trí công tác", "position", "job title",
                 "job"],
    "sector": ["khu vực", "khối", "sector"],
    "fields": ["lĩnh vực", "lĩnh vực chuyên môn", "chuyên ngành", "chuyên môn", "fields", "field",
               "expertise", "area of expertise", "fields of expertise"],
    "keywords": ["từ khóa", "từ khoá", "keywords", "keyword", "tags"],
    "languages": ["ngôn ngữ", "ngoại ngữ", "languages", "language", "spoken languages"],
    "available_for": ["có thể hỗ trợ", "hình thức hợp tác", "hình thức hỗ trợ", "sẵn sàng",
                      "available for", "availability"],
    "bio_vi": ["tiểu sử", "giới thiệu", "tóm tắt", "tiểu sử tiếng việt", "bio vi",
               "biography vi"],
    "bio_en": ["tiểu sử tiếng anh", "giới thiệu tiếng anh", "biography", "bio", "bio en",
               "biography en", "summary"],
    "email": ["email", "e mail", "thư điện tử", "địa chỉ email", "địa chỉ thư điện tử", "mail",
              "email address"],
    "phone": ["điện thoại", "số điện thoại", "sđt", "sdt", "đt", "di động", "phone",
              "telephone", "mobile", "tel", "phone number"],
    "website": ["trang web", "trang thông tin", "website", "web", "url", "homepage"],
    "orcid": ["orcid", "orcid id", "mã orcid"],
    "visibility": ["hiển thị", "chế độ hiển thị", "công khai", "visibility"],
    "email_visibility": ["hiển thị email", "email visibility"],
    "phone_visibility": ["hiển thị điện thoại", "phone visibility"],
}

# Words of a header asking for consent, and the purpose each other phrase names (folded,
# matched as whole words anywhere in the header).
CONSENT_WORDS = ("dong y", "chap thuan", "cho phep", "consent", "consents", "consented",
                 "agree", "agrees", "agreed", "permission")
PURPOSE_WORDS = {
    "publish": ("cong bo", "cong khai", "dang tai", "dang ho so", "dang thong tin", "dang len",
                "dua len", "publish", "published", "publishing", "publication", "listed",
                "listing"),
    "contact": ("lien he", "lien lac", "ket noi", "contact", "contacted", "contacting"),
}
_PUNCTUATION = re.compile(r"[^0-9a-z]+")
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def header_key(name):
    """A header as compared: folded, punctuation as spaces (``Họ và tên:`` → ``ho va ten``)."""
    return _PUNCTUATION.sub(" ", fold(clean(name))).strip()[:200]


def _keys(text):
    key = header_key(text)
    return {key, key.replace(" ", "")} if key else set()


def _table():
    """Folded spelling → column, from the aliases and the labels in both languages."""
    table = {}
    for column in IMPORT_COLUMNS:
        spellings = [column, column.replace("_", " "), *ALIASES.get(column, [])]
        for language in ("vi", "en"):
            with force_locale(language):
                spellings.append(str(LABELS[column]))
        for spelling in spellings:
            for key in _keys(spelling):
                table.setdefault(key, column)
    return table


def _has(key, phrases):
    return any(f" {phrase} " in f" {key} " for phrase in phrases)


def consent_column(key):
    """The consent column a folded header asks about: ``consent_publish`` or
    ``consent_contact`` when it names one purpose, ``consent`` when it names both, ""
    when it asks for no consent or names no purpose (then the usual spellings decide)."""
    if not _has(key, CONSENT_WORDS):
        return ""
    named = [purpose for purpose, words in PURPOSE_WORDS.items() if _has(key, words)]
    if len(named) == 2:
        return contract.CONSENT_COLUMN
    if len(named) == 1:
        return next(column for column, purpose in contract.PURPOSE_COLUMNS.items()
                    if purpose == named[0])
    return ""


def guess(name, table=None):
    """The contract column a header most likely means, or ""."""
    table = table if table is not None else _table()
    key = header_key(name)
    if not key:
        return ""
    if consent_column(key):
        return consent_column(key)
    candidates = [key, key.replace(" ", "")]
    # "Họ và tên (có dấu)", "Quốc gia [cư trú]": the words outside brackets.
    bare = header_key(_PARENTHESES.sub(" ", fold(clean(name))))
    if bare and bare != key:
        candidates += [bare, bare.replace(" ", "")]
    for candidate in candidates:
        if candidate in table:
            return table[candidate]
    return ""


def needs_mapping(header):
    """True when a header cell is neither a contract column nor a sensitive column:
    the curator says what it is (or that it is ignored) before the rows are read."""
    for name in header:
        if not clean(name):
            continue
        if contract.contract_column(name) or validation.is_sensitive_column(header_key(name)):
            continue
        return True
    return False


def propose(header):
    """One proposal per header cell: ``{"header", "column", "how", "sensitive"}`` where
    ``how`` is ``exact`` (a contract name), ``remembered`` (an earlier choice),
    ``guessed`` (a usual spelling) or ``none``. A column is proposed once: a second
    header that would take it is left to the curator."""
    remembered = {row.header_key: row.column for row in ColumnMapping.select().where(
        ColumnMapping.header_key.in_([header_key(name) for name in header if clean(name)]))}
    table = _table()
    taken = set()
    proposals = []
    for name in header:
        key = header_key(name)
        sensitive = bool(key) and validation.is_sensitive_column(key)
        column, how = "", "none"
        if sensitive or not key:
            pass
        elif contract.contract_column(name):
            column, how = contract.contract_column(name), "exact"
        elif key in remembered:
            column, how = remembered[key], "remembered"
        elif guess(name, table):
            column, how = guess(name, table), "guessed"
        if column in taken:
            column, how = "", "none"
        if column:
            taken.add(column)
        proposals.append({"header": clean(name), "column": column, "how": how,
                          "sensitive": sensitive})
    return proposals


def remember(header, chosen, user_id):
    """Keep the curator's choice for every header that is not a contract column."""
    rows = []
    for name, column in zip(header, chosen, strict=False):
        key = header_key(name)
        if not key or contract.contract_column(name) or validation.is_sensitive_column(key):
            continue
        rows.append({"header_key": key, "column": column if column in IMPORT_COLUMNS else "",
                     "user_id": user_id, "updated_at": utcnow()})
    if not rows:
        return
    with database.atomic():
        for row in rows:
            (ColumnMapping.insert(**row)
             .on_conflict(conflict_target=[ColumnMapping.header_key],
                          preserve=[ColumnMapping.column, ColumnMapping.user_id,
                                    ColumnMapping.updated_at])
             .execute())
