"""Office files (ZIP archives) are judged by what their parts really unpack to, not by the
sizes their ZIP directory declares: a crafted file declares a few bytes and holds
megabytes. Attached files (engagements, agreements) and imported workbooks alike."""
import io
import random
import struct
import zipfile
import zlib

import pytest
from conftest import client_as, csrf_token
from test_import_browser import _zip
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from expertnet.cooperation import agreements
from expertnet.cooperation.models import AgreementFile
from expertnet.core import archives

# Words of a real report: text that compresses like a document does (a few times), not
# like a bomb (a thousand times).
WORDS = ("Sở", "Khoa", "học", "và", "Công", "nghệ", "thành", "phố", "Hải", "Phòng", "báo", "cáo",
         "hợp", "tác", "chuyên", "gia", "cảng", "biển", "logistics", "đào", "tạo", "2026", "kết",
         "quả", "đánh", "giá", "dự", "án", "kinh", "phí", "tiến", "độ", "đề", "xuất")


def report_text(size, seed=2026):
    """About ``size`` bytes of XML paragraphs of Vietnamese words in a random order."""
    rng = random.Random(seed)
    words = rng.choices(WORDS, k=size // 5)
    paragraphs = (" ".join(words[i:i + 40]) for i in range(0, len(words), 40))
    return "".join(f"<w:p><w:t>{text}</w:t></w:p>" for text in paragraphs).encode()[:size]


def docx(body=b"<w:document/>"):
    return _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": body})


def declaring(data, declared=64):
    """``data`` (a ZIP archive) whose directory and local headers declare every part
    ``declared`` bytes long unpacked, with the CRC of those first bytes: ``zipfile``, and
    any check of the directory, sees a small, valid file."""
    data = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    end = data.rindex(b"PK\x05\x06")
    (directory,) = struct.unpack_from("<L", data, end + 16)
    for info, content in parts:
        size = min(declared, len(content))
        crc = zlib.crc32(content[:size])
        struct.pack_into("<L", data, info.header_offset + 14, crc)
        struct.pack_into("<L", data, info.header_offset + 22, size)
        struct.pack_into("<L", data, directory + 16, crc)
        struct.pack_into("<L", data, directory + 24, size)
        lengths = struct.unpack_from("<3H", data, directory + 28)
        directory += 46 + sum(lengths)
    return bytes(data)


# -- the counting ------------------------------------------------------------------------
def test_the_real_size_is_counted_whatever_the_directory_declares():
    honest = docx(report_text(3 * 1024 * 1024))
    lying = declaring(honest)
    with zipfile.ZipFile(io.BytesIO(lying)) as archive:
        assert sum(info.file_size for info in archive.infolist()) <= 128  # what it declares
        assert archive.testzip() is None  # and zipfile believes it
    real = archives.check_unpacked_size(io.BytesIO(honest), 10 * 1024 * 1024)
    assert real > 3 * 1024 * 1024 - 100
    assert archives.check_unpacked_size(io.BytesIO(lying), 10 * 1024 * 1024) == real
    with pytest.raises(archives.Refused) as refused:
        archives.check_unpacked_size(io.BytesIO(lying), 2 * 1024 * 1024)
    assert refused.value.reason == "total" and refused.value.part == "word/document.xml"
    # It stopped at the limit: it did not inflate the rest.
    assert 2 * 1024 * 1024 < refused.value.size <= 2 * 1024 * 1024 + 64 * 1024


def test_a_part_packed_a_thousandfold_is_refused_after_its_first_mebibyte():
    bomb = declaring(docx(b" " * (40 * 1024 * 1024)))
    assert len(bomb) < 100_000
    with pytest.raises(archives.Refused) as refused:
        archives.check_unpacked_size(io.BytesIO(bomb), 200 * 1024 * 1024)
    assert refused.value.reason == "ratio" and refused.value.part == "word/document.xml"
    assert refused.value.size <= archives.RATIO_FLOOR + 64 * 1024


def test_stored_parts_count_at_most_the_bytes_the_file_holds():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/media/image1.png", b"\x89PNG" + bytes(5000))
    assert archives.check_unpacked_size(io.BytesIO(buffer.getvalue()), 10_000) == 5004 + 8


@pytest.mark.parametrize("damage", ["truncated", "encrypted", "bzip2", "not a zip"])
def test_a_part_no_program_could_open_is_unreadable(damage):
    data = bytearray(docx(report_text(200_000)))
    offset = data.index(b"PK\x03\x04", 10)  # the second part's local header
    if damage == "truncated":
        data = data[:offset + 2000] + data[data.index(b"PK\x01\x02"):]
    elif damage == "encrypted":
        data[offset + 6] |= 0x1
    elif damage == "bzip2":
        data[offset + 8] = 12
    else:
        data = bytearray(b"PK\x03\x04 nothing more")
    with pytest.raises(archives.Refused) as refused:
        archives.check_unpacked_size(io.BytesIO(bytes(data)), 10 * 1024 * 1024)
    assert refused.value.reason == "unreadable"


# -- attached files ------------------------------------------------------------------------
@pytest.fixture
def agreement_page(app, official):
    agreement = agreements.save({"title": "Biên bản ghi nhớ hợp tác", "partner": "Đại học Kobe",
                                 "partner_country": "JP", "status": "signed",
                                 "signed_on": "2026-05-04", "department": "Sở KH&CN"}, official.id)
    client = client_as(app, official)
    path = f"/agreements/{agreement.id}"

    def upload(data, name, language="vi"):
        # Encoded here, in memory: the test client would spool a large body to a
        # temporary file that it never closes.
        boundary, body = encode_multipart({"csrf_token": csrf_token(client, path),
                                           "file": FileStorage(io.BytesIO(data), filename=name)})
        response = client.post(f"{path}/files", data=body,
                               content_type=f"multipart/form-data; boundary={boundary}")
        page = client.get(response.location, headers={"Accept-Language": language}).text \
            if response.status_code == 303 else ""
        return response, page
    return upload


def test_an_attachment_is_refused_for_what_it_really_unpacks_to(app, agreement_page):
    app.config["ATTACHMENT_MAX_UNPACKED_BYTES"] = 2 * 1024 * 1024
    minutes = docx(report_text(3 * 1024 * 1024))
    lying = declaring(minutes)
    assert len(lying) < app.config["ATTACHMENT_MAX_BYTES"]
    response, page = agreement_page(lying, "Biên bản họp.docx", "vi")
    assert response.status_code == 303 and "rejected=unpacked" in response.location
    assert "khi mở ra, tệp sẽ giải nén thành hơn 2 MB" in page
    _response, page = agreement_page(lying, "Biên bản họp.docx", "en")
    assert "it would unpack to more than 2 MB, the most accepted" in page
    assert AgreementFile.select().count() == 0
    # The same minutes, honest and under the limit, are kept.
    app.config["ATTACHMENT_MAX_UNPACKED_BYTES"] = 4 * 1024 * 1024
    response, _page = agreement_page(minutes, "Biên bản họp.docx")
    assert response.status_code == 302 and AgreementFile.get().filename == "Biên bản họp.docx"


def test_an_attached_zip_bomb_is_refused_for_its_packing(app, agreement_page):
    workbook = _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>",
                           "xl/worksheets/sheet1.xml": b"0" * (30 * 1024 * 1024)})
    response, page = agreement_page(declaring(workbook), "Số liệu.xlsx", "vi")
    assert response.status_code == 303 and "rejected=ratio" in response.location
    assert "lớn gấp hơn 1.000 lần" in page
    _response, page = agreement_page(declaring(workbook), "Số liệu.xlsx", "en")
    assert "more than 1,000 times its packed size" in page
    assert AgreementFile.select().count() == 0
