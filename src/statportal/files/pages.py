"""Page counts where the format tells (art. 5; issue #4 item 4): they pre-fill a request's.

pdf: pages (pypdf); pptx: slides; xlsx: sheets with data (openpyxl, read-only); xls: sheets
with data (xlrd; whitespace-only text is no data, as for the clean-up of art. 5.3); ppt, doc,
docx and others: unknown (None) — the executor gives the count.
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

            book = load_workbook(io.BytesIO(data), read_only=True)
            try:
                return sum(1 for sheet in book.worksheets
                           if any(cell is not None for row in sheet.iter_rows(values_only=True)
                                  for cell in row))
            finally:
                book.close()
        if extension == "xls":
            import xlrd

            from statportal.files.spreadsheets import xls_sheet_has_data

            book = xlrd.open_workbook(file_contents=data, logfile=io.StringIO())
            return sum(1 for sheet in book.sheets() if xls_sheet_has_data(sheet))
    except Exception:  # noqa: BLE001 (a damaged file has no count; the policy judged its format)
        return None
    return None


def total_pages(files):
    """The sum over files whose count is known; None when none is known."""
    counts = [page_count(f["extension"], f["data"]) for f in files]
    known = [c for c in counts if c is not None]
    return sum(known) if known else None
