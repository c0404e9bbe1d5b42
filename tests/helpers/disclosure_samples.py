"""A small regional table with its basis, as an office would upload them."""

import io

from openpyxl import Workbook

REGIONS = [("KZ", "", "Kazakhstan", "Қазақстан"), ("ABAI", "KZ", "Abai region", "Абай облысы"),
           ("ABAI-1", "ABAI", "Semey", "Семей"), ("ABAI-2", "ABAI", "Kurchatov", "Курчатов"),
           ("AKM", "KZ", "Akmola region", "Ақмола облысы"),
           ("AKM-1", "AKM", "Kokshetau", "Көкшетау"), ("AKM-2", "AKM", "Stepnogorsk",
                                                       "Степногорск")]
ACTIVITY = [("T", "", "Total", "Барлығы"), ("B", "T", "Mining", "Тау-кен өнеркәсібі"),
            ("C", "T", "Manufacturing", "Өңдеу өнеркәсібі"),
            ("D", "T", "Electricity supply", "Электрмен жабдықтау")]
# (region, activity): (value, respondents); Semey × Mining has a sole respondent
CELLS = {("ABAI-1", "B"): (412.5, 1), ("ABAI-1", "C"): (980.0, 6), ("ABAI-1", "D"): (310.0, 3),
         ("ABAI-2", "B"): (120.0, 4), ("ABAI-2", "C"): (260.0, 5), ("ABAI-2", "D"): (95.0, 3),
         ("AKM-1", "B"): (75.0, 3), ("AKM-1", "C"): (640.0, 7), ("AKM-1", "D"): (150.0, 4),
         ("AKM-2", "B"): (530.0, 5), ("AKM-2", "C"): (210.0, 4), ("AKM-2", "D"): (88.0, 3)}


def basis_xlsx(cells=CELLS, drop_column=None):
    book = Workbook()
    sheet = book.active
    sheet.title = "basis"
    columns = [c for c in ("region", "activity", "value", "respondents") if c != drop_column]
    sheet.append(columns)
    for (region, activity), (value, respondents) in cells.items():
        row = {"region": region, "activity": activity, "value": value,
               "respondents": respondents}
        sheet.append([row[c] for c in columns])
    for name, rows in (("region", REGIONS), ("activity", ACTIVITY)):
        dim = book.create_sheet(name)
        dim.append(["code", "parent", "label", "label_kk"])
        for row in rows:
            dim.append(list(row))
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def basis_table(cells=CELLS):
    from statportal.confidentiality.basis import read_basis

    return read_basis("wages.basis.xlsx", basis_xlsx(cells))


def published_xlsx(status=None, language="en", change=None):
    """The pivot region × activity; ``status`` None: protected by the portal's rules."""
    from statportal.disclosure import MinimumFrequency
    from statportal.disclosure.output import xlsx_bytes
    from statportal.disclosure.protect import protect

    table = basis_table()
    if status is None:
        status = protect(table, [MinimumFrequency()]).status
    for key, value in (change or {}).items():
        table.cells[key].value = value
    return xlsx_bytes(table, status, "region", "activity", language)
