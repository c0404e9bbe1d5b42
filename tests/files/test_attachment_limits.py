"""A small .xlsx that unpacks to much (400,000 empty shared strings, an entry declaring
gigabytes) is refused from its zip directory before anything is streamed, naming the file;
the public's attachments have far lower limits than the staff's; the streaming scan frees
what it parsed."""

import base64
import io
import struct
import subprocess
import sys
import time
import zipfile

import pytest

from statportal.files import spreadsheets
from statportal.files.policy import FilePolicy, FileRefused, check_upload
from tests.helpers.placement import as_user
from tests.helpers.questions import QUESTIONS, question, stored_questions
from tests.helpers.smtp import mail_settings

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def xlsx(cells, shared=(), pad=0, pad_stored=False):
    """A minimal valid .xlsx: one sheet of ``cells`` (xml of ``<c>``), ``shared`` strings
    (xml of ``<si>``), and a binary part of ``pad`` zero bytes (stored or deflated)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Default Extension="bin" ContentType='
            '"application/octet-stream"/><Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override '
            'PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
        z.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="{PKG}">'
                   f'<Relationship Id="rId1" Type="{REL}/officeDocument" '
                   'Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook xmlns="{MAIN}" '
                   f'xmlns:r="{REL}"><sheets><sheet name="A" sheetId="1" r:id="rId1"/>'
                   '</sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0"?><Relationships '
                   f'xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/worksheet" '
                   f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
                   f'Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet '
                   f'xmlns="{MAIN}"><sheetData><row r="1">{cells}</row></sheetData>'
                   '</worksheet>')
        z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0"?><sst xmlns="{MAIN}">'
                   + "".join(shared) + "</sst>")
        if pad:
            z.writestr("xl/media/pad.bin", bytes(pad),
                       zipfile.ZIP_STORED if pad_stored else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def empty_strings_bomb(n=400_000):
    """The issue's file: n empty shared strings, the only cell pointing at the last."""
    return xlsx(f'<c r="A1" t="s"><v>{n - 1}</v></c>', ["<si><t></t></si>"] * n)


def declaring(data, name, size):
    """``data`` with the central directory saying that ``name`` unpacks to ``size``."""
    data = bytearray(data)
    at = data.index(b"PK\x01\x02")
    while True:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + length] == name.encode():
            struct.pack_into("<I", data, at + 24, size)
            return bytes(data)
        extra, comment = struct.unpack_from("<HH", data, at + 30)
        at += 46 + length + extra + comment


@pytest.fixture
def app_settings(tmp_path, smtp_port):
    return mail_settings(tmp_path, smtp_port, **{
        "statportal.questions.anonymous_attachment_max_unpacked_mb": "1",
        "statportal.questions.anonymous_attachment_max_mb": "1"})


def attach(testapp, login, filename, data, status):
    as_user(testapp, login)
    return testapp.post_json(QUESTIONS, question(attachment={
        "filename": filename, "data": base64.b64encode(data).decode()}), status=status,
        extra_environ={"REMOTE_ADDR": "203.0.113.9"})


def test_the_empty_strings_bomb_is_refused_from_its_directory(app, testapp, demo, frozen):
    """The issue's 17 KB file: 400, the attachment field, the file named, in well under
    the 2.8 s it took; nothing stored. Refused before any part is streamed."""
    data = empty_strings_bomb()
    assert len(data) < 20_000
    started = time.perf_counter()
    errors = attach(testapp, None, "bomb.xlsx", data, 400).json["errors"]
    assert time.perf_counter() - started < 1.0
    assert errors[0]["field"] == "attachment"
    assert "bomb.xlsx unpacks to more than 1 MB" in errors[0]["message"]
    assert stored_questions(app) == []


def test_the_public_has_lower_attachment_limits_than_the_staff(app, testapp, demo, frozen):
    """A workbook of 1.5 MB unpacked (a little data, a padding part) is refused to the
    public and taken from a coordinator entering a postal question; so is a 1.5 MB file."""
    unpacked = xlsx('<c r="A1"><v>42</v></c>', pad=1_500_000)
    errors = attach(testapp, None, "table.xlsx", unpacked, 400).json["errors"]
    assert errors[0]["field"] == "attachment"
    assert "table.xlsx unpacks to more than 1 MB" in errors[0]["message"]
    large = xlsx('<c r="A1"><v>42</v></c>', pad=1_500_000, pad_stored=True)
    errors = attach(testapp, None, "large.xlsx", large, 400).json["errors"]
    assert "large.xlsx is larger than 1 MB" in errors[0]["message"]
    assert stored_questions(app) == []
    attach(testapp, "dana", "table.xlsx", unpacked, 201)
    attach(testapp, "dana", "large.xlsx", large, 201)
    assert len(stored_questions(app)) == 2


def test_an_entry_declaring_gigabytes_is_refused_unread(monkeypatch):
    """A central directory saying 4 GB: refused by the policy's bound (staff: 200 MB) and,
    for a caller without a policy, by the scan's own, before any part is decompressed."""
    data = declaring(empty_strings_bomb(10), "xl/sharedStrings.xml", 0xFFFF0000)
    with pytest.raises(FileRefused) as refused:
        check_upload("huge.xlsx", data, FilePolicy())
    assert refused.value.filename == "huge.xlsx"
    assert "huge.xlsx unpacks to more than 200 MB" in refused.value.message.interpolate()
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: pytest.fail("read"))
    with pytest.raises(FileRefused) as refused:
        spreadsheets.clean_workbook("huge.xlsx", "xlsx", data)
    assert "huge.xlsx unpacks to more than 1024 MB" in refused.value.message.interpolate()


def test_the_unpacked_bound_is_a_setting():
    policy = FilePolicy.from_settings({"statportal.file_max_unpacked_mb": "3"})
    assert policy.max_unpacked == 3 * 1024 * 1024
    assert FilePolicy.from_settings({}).max_unpacked == 200 * 1024 * 1024


#: the scan measured in a process of its own: tracemalloc's peak counts every thread's
#: allocations, and in the whole suite the live server's threads (browser tests) ran beside
SCAN_PEAKS = """
import sys, tracemalloc
from statportal.files import spreadsheets
spreadsheets._maybe_empty_sheets("warm.xlsx", open(sys.argv[1], "rb").read())  # imports
for path in sys.argv[2:]:
    data = open(path, "rb").read()
    tracemalloc.start()
    empty = spreadsheets._maybe_empty_sheets("b.xlsx", data)
    print(empty, tracemalloc.get_traced_memory()[1])
    tracemalloc.stop()
"""


def test_the_scan_frees_what_it_parsed(tmp_path):
    """Four times the shared strings, the same peak (tracemalloc), far under the unpacked
    size: the scan keeps one byte per string, not the strings or the parsed tree."""
    paths = []
    for n in (10, 10_000, 40_000):
        path = tmp_path / f"bomb-{n}.xlsx"
        path.write_bytes(empty_strings_bomb(n))
        paths.append(str(path))
    out = subprocess.run([sys.executable, "-c", SCAN_PEAKS, *paths], capture_output=True,
                         text=True, check=True, timeout=120).stdout.split()
    assert out[0::2] == ["True", "True"]  # both bombs' sheets are empty
    peaks = dict(zip((10_000, 40_000), map(int, out[1::2]), strict=True))
    assert peaks[40_000] < peaks[10_000] + 100_000
    assert peaks[40_000] < 40_000 * len("<si><t></t></si>") // 2


def test_blank_and_written_shared_strings_still_decide():
    """A sheet whose only value is a blank shared string is empty; a written one is data;
    the shared strings are not read when the first value is a number."""
    blank = xlsx('<c r="A1" t="s"><v>1</v></c>', ["<si><t>x</t></si>", "<si><t> </t></si>"])
    written = xlsx('<c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>0</v></c>',
                   ["<si><t>x</t></si>", "<si><t> </t></si>"])
    assert spreadsheets._maybe_empty_sheets("b.xlsx", blank) is True
    assert spreadsheets._maybe_empty_sheets("w.xlsx", written) is False
    number = xlsx('<c r="A1"><v>7</v></c>', ["<si><t></t></si>"])
    read = []
    original = spreadsheets._blank_strings
    spreadsheets._blank_strings = lambda archive: read.append(1) or original(archive)
    try:
        assert spreadsheets._maybe_empty_sheets("n.xlsx", number) is False
    finally:
        spreadsheets._blank_strings = original
    assert read == []


def test_a_workbook_known_empty_from_the_stream_is_refused_unloaded(monkeypatch):
    """Every sheet empty (blank shared strings only): refused from the stream, without
    openpyxl's full load (the issue's file took 2.8 s, most of it there), naming the file."""
    import openpyxl

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("loaded"))
    with pytest.raises(FileRefused) as refused:
        spreadsheets.clean_workbook("bomb.xlsx", "xlsx", empty_strings_bomb(1000))
    assert "bomb.xlsx: no sheet holds data" in refused.value.message.interpolate()
