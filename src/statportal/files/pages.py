"""Page counts where the format tells (art. 5; issue #4 item 4): they pre-fill a request's.

pdf: pages (pypdf); pptx: slides; xlsx: sheets with data (openpyxl, read-only); xls: sheets
with data (xlrd; whitespace-only text is no data, as for the clean-up of art. 5.3). Best
effort from what the writing program recorded: docx and pptx ``docProps/app.xml``
(``<Pages>``), doc and ppt the OLE2 summary information (pages, slides). rtf, txt and the
rest: unknown (None) — the executor gives the count.
"""

import io
import re
import zipfile


def page_count(extension, data):
    """The number of pages of a file's content, or None when the format does not tell."""
    try:
        if extension == "pdf":
            from pypdf import PdfReader

            return len(PdfReader(io.BytesIO(data)).pages)
        if extension == "pptx":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return sum(1 for name in archive.namelist()
                           if re.fullmatch(r"ppt/slides/slide\d+\.xml", name))
        if extension == "xlsx":
            from openpyxl import load_workbook

            from statportal.files.spreadsheets import is_data

            book = load_workbook(io.BytesIO(data), read_only=True)
            try:
                return sum(1 for sheet in book.worksheets
                           if any(is_data(cell) for row in sheet.iter_rows(values_only=True)
                                  for cell in row))
            finally:
                book.close()
        if extension == "xls":
            import xlrd

            from statportal.files.spreadsheets import xls_sheet_has_data

            book = xlrd.open_workbook(file_contents=data, logfile=io.StringIO())
            return sum(1 for sheet in book.sheets() if xls_sheet_has_data(sheet))
        if extension == "docx":
            return _app_properties_pages(data)
        if extension in ("doc", "ppt"):
            return _ole2_summary_count(extension, data)
    except Exception:  # noqa: BLE001 (a damaged file has no count; the policy judged its format)
        return None
    return None


def _app_properties_pages(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("docProps/app.xml")
        if info.file_size > 1024 * 1024:
            return None
        found = re.search(rb"<(?:\w+:)?Pages>(\d{1,6})</", archive.read(info))
    return int(found.group(1)) or None if found else None


def _ole2_summary_count(extension, data):
    import olefile

    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        meta = ole.get_metadata()
    value = meta.num_pages if extension == "doc" else meta.slides
    return value or None


def total_pages(files):
    """The sum over files whose count is known; None when none is known."""
    counts = [page_count(f["extension"], f["data"]) for f in files]
    known = [c for c in counts if c is not None]
    return sum(known) if known else None
