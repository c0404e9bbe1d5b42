"""Previews of a file's content, computed once per stored file version.

``make_preview(extension, data)`` returns a plain dict (str, int, bool, list, dict) that is
kept on the file object in ZODB, or None when the format has no preview or the file cannot
be read (it never raises: a file the policy accepted is stored with or without a preview).

* Tables — xlsx, xls, csv, html/htm: ``{"kind": "table", "html": {"kk", "ru", "en"},
  "has_x", "x_explained", "truncated"}``. Sheets are read into grids by
  ``statportal.files.tables`` (hidden sheets, rows and columns left out; at most 20 sheets
  of 500 rows and 60 columns). Each sheet with data is one ``<table class="preview">``
  captioned with the sheet's name; its leading rows (at most 3) without numbers are the
  header (``<th scope="col">``), a text first cell of a body row is ``<th scope="row">``,
  merged cells keep their spans. Trailing rows with only a first text cell (and, in HTML
  files, the paragraphs after the last table) are footnotes, ``<p class="footnote">``.
  The HTML is rendered once per language because numbers are written differently: kk and
  ru group with a no-break space and use a decimal comma, en groups with commas and uses
  a decimal point; decimals follow the cell's number format, otherwise the value's own
  (at most 6). Integers that read as years (1900–2100) are not grouped (2024, not 2 024).
  X (the confidentiality mark, Latin or Cyrillic) is ``<td class="confidential">X</td>``;
  ``has_x`` says one is shown and ``x_explained`` whether the file itself says what X means
  (a footnote or cell such as "X – конфиденциальные данные"), so the page can add the
  explanation when it does not. ``truncated`` is for the page to say, in the reader's
  language, that the preview is partial; the HTML says nothing about it.
* Images — jpg, jpeg, png, gif, bmp: ``{"kind": "image", "width", "height"}`` (Pillow
  reads the header only; its decompression-bomb limit stays in force).
* pdf: ``{"kind": "pdf", "pages"}``.

The table HTML is safe by construction: it is built element by element with lxml from
cell texts, never from markup of the source, and holds only table, caption, thead, tbody,
tr, th, td and p, with no attributes but class, scope, colspan and rowspan (integers 1 to
1000). An HTML source is only read for its text (``text_content()``) and spans; its tags,
attributes and styles go nowhere. lxml escapes the text when serialising.
"""

import io
import logging
import re
from decimal import Decimal

import lxml.html
from babel.numbers import format_decimal
from lxml import etree

from statportal.files import tables
from statportal.files.tables import INVALID_TEXT, is_year

log = logging.getLogger(__name__)

#: The portal's languages and the locales their numbers are written in.
LOCALES = {"kk": "kk_KZ", "ru": "ru_RU", "en": "en_GB"}
#: The group separator wanted in kk and ru, whatever the CLDR version says.
NBSP_GROUPED = ("kk", "ru")

TABLE_READERS = {"xlsx": tables.read_xlsx, "xls": tables.read_xls, "csv": tables.read_csv,
                 "html": tables.read_html, "htm": tables.read_html}
IMAGE_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "gif": "GIF", "bmp": "BMP"}
MAX_DECIMALS = 6

#: What a footnote or cell says when it explains the X mark.
X_EXPLAINED = re.compile(r"^\s*[«\"(]?[XxХх][»\")]?\s*[-–—:=]|конфиденц|құпия|confidential",
                         re.I)


def make_preview(extension, data):
    """The preview of a file's content (see the module docstring), or None."""
    extension = str(extension or "").lower().lstrip(".")
    try:
        if extension in TABLE_READERS:
            return table_preview(*TABLE_READERS[extension](data))
        if extension in IMAGE_FORMATS:
            return image_preview(data, IMAGE_FORMATS[extension])
        if extension == "pdf":
            from statportal.files.pages import page_count

            pages = page_count("pdf", data)
            return None if pages is None else {"kind": "pdf", "pages": int(pages)}
    except Exception:  # noqa: BLE001 (a damaged file has no preview; the policy took it)
        log.info("no preview for a .%s file", extension, exc_info=True)
    return None


def image_preview(data, pillow_format):
    from PIL import Image

    with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
        width, height = image.size
        image.verify()
    if width < 1 or height < 1:
        return None
    return {"kind": "image", "width": int(width), "height": int(height)}


def table_preview(grids, truncated):
    if not grids:
        return None
    cells = [cell for grid in grids for row in grid.rows for cell in row]
    texts = [cell.value for cell in cells if cell.kind == "text"]
    texts += [note for grid in grids for note in grid.footnotes]
    return {
        "kind": "table",
        "html": {language: "".join(render_grid(grid, language) for grid in grids)
                 for language in LOCALES},
        "has_x": any(cell.is_x for cell in cells),
        "x_explained": any(X_EXPLAINED.search(text) for text in texts),
        "truncated": bool(truncated),
    }


def format_number(cell, language):
    value = cell.value
    if isinstance(value, float):
        value = Decimal(repr(value))
    grouped = cell.grouped if cell.grouped is not None else not is_year(cell)
    if cell.decimals is None:
        fraction = "." + "#" * MAX_DECIMALS
    else:
        fraction = "0" * min(cell.decimals, 30) + "#" * min(cell.extra_decimals, 30)
        fraction = "." + fraction if fraction else ""
    pattern = ("#,##0" if grouped else "0") + fraction
    text = format_decimal(value, format=pattern, locale=LOCALES[language])
    if language in NBSP_GROUPED:
        text = text.replace("\u202f", "\u00a0").replace(" ", "\u00a0")
    return text + ("%" if cell.percent else "")


def _text_of(cell, language):
    if cell.is_x:
        return "X"
    if cell.kind == "number":
        return format_number(cell, language)
    return cell.value or ""


def _element(parent, tag, text=None, **attributes):
    """A child element with whitelisted attributes only (see the module docstring)."""
    element = etree.SubElement(parent, tag) if parent is not None else etree.Element(tag)
    for name in ("class_", "scope", "colspan", "rowspan"):
        value = attributes.get(name)
        if value is None:
            continue
        if name in ("colspan", "rowspan"):
            if value == 1:
                continue
            value = str(max(1, min(int(value), 1000)))
        element.set(name.rstrip("_"), value)
    if text:
        element.text = INVALID_TEXT.sub("", text)  # texts are clean; keep the no-break spaces
    return element


def _cell(tr, cell, language, header, first, rows_left):
    classes = []
    text = _text_of(cell, language)
    if header and text.strip():
        tag, scope = "th", "col"
    elif header:  # an empty corner heads nothing: a header cell must have a text
        tag, scope = "td", None
    elif first and cell.kind == "text" and not cell.is_x:
        tag, scope = "th", "row"
    else:
        tag, scope = "td", None
    if cell.is_x:
        classes.append("confidential")
    elif cell.kind == "number" and not header:
        classes.append("number")
    _element(tr, tag, text, class_=" ".join(classes) or None, scope=scope,
             colspan=cell.colspan, rowspan=min(cell.rowspan, rows_left))


def render_grid(grid, language):
    """One table (and its footnotes) as HTML text."""
    table = _element(None, "table", class_="preview")
    if grid.name:
        _element(table, "caption", grid.name)
    sections = (("thead", 0, grid.header_rows), ("tbody", grid.header_rows, len(grid.rows)))
    for tag, start, end in sections:
        if start == end:
            continue
        section = _element(table, tag)
        for r in range(start, end):
            tr = _element(section, "tr")
            for c, cell in enumerate(grid.rows[r]):
                if cell.covered_by is not None:
                    if cell.covered_by[0] >= start:
                        continue  # drawn by the merge's first cell
                    cell = tables.Cell()  # a merge cut at the header's end
                _cell(tr, cell, language, header=tag == "thead", first=c == 0,
                      rows_left=end - r)
    parts = [lxml.html.tostring(table, encoding="unicode")]
    for note in grid.footnotes:
        parts.append(lxml.html.tostring(_element(None, "p", note, class_="footnote"),
                                        encoding="unicode"))
    return "".join(parts)
