"""The text of documents that carry figures outside a table file (a PDF bulletin, a
Word note, a web page), and the numbers in it: a hidden cell's value must not appear in
any of them. Images carry no text to read; binary Word and PowerPoint (.doc, .ppt) are not
read, so with primary data they cannot be published."""

import io
import re
import zipfile

from lxml import etree, html

IMAGES = ("png", "jpg", "jpeg", "gif", "bmp")
XML_TEXT = {"docx": ("word/document.xml",), "pptx": ("ppt/slides/",),
            "odt": ("content.xml",), "ods": ("content.xml",)}
# Three readings, all kept (a comma is a decimal sign in kk/ru texts and a separator in
# CSV): point decimals, comma decimals, thousands grouped by spaces.
NUMBERS = (re.compile(r"(?<!\d)\d+(?:\.\d+)?(?!\d)"), re.compile(r"(?<!\d)\d+(?:,\d+)?(?!\d)"),
           re.compile(r"(?<!\d)\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?(?!\d)"))


def text_of(extension, data):
    """The document's text, or None when its format is not read."""
    if extension == "pdf":
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    if extension in XML_TEXT:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        parts = []
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in sorted(archive.namelist()):
                if any(name.startswith(p) for p in XML_TEXT[extension]) and \
                        name.endswith(".xml"):
                    root = etree.fromstring(archive.read(name), parser)
                    parts.append(" ".join(t for t in root.itertext()))
        return "\n".join(parts)
    if extension in ("txt", "csv", "rtf"):
        return data.decode("utf-8", "replace")
    if extension in ("htm", "html"):
        return html.fromstring(data).text_content() if data.strip() else ""
    return None


def numbers_in(text):
    """``[(number, decimals)]`` of every number written in the text (spaces as thousands
    separators, a comma or a point before decimals)."""
    found = set()
    for pattern in NUMBERS:
        for match in pattern.finditer(text):
            raw = re.sub(r"[ \u00a0\u202f]", "", match.group()).replace(",", ".")
            decimals = len(raw.split(".")[1]) if "." in raw else 0
            found.add((float(raw), decimals))
    return sorted(found)
