"""Sheets without data are removed before publication (methodology art. 5.3).

A sheet is without data when no cell holds a value: None, "" and whitespace-only text are
empty; 0, False and errors are data. A file with no empty sheet is stored as it came (the
same bytes); one whose sheets are all empty is refused, as is one that cannot be read.

xlsx: openpyxl loads the whole workbook (not read-only, so styles, formats, merges, widths,
charts and images come along; defusedxml, installed, guards its XML parsing), deletes the
empty worksheets and saves. A worksheet with a chart or an image holds data; chart sheets
stay. Defined names pointing into a removed sheet are dropped (Excel would repair the file);
the active tab moves to a kept visible sheet. openpyxl drops what it does not model (shapes,
text boxes, form controls) and cached formula results (Excel recalculates them).

xls: xlrd reads values and formatting only; xlwt writes a new BIFF8 file with values and
their types (dates: numbers with a date format), number formats, fonts, alignment, borders,
fills, palette, merged cells, column widths, row heights, hidden rows, columns and sheets,
frozen panes, gridlines and the 1904 date system. Lost: formulas (kept as their last values,
all xlrd gives), rich text runs, comments, hyperlinks, defined names, page setup, charts,
images, conditional formatting, data validation, autofilters, outlines and protection. One
style per source XF record keeps the copy within xlwt's ~4,000 styles, like its source.
"""

import io
import re
from dataclasses import dataclass

import xlrd
import xlwt
from xlwt.Cell import error_code_map

from statportal.files.policy import FileRefused
from statportal.i18n import _


@dataclass
class Cleaned:
    data: bytes            # the file to store (the original bytes when nothing was removed)
    removed_sheets: list   # names of the sheets removed, in workbook order


def clean_workbook(filename, extension, data):
    """Remove the sheets without data; ``Cleaned(data, [])`` when there are none."""
    if extension == "xlsx":
        return _clean_xlsx(filename, data)
    if extension == "xls":
        return _clean_xls(filename, data)
    return Cleaned(data, [])


def is_data(value):
    return value is not None and not (isinstance(value, str) and not value.strip())


def xls_sheet_has_data(sheet):
    """Whether an xlrd sheet has a cell with a value (empty and blank cells have "")."""
    return any(is_data(value) for r in range(sheet.nrows) for value in sheet.row_values(r))


def _open(filename, opener):
    try:
        return opener()
    except Exception as error:  # noqa: BLE001 (xlrd and openpyxl raise many kinds on damage)
        raise FileRefused(_("${file} cannot be read as a spreadsheet.",
                            mapping={"file": filename}), filename) from error


def _all_empty(filename):
    return FileRefused(_("${file}: no sheet holds data.", mapping={"file": filename}), filename)


#: An .xlsx is read in full (openpyxl, about 1 MB of sheet XML per second) only to remove
#: sheets, and only up to this size unpacked; bigger ones with an empty sheet are refused
#: (a small upload can unpack to gigabytes). Previews use the same bound.
XLSX_MAX_UNPACKED = 20 * 1024 * 1024


def _unpacked_size(filename, data):
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise FileRefused(_("${file} cannot be read as a spreadsheet.",
                            mapping={"file": filename}), filename) from error


SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _stream(stream, tag):
    """The ``tag`` elements of an XML part, read by lxml's streaming parser (no entities,
    no network). Each element is freed once seen, with everything read before it: the
    tree never holds more than the path to the current element."""
    from lxml import etree

    parser = etree.iterparse(stream, events=("end",), tag=tag, resolve_entities=False,
                             no_network=True, huge_tree=False)
    for _event, element in parser:
        yield element
        element.clear(keep_tail=False)
        node = element
        while (parent := node.getparent()) is not None:
            while node.getprevious() is not None:
                del parent[0]
            node = parent


def _blank_strings(archive):
    """One byte per shared string, 1 when it is only blanks (``is_data`` says no data)."""
    blank = bytearray()
    with archive.open("xl/sharedStrings.xml") as stream:
        for item in _stream(stream, f"{MAIN}si"):
            blank.append(not "".join(item.itertext()).strip())
    return blank


def _maybe_empty_sheets(filename, data):
    """Whether some worksheet part may be empty (``_sheet_parts``)."""
    return any(state != "data" for state in _sheet_parts(filename, data))


def _sheet_parts(filename, data):
    """What each worksheet part holds: "data", "drawing" (no value, but a drawing: a chart
    or an image, which openpyxl counts as data) or "empty". Streamed (``_stream``), stopping
    at each part's first value: the usual workbook is never loaded in full.

    The unpacked size is bounded before anything is read (``policy.ZIP_MAX_UNPACKED``;
    uploads are held to their policy's lower bound by ``check_upload`` first). The shared
    strings are read only when a sheet's first value is one, and only in a workbook small
    enough to clean (``XLSX_MAX_UNPACKED``); in a bigger one a shared string counts as data
    unread (it could not be cleaned anyway). Shared strings that are only blanks count as
    no data, as ``is_data`` says."""
    import zipfile

    from lxml import etree

    from statportal.files.policy import ZIP_MAX_UNPACKED

    unreadable = FileRefused(_("${file} cannot be read as a spreadsheet.",
                               mapping={"file": filename}), filename)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            total = sum(info.file_size for info in infos)
            if total > ZIP_MAX_UNPACKED:
                raise _too_large(filename, ZIP_MAX_UNPACKED)
            names = [info.filename for info in infos]
            shared = "xl/sharedStrings.xml" in names and total <= XLSX_MAX_UNPACKED
            blank = None
            states = []
            for name in names:
                if not SHEET_PART.fullmatch(name):
                    continue
                state = "empty"
                with archive.open(name) as stream:
                    for cell in _stream(stream, (f"{MAIN}c", f"{MAIN}drawing")):
                        if cell.tag == f"{MAIN}drawing":
                            state = "drawing"
                            continue
                        kind, value = _cell_value(cell)
                        if kind == "s" and shared:
                            if blank is None:
                                blank = _blank_strings(archive)
                            index = int(value) if value.isdigit() else -1
                            if 0 <= index < len(blank) and blank[index]:
                                continue
                        if kind:
                            state = "data"
                            break
                states.append(state)
    except FileRefused:
        raise
    except (zipfile.BadZipFile, etree.XMLSyntaxError, OSError, ValueError, EOFError) as error:
        raise unreadable from error
    return states


def _too_large(filename, limit):
    return FileRefused(_("${file} unpacks to more than ${mb} MB.",
                         mapping={"file": filename, "mb": limit // (1024 * 1024)}), filename)


def _cell_value(cell):
    """``(kind, text)`` of a cell: kind "" when it holds no data, "s" for a shared string
    (text is its index), "data" for any other value."""
    kind = cell.get("t")
    if kind == "inlineStr":
        return ("data" if "".join(cell.itertext()).strip() else ""), ""
    value = cell.find(f"{MAIN}v")
    if value is None or value.text is None:
        return "", ""
    if kind == "s":
        return "s", value.text.strip()
    if kind == "str":
        return ("data" if value.text.strip() else ""), ""
    return "data", ""


def _clean_xlsx(filename, data):
    from openpyxl import load_workbook

    states = _sheet_parts(filename, data)
    if all(state == "data" for state in states):
        return Cleaned(data, [])
    if states and all(state == "empty" for state in states):
        raise _all_empty(filename)  # known from the stream: openpyxl need not load it
    if _unpacked_size(filename, data) > XLSX_MAX_UNPACKED:
        raise FileRefused(_("${file} has sheets without data and is too large to clean "
                            "(over ${mb} MB unpacked): remove the empty sheets and upload "
                            "it again.", mapping={"file": filename,
                                                 "mb": XLSX_MAX_UNPACKED // (1024 * 1024)}),
                          filename)
    book = _open(filename, lambda: load_workbook(io.BytesIO(data)))
    empty = [sheet for sheet in book.worksheets
             if not (sheet._charts or sheet._images
                     or any(is_data(v) for row in sheet.iter_rows(values_only=True) for v in row))]
    if not empty:
        return Cleaned(data, [])
    if len(empty) == len(book.worksheets):
        raise _all_empty(filename)
    order = [book[title] for title in book.sheetnames]
    start = order.index(book.active) if book.active in order else 0
    removed = [sheet.title for sheet in empty]
    for sheet in empty:
        book.remove(sheet)
    kept = [book[title] for title in book.sheetnames]
    visible = [sheet for sheet in kept if sheet.sheet_state == "visible"] or kept[:1]
    visible[0].sheet_state = "visible"  # when all kept sheets were hidden
    # The active sheet stays if kept, else the next visible sheet, else the last visible one.
    book.active = next((sheet for sheet in order[start:] if sheet in visible), visible[-1])
    for sheet in book.worksheets:
        sheet.sheet_view.tabSelected = sheet is book.active
    for view in book.views:
        view.firstSheet = 0
    gone = set(removed)
    for names in (book.defined_names, *(sheet.defined_names for sheet in book.worksheets)):
        for key in [key for key, name in names.items() if _sheets_named(name.value) & gone]:
            del names[key]
    buffer = io.BytesIO()
    book.save(buffer)
    return Cleaned(buffer.getvalue(), removed)


def _sheets_named(formula):
    """The sheet names a formula refers to (a 3-D reference names both ends)."""
    from openpyxl.formula.tokenizer import Tokenizer, TokenizerError

    try:
        tokens = Tokenizer("=" + (formula or "")).items
    except TokenizerError:
        return set()
    # 'It''s'!A1, Sheet1:Sheet3!A1 (a sheet name cannot begin or end with an apostrophe)
    return {name for token in tokens if token.subtype == "RANGE" and "!" in token.value
            for name in token.value.rpartition("!")[0].strip("'").replace("''", "'").split(":")}


def _clean_xls(filename, data):
    book = _open(filename, lambda: xlrd.open_workbook(
        file_contents=data, formatting_info=True, logfile=io.StringIO()))
    sheets = book.sheets()
    kept = [sheet for sheet in sheets if xls_sheet_has_data(sheet)]
    if len(kept) == len(sheets):
        return Cleaned(data, [])
    if not kept:
        raise _all_empty(filename)
    out = xlwt.Workbook(style_compression=2)
    out.dates_1904 = bool(book.datemode)
    for index, rgb in enumerate(book.palette_record, 8):
        out.set_colour_RGB(index, *rgb)
    styles = {}
    for sheet in kept:
        _copy_sheet(book, sheet, out.add_sheet(sheet.name), styles)
    visible = [i for i, sheet in enumerate(kept) if sheet.visibility == 0] or [0]
    out.active_sheet = next((i for i in visible if kept[i].sheet_visible), visible[0])
    active = out.get_sheet(out.active_sheet)  # shown, even when all kept sheets were hidden
    active.visibility, active.selected, active.sheet_visible = 0, True, True
    buffer = io.BytesIO()
    out.save(buffer)
    return Cleaned(buffer.getvalue(), [sheet.name for sheet in sheets if sheet not in kept])


def _copy_sheet(book, sheet, ws, styles):
    for r in range(sheet.nrows):
        row = ws.row(r)
        for c, cell in enumerate(sheet.row(r)):
            if cell.ctype == xlrd.XL_CELL_EMPTY:
                continue
            style = styles.get(cell.xf_index)
            if style is None:
                style = styles[cell.xf_index] = _style(book, book.xf_list[cell.xf_index])
            if cell.ctype == xlrd.XL_CELL_ERROR:  # unknown codes become #N/A
                row.set_cell_error(c, cell.value if cell.value in error_code_map else 42, style)
            else:  # text, number, date (a number with a date format), boolean, blank ("")
                row.write(c, bool(cell.value) if cell.ctype == xlrd.XL_CELL_BOOLEAN
                          else cell.value, style)
    # Not ws.merge(): it would write blanks over the copied cells; each keeps its own style.
    ws.merged_ranges.extend((r1, r2 - 1, c1, c2 - 1) for r1, r2, c1, c2 in sheet.merged_cells)
    # xlwt writes no default width: unlisted columns get it if the file sets a non-default one.
    if sheet.standardwidth is not None or sheet.defcolwidth not in (None, 8):
        for c in set(range(sheet.ncols)) - set(sheet.colinfo_map):
            ws.col(c).width = sheet.computed_column_width(c)
    for c, info in sheet.colinfo_map.items():
        ws.col(c).width, ws.col(c).hidden = info.width, info.hidden
    for r, info in sheet.rowinfo_map.items():
        if info.height_mismatch or info.hidden:
            row = ws.row(r)
            row.height, row.height_mismatch, row.hidden = info.height, 1, info.hidden
    if sheet.panes_are_frozen and sheet.has_pane_record:
        ws.panes_frozen = True
        ws.horz_split_pos, ws.vert_split_pos = sheet.horz_split_pos, sheet.vert_split_pos
    ws.show_grid, ws.visibility = sheet.show_grid_lines, sheet.visibility


def _style(book, xf):
    """An xlwt style for an xlrd XF record: number format, font, alignment, borders, fill."""
    style = xlwt.XFStyle()
    style.num_format_str = getattr(book.format_map.get(xf.format_key), "format_str", "General")
    source, font = book.font_list[xf.font_index], style.font
    font.name, font.height, font.colour_index = source.name, source.height, source.colour_index
    font.bold, font.italic, font.struck_out = (bool(source.bold), bool(source.italic),
                                               bool(source.struck_out))
    font.underline, font.escapement = source.underline_type, source.escapement
    font.family, font.charset = source.family, source.character_set
    a, alignment = xf.alignment, style.alignment
    alignment.horz, alignment.vert, alignment.wrap = a.hor_align, a.vert_align, a.text_wrapped
    alignment.inde, alignment.rota, alignment.shri = a.indent_level, a.rotation, a.shrink_to_fit
    for side in ("left", "right", "top", "bottom"):
        setattr(style.borders, side, getattr(xf.border, f"{side}_line_style"))
        setattr(style.borders, f"{side}_colour", getattr(xf.border, f"{side}_colour_index"))
    fill, pattern = xf.background, style.pattern
    pattern.pattern, pattern.pattern_fore_colour, pattern.pattern_back_colour = (
        fill.fill_pattern, fill.pattern_colour_index, fill.background_colour_index)
    return style
