"""The data service's messages whose words follow a count (kk and ru have their own plural
forms: ``statportal.i18n.ngettext``), for its templates (``import:`` them). Written here,
in Python, so that the catalogs extract each with its plural; the numbers are formatted in
the page's language, the form is chosen by the number itself."""

from statportal.i18n import format_number, ngettext


def _n(request, value):
    return format_number(request, value, 0)


def stored(request, vintage):
    """The import page: "Stored as vintage 3: 1 row (…)" / "… 25 rows (…)"."""
    summary = getattr(vintage, "summary", None) or {}
    return ngettext(
        "Stored as vintage ${number}: ${n} row (${new} new, ${revised} revised, "
        "${confidential} confidential).",
        "Stored as vintage ${number}: ${n} rows (${new} new, ${revised} revised, "
        "${confidential} confidential).", vintage.rows, {
            "n": _n(request, vintage.rows), "number": vintage.number,
            "new": _n(request, summary.get("new", 0)),
            "revised": _n(request, summary.get("revised", 0)),
            "confidential": _n(request, summary.get("confidential", 0))})


def too_big(request, cells, limit):
    """The indicator page: a selection larger than a page shows."""
    return ngettext(
        "The selection has ${n} cell; a page shows at most ${limit}. Choose fewer codes or "
        "periods, or download the selection below.",
        "The selection has ${n} cells; a page shows at most ${limit}. Choose fewer codes or "
        "periods, or download the selection below.", cells,
        {"n": _n(request, cells), "limit": _n(request, limit)})


def chart_omitted(request, shown, total):
    """The indicator page: the chart draws the first ``shown`` of ``total`` series."""
    return ngettext(
        "The chart shows the first ${shown} of ${n} series; the table shows them all.",
        "The chart shows the first ${shown} of ${n} series; the table shows them all.",
        total, {"n": _n(request, total), "shown": _n(request, shown)})


def compared(request, result, data):
    """The reliability check's summary (``data``: which data, in the page's words)."""
    return ngettext(
        "Compared ${n} cell of ${file} with ${data}: ${equal} equal, ${differ} different.",
        "Compared ${n} cells of ${file} with ${data}: ${equal} equal, ${differ} different.",
        result.compared, {"n": _n(request, result.compared), "file": result.filename,
                          "data": data, "equal": _n(request, result.equal),
                          "differ": _n(request, result.total_differences)})


def first_differences(request, shown):
    """The reliability check: only the first ``shown`` differences are listed."""
    return ngettext("Only the first ${n} difference is listed.",
                    "Only the first ${n} differences are listed.", shown,
                    {"n": _n(request, shown)})
