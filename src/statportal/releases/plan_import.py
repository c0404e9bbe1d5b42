"""Importing the year's Statistical Works Plan from a spreadsheet (.xlsx).

The first sheet's first row names the columns (English names, or the Russian and Kazakh
ones in ``ALIASES``); each further row is one plan item. Every row is checked before
anything is stored: one bad row rejects the whole import, and the report names each bad
row and column. Then all items are made in one transaction.

Columns: ``title_kk``, ``title_ru``, ``title_en`` (at least one), ``unit`` (an org unit's
path or code), ``executor``, ``executor_email``, ``category``, ``periodicity``,
``section`` (a section's path), and optionally ``languages`` (``kk ru en``),
``release_day`` (1–28) and ``planned_dates`` (dates separated by commas; required for a
one-off item).
"""

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from statportal.content.paths import find_by_path
from statportal.i18n import LANGUAGES, _
from statportal.placement.schemas import CATEGORIES
from statportal.releases.plan import MONTHS, planned_dates
from statportal.releases.schemas import PERIODICITIES

REQUIRED = ("unit", "executor", "executor_email", "category", "periodicity", "section")
OPTIONAL = ("title_kk", "title_ru", "title_en", "languages", "release_day", "planned_dates")
ALIASES = {
    "наименование (каз)": "title_kk", "наименование (рус)": "title_ru",
    "наименование (англ)": "title_en", "атауы (қаз)": "title_kk", "атауы (орыс)": "title_ru",
    "атауы (ағыл)": "title_en", "подразделение": "unit", "бөлімше": "unit",
    "исполнитель": "executor", "орындаушы": "executor", "e-mail": "executor_email",
    "email": "executor_email", "категория": "category", "санат": "category",
    "периодичность": "periodicity", "кезеңділік": "periodicity", "раздел": "section",
    "бөлім": "section", "языки": "languages", "тілдер": "languages",
    "день выпуска": "release_day", "шығару күні": "release_day",
    "плановые даты": "planned_dates", "жоспарлы күндер": "planned_dates",
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TITLE_MAX = 500   # as the item's form
LENGTHS = {"executor": 200, "executor_email": 254, "category": 50, "periodicity": 50,
           "section": 500, "unit": 500}
MAX_ROWS = 5000


@dataclass
class PlanRow:
    row: int
    values: dict


@dataclass
class ImportReport:
    rows: list = field(default_factory=list)        # PlanRow, checked
    errors: list = field(default_factory=list)      # {"row", "column", "message"}

    def error(self, row, column, message):
        self.errors.append({"row": row, "column": column, "message": message})


class PlanImportError(Exception):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def read_sheet(data):
    """The first sheet's rows as lists of values; raises PlanImportError when it is not a
    workbook openpyxl can read."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 (any failure to read is the file's fault)
        raise PlanImportError([{"row": None, "column": None, "message": _(
            "The file is not an .xlsx workbook that can be read.")}]) from None
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _header(cells):
    names = {}
    for index, cell in enumerate(cells):
        text = " ".join(str(cell or "").split()).lower()
        name = ALIASES.get(text, text)
        if name in REQUIRED or name in OPTIONAL:
            names[name] = index
    return names


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _whole(value, default):
    """A whole number from a cell (an int, an integral float, digits), the default for an
    empty cell, None for anything else (a date, a fraction, text)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool) or isinstance(value, date | datetime):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip()
    return int(text) if text.isdigit() and len(text) < 4 else None


def _unit(portal, value):
    """An org unit by path, or by its code."""
    found = find_by_path(portal, value) if value.startswith("/") else None
    if getattr(found, "__content_type__", None) == "OrgUnit":
        return value
    from statportal.content.paths import path_of

    def walk(folder):
        for child in folder.values():
            if getattr(child, "__content_type__", None) == "OrgUnit":
                if getattr(child, "code", None) == value:
                    return path_of(child)
                found = walk(child)
                if found:
                    return found
        return None

    return walk(portal["orgunits"])


def _dates(value):
    if isinstance(value, datetime):
        return [value.date()]
    if isinstance(value, date):
        return [value]
    days = []
    for part in [p.strip() for p in str(value or "").replace(";", ",").split(",") if p.strip()]:
        day = None
        for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                day = datetime.strptime(part, pattern).date()
                break
            except ValueError:
                continue
        if day is None:
            raise ValueError(part)
        days.append(day)
    return days


def check(portal, rows, year, calendar):
    """Check every row; returns an :class:`ImportReport` whose ``rows`` are ready to make
    (only meaningful when it has no ``errors``)."""
    report = ImportReport()
    if not rows:
        report.error(1, None, _("The sheet is empty."))
        return report
    header = _header(rows[0])
    for column in REQUIRED:
        if column not in header:
            report.error(1, column, _("The column ${column} is missing.",
                                      mapping={"column": column}))
    if not any(f"title_{lang}" in header for lang in LANGUAGES):
        report.error(1, "title_ru", _("A title column (title_kk, title_ru or title_en) is "
                                      "missing."))
    if report.errors:
        return report
    body = [(number, row) for number, row in enumerate(rows[1:], start=2)
            if any(_text(cell) for cell in row)]
    if not body:
        report.error(2, None, _("The sheet has no plan items."))
    if len(body) > MAX_ROWS:
        report.error(None, None, _("At most ${n} rows at once.", mapping={"n": MAX_ROWS}))
        return report

    def cell(row, name):
        index = header.get(name)
        return row[index] if index is not None and index < len(row) else None

    sections = {}
    for number, row in body:
        before = len(report.errors)
        values = {"year": year}
        title = {lang: _text(cell(row, f"title_{lang}")) for lang in LANGUAGES}
        values["title"] = {lang: text for lang, text in title.items() if text}
        if not values["title"]:
            report.error(number, "title_ru", _("A title is required in at least one "
                                               "language."))
        if any(len(text) > TITLE_MAX for text in values["title"].values()):
            report.error(number, "title_ru", _("At most ${max} characters.",
                                               mapping={"max": TITLE_MAX}))
        for name in ("executor", "executor_email", "category", "periodicity", "section",
                     "unit"):
            values[name] = _text(cell(row, name))
            if not values[name]:
                report.error(number, name, _("Required."))
            elif len(values[name]) > LENGTHS[name]:
                report.error(number, name, _("At most ${max} characters.",
                                             mapping={"max": LENGTHS[name]}))
                values[name] = ""
        if values["unit"]:
            unit = _unit(portal, values["unit"])
            if unit is None:
                report.error(number, "unit", _("Unknown unit ${unit}.",
                                               mapping={"unit": values["unit"]}))
            values["unit"] = unit
        if values["executor_email"] and not EMAIL.match(values["executor_email"]):
            report.error(number, "executor_email", _("${value} is not an e-mail address.",
                                                     mapping={"value": values["executor_email"]}))
        if values["category"] and values["category"] not in CATEGORIES:
            report.error(number, "category", _("Unknown category ${name}.",
                                               mapping={"name": values["category"]}))
        if values["periodicity"] and values["periodicity"] not in PERIODICITIES:
            report.error(number, "periodicity", _("Unknown periodicity ${name}.",
                                                  mapping={"name": values["periodicity"]}))
        if values["section"]:
            path = "/" + values["section"].strip("/")
            if path not in sections:
                found = find_by_path(portal, path)
                sections[path] = getattr(found, "__content_type__", None) == "Section"
            if not sections[path]:
                report.error(number, "section", _("No section at ${path}.",
                                                  mapping={"path": path}))
            values["section"] = path
        languages = _text(cell(row, "languages")).replace(",", " ").split() or list(LANGUAGES)
        if any(lang not in LANGUAGES for lang in languages):
            report.error(number, "languages", _("The languages are kk, ru and en."))
        values["languages"] = tuple(sorted(set(languages)))
        values["release_day"] = _whole(cell(row, "release_day"), 15)
        if values["release_day"] is None or not 1 <= values["release_day"] <= 28:
            report.error(number, "release_day", _("The release day is a number from 1 to "
                                                  "28."))
        try:
            values["planned_dates"] = tuple(sorted(set(_dates(cell(row, "planned_dates")))))
        except ValueError as bad:
            report.error(number, "planned_dates", _(
                "${value} is not a date like 2027-03-12 or 12.03.2027.",
                mapping={"value": str(bad)}))
            values["planned_dates"] = ()
        for day in values["planned_dates"]:
            if day.year not in (year, year + 1):
                report.error(number, "planned_dates", _(
                    "${day} is outside the plan's year ${year}.",
                    mapping={"day": day.isoformat(), "year": year}))
                break
        if len(report.errors) == before and not values["planned_dates"]:
            if values["periodicity"] == "one_off":
                report.error(number, "planned_dates", _("A one-off release needs its "
                                                        "planned date."))
            elif values["periodicity"] in MONTHS:
                values["planned_dates"] = planned_dates(values["periodicity"], year,
                                                        values["release_day"], calendar)
        if len(report.errors) == before:
            report.rows.append(PlanRow(number, values))
    return report


def import_plan(registry, portal, data, year, creator, progress=None):
    """Check the workbook and, when every row is right, make the items; returns the items.
    Raises :class:`PlanImportError` with every error, having stored nothing."""
    from statportal.releases.service import create_plan_item
    from statportal.schedule.exceptions import calendar_of

    rows = read_sheet(data)
    report = check(portal, rows, year, calendar_of(portal, registry.settings))
    if report.errors:
        raise PlanImportError(report.errors)
    items = []
    for number, row in enumerate(report.rows, 1):
        items.append((row.row, create_plan_item(registry, portal["plan"], None, row.values,
                                                creator)))
        if progress is not None and (number % 100 == 0 or number == len(report.rows)):
            progress(number, len(report.rows))
    return items
