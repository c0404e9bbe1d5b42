"""Active content refused at upload: HTML that runs or loads anything, XML with a DOCTYPE."""

import io
import zipfile

import pytest

XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'


def page(body, head=""):
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head>"
            f"<body>{body}</body></html>").encode()


TABLE = "<table><tr><th>Өңір</th><th>2024</th></tr><tr><td>Астана</td><td>1 234,5</td></tr></table>"


@pytest.mark.parametrize(("body", "reason"), [
    ("<script>alert(1)</script>", "scripts are not accepted"),
    ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "scripts are not accepted"),
    ('<img src="x.png" onerror="alert(1)">', "event handler attributes (onerror)"),
    ('<table onmouseover="alert(1)"><tr><td>1</td></tr></table>', "(onmouseover)"),
    ('<form action="https://evil.example/"><input name="p"></form>', "forms and form controls"),
    ('<button>Send</button>', "(<button>)"),
    ('<select><option>1</option></select>', "(<select>)"),
    ('<textarea>x</textarea>', "(<textarea>)"),
    ('<iframe src="https://evil.example/"></iframe>', "frames and embedded objects (<iframe>)"),
    ('<frameset><frame src="a.html"></frameset>', "frames and embedded objects"),
    ('<object data="x.swf"></object>', "(<object>)"),
    ('<embed src="x.swf">', "(<embed>)"),
    ('<applet code="X.class"></applet>', "(<applet>)"),
    ('<svg><script>alert(1)</script></svg>', "SVG and MathML with scripts"),
    ('<svg onload="alert(1)"><rect/></svg>', "SVG and MathML with scripts"),
    ('<svg><use href="https://evil.example/s.svg#a"/></svg>', "external resources"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:, vbscript: and data: URLs"),
    ('<a href=" JaVa&#09;ScRiPt:alert(1)">x</a>', "javascript:, vbscript: and data: URLs"),
    ('<a href="vbscript:msgbox(1)">x</a>', "(href)"),
    # HTML5 entities libxml2 leaves as they are, and browsers decode.
    ('<a href="javascript&colon;alert(1)">x</a>', "javascript:, vbscript: and data: URLs"),
    ('<a href="java&Tab;script&#58alert(1)">x</a>', "javascript:, vbscript: and data: URLs"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data: URLs are not accepted"),
    ('<img src="https://tracker.example/p.gif">', "external resources (https://tracker"),
    ('<img src="chart.png">', "external resources (chart.png)"),
    ('<img srcset="a.png 1x, b.png 2x">', "external resources"),
    ('<video poster="https://evil.example/p.jpg"></video>', "external resources"),
    ('<table background="https://evil.example/bg.png"><tr><td>1</td></tr></table>',
     "external resources (https://evil.example/bg.png)"),
    ('<svg><image xlink:href="https://evil.example/i.png"/></svg>', "external resources"),
    ('<p style="background: url(https://evil.example/x.png)">x</p>',
     "external resources (https://evil.example/x.png)"),
    ('<p style="background: u\\72l(//evil.example/x.png)">x</p>', "external resources"),
    ('<p style="width: expression(alert(1))">x</p>', "CSS expressions"),
    ("<style>@import 'https://evil.example/s.css';</style>",
     "external resources (https://evil.example/s.css)"),
    ("<style>td { background-image: url('bg.png') }</style>", "external resources (bg.png)"),
    ("<!--[if lt IE 9]><script src='html5shiv.js'></script><![endif]-->", "scripts"),
    # libxml2 reads an attribute value here; a browser with scripting on runs the image's
    # onerror (noscript is raw text to it).
    ('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>',
     "event handler attributes"),
])
def test_active_html_refused(body, reason):
    from statportal.files import FileRefused, check_upload

    with pytest.raises(FileRefused) as info:
        check_upload("table.html", page(body))
    text = info.value.message.interpolate()
    assert text.startswith("table.html: ") and reason in text
    assert info.value.filename == "table.html"


@pytest.mark.parametrize(("head", "reason"), [
    ('<base href="https://evil.example/">', "<base> elements"),
    ('<link rel="stylesheet" href="https://evil.example/s.css">', "<link> elements"),
    ('<meta http-equiv="Refresh" content="0; url=https://evil.example/">',
     "automatic redirects"),
])
def test_active_head_refused(head, reason):
    from statportal.files import FileRefused, check_upload

    with pytest.raises(FileRefused, match=reason.replace("(", r"\(")):
        check_upload("table.htm", page(TABLE, head), _wide())


def _wide():
    from statportal.files import FilePolicy

    return FilePolicy.from_settings({"statportal.file_formats": "html htm xlsx docx ods"})


@pytest.mark.parametrize("prolog", [
    '<!DOCTYPE html [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    '<!doctype html [ <!ATTLIST td x CDATA "y"> ]>',
    '<?xml version="1.0"?><!DOCTYPE html SYSTEM "x.dtd"><!-- <!ENTITY y "z"> -->',
])
def test_entity_declarations_refused(prolog):
    from statportal.files import FileRefused, check_upload

    data = (prolog + f"<html><body>{TABLE}&e;</body></html>").encode()
    with pytest.raises(FileRefused) as info:
        check_upload("table.html", data)
    assert "can hide external entities" in info.value.message.interpolate()


@pytest.mark.parametrize("body", [
    TABLE,
    '<table><caption>Кесте 1</caption><tr><td style="text-align: right; color: #333">5</td>'
    '</tr></table><p>X – конфиденциальные данные.</p>',
    '<p><a href="https://stat.gov.kz/ru/">Бюро национальной статистики</a> · '
    '<a href="#notes">Ескерту</a> · <a href="mailto:info@stat.gov.kz">Пошта</a></p>',
    '<p title="Data: Bureau of National Statistics, 2024">Source data: the Bureau.</p>',
    '<svg width="10" height="10"><defs><linearGradient id="g"/></defs>'
    '<rect fill="url(#g)" width="10" height="10"/></svg>',
    '<p>Table updated once a month; see the one-page note.</p>',
    "<!--[if gte mso 9]><xml><x:ExcelWorkbook></x:ExcelWorkbook></xml><![endif]-->" + TABLE,
])
def test_harmless_html_accepted(body):
    from statportal.files import check_upload

    assert check_upload("table.html", page(body, "<style>td { padding: 2px }</style>")) == "html"
    assert check_upload("table.html", page(body).decode().encode("cp1251", "replace")) == "html"


def container(parts, mimetype=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if mimetype:
            archive.writestr("mimetype", mimetype)
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def real_xlsx():
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "Өңір"
    book.active["B1"] = 42
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_part(data, name, text):
    """A copy of a zip with one part replaced (or added)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info.filename))
        target.writestr(name, text)
    return buffer.getvalue()


def test_real_xlsx_accepted_and_xxe_refused():
    from statportal.files import FileRefused, check_upload

    data = real_xlsx()
    assert check_upload("report.xlsx", data) == "xlsx"
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    poisoned = with_part(data, "xl/worksheets/sheet1.xml",
                         sheet.replace('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
                                       "").replace("<worksheet", XXE + "<worksheet", 1))
    with pytest.raises(FileRefused) as info:
        check_upload("report.xlsx", poisoned)
    assert info.value.message.interpolate() == (
        "report.xlsx: XML document type declarations are not accepted (they can hide "
        "external entities).")


@pytest.mark.parametrize(("filename", "parts", "mimetype"), [
    ("report.docx", {"[Content_Types].xml": "<Types/>", "word/document.xml": XXE + "<w/>"},
     None),
    ("report.docx", {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>",
                     "_rels/.rels": XXE + "<Relationships/>"}, None),
    ("report.xlsx", {"[Content_Types].xml": '<!DOCTYPE t SYSTEM "http://x/t.dtd"><Types/>',
                     "xl/workbook.xml": "<workbook/>"}, None),
    # A part named otherwise, found by its content; and UTF-16, which is XML too.
    ("report.docx", {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>",
                     "word/payload.dat": XXE + "<w/>"}, None),
    ("report.docx", {"[Content_Types].xml": "<Types/>",
                     "word/document.xml": (XXE + "<w/>").encode("utf-16")}, None),
    # A declaration pushed past the 4 KB read by a long comment.
    ("report.docx", {"[Content_Types].xml": "<Types/>",
                     "word/document.xml": "<?xml version='1.0'?><!--" + "x" * 5000 + "-->"
                     + XXE + "<w/>" + "y" * 5000}, None),
    ("data.ods", {"content.xml": XXE + "<office:document-content/>"},
     "application/vnd.oasis.opendocument.spreadsheet"),
])
def test_xml_declarations_refused(filename, parts, mimetype):
    from statportal.files import FileRefused, check_upload

    with pytest.raises(FileRefused, match="XML document type declarations"):
        check_upload(filename, container(parts, mimetype), _wide())


def test_large_harmless_parts_accepted():
    from statportal.files import check_upload

    body = "<w>" + "<p>Өнеркәсіп</p>" * 2000 + "</w>"
    data = container({"[Content_Types].xml": "<Types/>",
                      "word/document.xml": '<?xml version="1.0"?>\r\n' + body,
                      "word/media/image1.png": b"\x89PNG\r\n\x1a\n" + b"<" * 9000})
    assert check_upload("report.docx", data) == "docx"


def test_check_functions_directly():
    from statportal.files import FileRefused
    from statportal.files.htmlsafety import check_html, check_xml_parts

    assert check_html("t.html", page(TABLE)) is None
    assert check_xml_parts("r.xlsx", real_xlsx()) is None
    with pytest.raises(FileRefused) as info:
        check_html("t.html", page('<p>ok</p><img src="//a.example/1.gif"><script></script>'))
    # the first reason in document order
    assert "external resources (//a.example/1.gif)" in info.value.message.interpolate()
