"""Hai Phong hometowns in both naming schemes.

On 1 July 2025 Hai Phong merged with Hai Duong province and districts were abolished:
the city is now made of wards, communes and special zones. People abroad still write
the hometown they grew up with ("huyện Thủy Nguyên", "quận Kiến An", "Thanh Hà, Hải
Dương"), and newer records use the current units ("phường Lưu Kiếm", "xã Kẻ Sặt").

:func:`recognise` reads a hometown as typed (either scheme, any case, with or without
diacritics, parts separated by commas) and says which current unit and which former
district and province it names. :func:`canonical` restores the spelling of a fully
recognised hometown (the person's own scheme is kept: a former district is not turned
into a guessed current unit), and :func:`search_names` lists the names of both schemes
for the search document, so that a search in either scheme finds the profile.

The table of current units is ``data/haiphong-units-2025.csv`` (its header says where
it comes from and what it leaves out); the former districts are below.
"""
import csv
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from expertnet.core.text import clean, fold

UNITS_FILE = Path(__file__).parent.parent / "data" / "haiphong-units-2025.csv"

HAI_PHONG = "Hải Phòng"
HAI_DUONG = "Hải Dương"
# The former province-level units, with how they are written in full.
PROVINCES = {HAI_PHONG: "thành phố Hải Phòng", HAI_DUONG: "tỉnh Hải Dương"}

# The district-level units of Hai Phong and Hai Duong before 1 July 2025: name, the kinds
# it had (latest first: Thủy Nguyên was a huyện until it became a city on 1 January
# 2025, An Dương a huyện until it became a quận the same day), and its province.
FORMER_DISTRICTS = (
    ("Hồng Bàng", ("quận",), HAI_PHONG), ("Ngô Quyền", ("quận",), HAI_PHONG),
    ("Lê Chân", ("quận",), HAI_PHONG), ("Hải An", ("quận",), HAI_PHONG),
    ("Kiến An", ("quận",), HAI_PHONG), ("Đồ Sơn", ("quận",), HAI_PHONG),
    ("Dương Kinh", ("quận",), HAI_PHONG), ("An Dương", ("quận", "huyện"), HAI_PHONG),
    ("Thủy Nguyên", ("thành phố", "huyện"), HAI_PHONG), ("An Lão", ("huyện",), HAI_PHONG),
    ("Kiến Thụy", ("huyện",), HAI_PHONG), ("Tiên Lãng", ("huyện",), HAI_PHONG),
    ("Vĩnh Bảo", ("huyện",), HAI_PHONG), ("Cát Hải", ("huyện",), HAI_PHONG),
    ("Bạch Long Vĩ", ("huyện",), HAI_PHONG),
    ("Hải Dương", ("thành phố",), HAI_DUONG), ("Chí Linh", ("thành phố", "thị xã"), HAI_DUONG),
    ("Kinh Môn", ("thị xã", "huyện"), HAI_DUONG), ("Nam Sách", ("huyện",), HAI_DUONG),
    ("Thanh Hà", ("huyện",), HAI_DUONG), ("Kim Thành", ("huyện",), HAI_DUONG),
    ("Cẩm Giàng", ("huyện",), HAI_DUONG), ("Bình Giang", ("huyện",), HAI_DUONG),
    ("Gia Lộc", ("huyện",), HAI_DUONG), ("Tứ Kỳ", ("huyện",), HAI_DUONG),
    ("Thanh Miện", ("huyện",), HAI_DUONG), ("Ninh Giang", ("huyện",), HAI_DUONG),
)

# Prefixes as people type them (folded), and what they announce.
_UNIT_PREFIXES = {"phuong": "phường", "p": "phường", "xa": "xã", "dac khu": "đặc khu"}
_DISTRICT_PREFIXES = {"quan": "quận", "q": "quận", "huyen": "huyện", "h": "huyện",
                      "thi xa": "thị xã", "tx": "thị xã", "thanh pho": "thành phố",
                      "tp": "thành phố"}
_PROVINCE_PREFIXES = {"tinh": "tỉnh", "thanh pho": "thành phố", "tp": "thành phố"}
_FORMER_COMMUNE_PREFIXES = {"thi tran": "thị trấn", "tt": "thị trấn", "xa": "xã"}
# Parts that add nothing ("..., Việt Nam") and words meaning "former" ("huyện An Lão cũ").
_IGNORED_PARTS = frozenset({"viet nam", "vietnam", "vn"})
_FORMER_WORDS = re.compile(r"\s*\(?\b(cu|truoc day|former|old)\b\)?\s*$")
# Other provinces (folded, before and after the 2025 mergers): a hometown naming one of
# them is not a Hai Phong hometown, even if a part of it sounds like one of ours.
_OTHER_PROVINCES = frozenset(fold(name) for name in (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bà Rịa Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu",
    "Bắc Ninh", "Bến Tre", "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau",
    "Cần Thơ", "Cao Bằng", "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai",
    "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hậu Giang",
    "Hòa Bình", "Hồ Chí Minh", "Sài Gòn", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum",
    "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An",
    "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam",
    "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình",
    "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Huế", "Tiền Giang", "Trà Vinh",
    "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
))


@dataclass(frozen=True)
class District:
    name: str
    kinds: tuple
    province: str

    @property
    def written(self):
        return f"{self.kinds[0]} {self.name}"

    def names(self):
        """Every way of writing it: with each kind it had, and bare."""
        return [f"{kind} {self.name}" for kind in self.kinds] + [self.name]


@dataclass(frozen=True)
class Unit:
    kind: str
    name: str
    former_districts: tuple
    former_communes: tuple = ()

    @property
    def written(self):
        return f"{self.kind} {self.name}"

    @property
    def province(self):
        return district(self.former_districts[0]).province


@dataclass
class Hometown:
    """What a typed hometown names. ``canonical`` is the text to store (``None`` when a
    part was not recognised: the text stays as the person wrote it)."""

    units: list = field(default_factory=list)
    districts: list = field(default_factory=list)
    provinces: list = field(default_factory=list)
    canonical: str | None = None

    @property
    def unit(self):
        return self.units[0] if self.units else None

    @property
    def district(self):
        if self.districts:
            return self.districts[0]
        return district(self.unit.former_districts[0]) if self.unit else None

    def former_names(self):
        """The names of the former scheme this hometown belongs to."""
        names = []
        for unit in self.units:
            names += list(unit.former_communes)
            for name in unit.former_districts:
                names += district(name).names()
        for found in self.districts:
            names += found.names()
        return list(dict.fromkeys(names))

    def current_names(self):
        """The current units it is (or, for a former district, that came from it)."""
        units = list(self.units)
        for found in self.districts:
            units += successors(found.name)
        return list(dict.fromkeys(unit.written for unit in units))


@functools.cache
def units():
    with open(UNITS_FILE, encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return tuple(Unit(kind=row["kind"], name=row["name"],
                          former_districts=tuple(row["former_districts"].split(";")),
                          former_communes=tuple(item for item in
                                                row["former_communes"].split(";") if item))
                     for row in rows)


@functools.cache
def _districts():
    return {name: District(name, kinds, province) for name, kinds, province in FORMER_DISTRICTS}


def district(name):
    return _districts()[name]


@functools.cache
def _successors():
    table = {}
    for unit in units():
        for name in unit.former_districts:
            table.setdefault(name, []).append(unit)
    return table


def successors(district_name):
    """The current units formed (wholly or partly) from a former district."""
    return list(_successors().get(district_name, ()))


@functools.cache
def _lookup():
    by_unit = {fold(unit.name): unit for unit in units()}
    by_district = {fold(name): found for name, found in _districts().items()}
    by_province = {fold(name): name for name in PROVINCES}
    by_commune = {}
    for unit in units():
        for written in unit.former_communes:
            _prefix, name = _split_prefix(fold(written), _FORMER_COMMUNE_PREFIXES)
            by_commune[name] = (unit, written)
    return by_unit, by_district, by_province, by_commune


def _split_prefix(folded, prefixes):
    for prefix in sorted(prefixes, key=len, reverse=True):
        for separator in (" ", ". ", "."):
            start = prefix + separator
            if folded.startswith(start) and len(folded) > len(start):
                return prefix, folded[len(start):].strip()
    return None, folded


def _part(text):
    """``(kind, thing, canonical text)`` for one comma-separated part, or ``None``.
    ``kind`` is "unit", "district", "province", "ignored" or "foreign"."""
    folded = _FORMER_WORDS.sub("", fold(text)).strip(" .")
    if folded in _IGNORED_PARTS or not folded:
        return ("ignored", None, "")
    by_unit, by_district, by_province, by_commune = _lookup()
    prefix, name = _split_prefix(folded, _UNIT_PREFIXES)
    if prefix and name in by_unit:
        unit = by_unit[name]
        return ("unit", unit, f"{_UNIT_PREFIXES[prefix]} {unit.name}")
    prefix, name = _split_prefix(folded, _PROVINCE_PREFIXES)
    # "thành phố Hải Dương" was the province's capital (a district), not the province.
    if prefix and name in by_province and (prefix == "tinh") == (name == fold(HAI_DUONG)):
        return ("province", by_province[name], f"{_PROVINCE_PREFIXES[prefix]} {by_province[name]}")
    prefix, name = _split_prefix(folded, _DISTRICT_PREFIXES)
    if prefix and name in by_district:
        found = by_district[name]
        return ("district", found, f"{_DISTRICT_PREFIXES[prefix]} {found.name}")
    prefix, name = _split_prefix(folded, _FORMER_COMMUNE_PREFIXES)
    if prefix and name in by_commune:
        unit, written = by_commune[name]
        return ("unit", unit, written)
    # No prefix: a province first ("Hải Dương" alone is the province), then a current
    # unit, then a former district.
    if folded in by_province:
        return ("province", by_province[folded], by_province[folded])
    if folded in by_unit:
        unit = by_unit[folded]
        if folded in by_district:
            # "Thủy Nguyên" alone is both a ward and a former district: say both.
            return ("both", (unit, by_district[folded]), unit.name)
        return ("unit", unit, unit.name)
    if folded in by_district:
        found = by_district[folded]
        return ("district", found, found.name)
    _prefix, name = _split_prefix(folded, _PROVINCE_PREFIXES)
    if name in _OTHER_PROVINCES:
        return ("foreign", None, "")
    return None


_SEPARATORS = re.compile(r"\s*[,;/]\s*|\s+-\s+")


@functools.lru_cache(maxsize=4096)
def recognise(text):
    """The :class:`Hometown` that ``text`` names, or ``None`` when no part of it is a
    Hai Phong unit, former district or province (or it names another province)."""
    text = clean(text or "")
    if not text:
        return None
    found = Hometown()
    canonical_parts = []
    complete = True
    for piece in _SEPARATORS.split(text):
        if not piece:
            continue
        part = _part(piece)
        if part is None:
            complete = False
            continue
        kind, thing, written = part
        if kind == "foreign":
            return None
        if kind == "ignored":
            canonical_parts.append(piece)
            continue
        canonical_parts.append(written)
        if kind == "unit":
            found.units.append(thing)
        elif kind == "district":
            found.districts.append(thing)
        elif kind == "province":
            found.provinces.append(thing)
        else:
            found.units.append(thing[0])
            found.districts.append(thing[1])
    if not (found.units or found.districts or found.provinces):
        return None
    if complete:
        found.canonical = ", ".join(canonical_parts)
    return found


def canonical(text):
    """The hometown to store: the recognised spelling, or ``text`` as written (cleaned)."""
    found = recognise(text)
    if found is None or found.canonical is None:
        return clean(text or "")
    return found.canonical


def search_names(text):
    """Names of both schemes to index with a profile whose hometown is ``text``: the
    current unit(s), the former district(s) in each of their forms, former communes
    where known, and the province(s). Empty when the hometown is not recognised."""
    found = recognise(text)
    if found is None:
        return []
    names = found.current_names() + found.former_names()
    provinces = set(found.provinces)
    for unit in found.units:
        provinces.add(unit.province)
    for found_district in found.districts:
        provinces.add(found_district.province)
    for province in sorted(provinces):
        names += [PROVINCES[province], province]
    if HAI_DUONG in provinces:
        # The former province is part of Hai Phong now.
        names += [PROVINCES[HAI_PHONG]]
    return list(dict.fromkeys(names))


def other_scheme(text):
    """``(scheme, names)`` to show beside a hometown: for a former district, the
    current units formed from it (``"now"``); for a current unit, the former district
    and province it belonged to (``"formerly"``); ``None`` when not recognised."""
    found = recognise(text)
    if found is None:
        return None
    if found.districts:
        return ("now", found.current_names())
    if found.units:
        names = []
        for unit in found.units:
            for name in unit.former_districts:
                former = district(name)
                names.append(f"{former.written}, {PROVINCES[former.province]}")
        return ("formerly", list(dict.fromkeys(names)))
    return None
