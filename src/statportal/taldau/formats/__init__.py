"""The exports of a selection (``statportal.taldau.result.Result``): JSON-stat 2.0 (the
default), a long CSV, an .xlsx workbook and SDMX-CSV 2.0.

``render(result, output_format, lang)`` gives ``(body, content_type, filename)``; an
unknown format is a ``FormatError`` naming ``outputFormat``. Every format reads the same
arrays: a confidential cell (status 1 or 2) is ``X`` and never carries a number (its value
is NaN in the result already, and each writer masks it again), a missing cell is empty.
Numbers are written with ``result.decimals`` digits, rounded once (``common.rounded``),
the rule of ``statportal.disclosure.output``: ``7471.9``, never ``7471.900000000001``.

Pass ``registry=`` (the application's) to have the workbook's texts translated from the
catalogs and the SDMX agency read from the settings (``statportal.data.sdmx_agency``);
without it the texts are the English defaults and the agency ``KZ_BNS``.
"""

import importlib

from statportal.i18n import _

#: the values of ``outputFormat``, the default first
FORMATS = ("json-stat2", "csv", "xlsx", "sdmx-csv")
DEFAULT_FORMAT = FORMATS[0]

CONTENT_TYPES = {
    "json-stat2": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    # the SDMX REST media type of SDMX-CSV 2.0
    "sdmx-csv": "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8",
}
EXTENSIONS = {"json-stat2": "json", "csv": "csv", "xlsx": "xlsx", "sdmx-csv": "sdmx.csv"}
_WRITERS = {"json-stat2": "jsonstat", "csv": "tabular", "xlsx": "tabular",
            "sdmx-csv": "sdmx_csv"}


class FormatError(ValueError):
    """An ``outputFormat`` that is not one of ``FORMATS``."""

    field = "outputFormat"

    def __init__(self, output_format):
        super().__init__(output_format)
        self.message = _("Unknown output format “${format}”; one of: ${formats}.",
                         mapping={"format": str(output_format)[:40],
                                  "formats": ", ".join(FORMATS)})

    def error(self):
        """The error as the JSON API lists it."""
        return {"field": self.field, "type": "invalid", "message": self.message}


def format_of(output_format):
    """The format named by ``output_format`` (case and surrounding blanks ignored; empty
    or None is the default), or ``FormatError``."""
    name = (output_format or "").strip().lower() or DEFAULT_FORMAT
    if name not in FORMATS:
        raise FormatError(output_format)
    return name


def render(result, output_format=None, lang=None, *, registry=None):
    """``(body: bytes, content_type, filename)`` of ``result`` in ``output_format``;
    ``lang`` (default: the result's) is the language of the texts the format adds."""
    from statportal.taldau.formats.common import Context, filename

    name = format_of(output_format)
    context = Context(lang or result.lang, registry)
    module = importlib.import_module(f"statportal.taldau.formats.{_WRITERS[name]}")
    body = module.write(result, context, name)
    return body, CONTENT_TYPES[name], filename(result, EXTENSIONS[name])
