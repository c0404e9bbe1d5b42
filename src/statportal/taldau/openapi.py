"""What the OpenAPI document says of the data API (``api``): ``/data/@tables``,
``/{path}/@metadata`` and ``/{path}/@data`` (an indicator's path, e.g. ``data/wages``)."""

from statportal.api.openapi import OBJECT, body, query, response

LANGS = ["kk", "ru", "en"]
FORMATS = ["json-stat2", "csv", "xlsx", "sdmx-csv"]
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": "string", "nullable": True}
ETAG = {"ETag": {"description": "Made of what the answer is built from (the applied "
                                "vintages); send it back in If-None-Match.",
                 "required": True, "schema": TEXT},
        "Last-Modified": {"description": "When the newest applied vintage became visible.",
                          "required": False, "schema": TEXT}}
RETRY = {"Retry-After": {"description": "Seconds to wait.", "required": True,
                         "schema": {"type": "integer"}}}
ERROR = {"$ref": "#/components/schemas/Error"}
LINKS = {"type": "object", "additionalProperties": TEXT}
TABLE = {"type": "object", "required": ["id", "label", "updated", "firstPeriod", "lastPeriod"],
         "properties": {"@id": TEXT, "id": TEXT, "code": TEXT, "label": TEXT,
                        "periodicity": {"type": "string",
                                        "enum": ["monthly", "quarterly", "annual"]},
                        "updated": {"type": "string", "format": "date-time",
                                    "nullable": True},
                        "firstPeriod": NULLABLE_TEXT, "lastPeriod": NULLABLE_TEXT,
                        "links": LINKS}}
TABLES = {"type": "object", "required": ["items", "items_total"],
          "properties": {"@id": TEXT, "language": TEXT, "items": {"type": "array",
                                                                 "items": TABLE},
                         "items_total": {"type": "integer"}, "b_start": {"type": "integer"},
                         "b_size": {"type": "integer"}, "batching": LINKS}}
VALUE = {"type": "object", "properties": {"code": TEXT, "label": TEXT,
                                          "parent": NULLABLE_TEXT}}
METADATA = {
    "type": "object",
    "required": ["id", "label", "dimensions", "updated"],
    "properties": {
        "@id": TEXT, "id": TEXT, "code": TEXT, "language": TEXT, "label": TEXT,
        "definition": TEXT, "unit": TEXT, "periodicity": TEXT, "source": TEXT,
        "methodologyUrl": NULLABLE_TEXT, "updated": {"type": "string", "nullable": True},
        "firstPeriod": NULLABLE_TEXT, "lastPeriod": NULLABLE_TEXT,
        "decimals": {"type": "integer"}, "notes": {"type": "array", "items": TEXT},
        "dimensions": {"type": "array", "items": {
            "type": "object", "properties": {"code": TEXT, "label": TEXT,
                                             "values": {"type": "array", "items": VALUE}}}},
        "contact": {"type": "object", "properties": {
            "unit": TEXT, "unitTitle": TEXT, "questions": TEXT, "email": TEXT}},
        "nextUpdate": {"type": "object", "nullable": True, "properties": {
            "at": TEXT, "exact": {"type": "boolean"}, "title": TEXT, "@id": TEXT}},
        "links": LINKS}}
SELECTION = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "valuecodes": {"type": "object", "description": "Per dimension code: codes "
                       "separated by commas, *, top(N), bottom(N), from(code), to(code), or "
                       "a list of codes. A dimension left out: every code.",
                       "additionalProperties": {"oneOf": [
                           TEXT, {"type": "array", "items": TEXT, "minItems": 1}]}},
        "lang": {"type": "string", "enum": LANGS},
        "asOf": {"type": "string", "description": "ISO date or time"},
        "outputFormat": {"type": "string", "enum": FORMATS}}}
DATA = {
    "description": "The selection in the output format (JSON-stat 2.0 by default); a "
                   "confidential cell is null with status X (CSV/xlsx: X; SDMX-CSV: empty "
                   "OBS_VALUE with CONF_STATUS C or D).",
    "headers": ETAG,
    "content": {"application/json": {"schema": OBJECT},
                "text/csv": {"schema": TEXT},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "format": "binary"}},
                "application/vnd.sdmx.data+csv": {"schema": TEXT}}}
NOT_MODIFIED = {"304": {"description": "Not modified (If-None-Match)."}}
THROTTLED = {"429": {"description": "Too many requests from this address: try again after "
                                    "Retry-After seconds.",
                     "headers": RETRY, "content": {"application/json": {"schema": ERROR}}}}


def with_headers(description, schema):
    answer = response(description, schema)
    answer["headers"] = ETAG
    return answer


def data_parameters():
    return [query("lang", LANGS), query("outputFormat", FORMATS),
            {**query("asOf"), "description": "ISO date or time: the data as the caller "
                                             "would have seen them then"},
            {"name": "valuecodes", "in": "query", "required": False, "style": "deepObject",
             "explode": True, "schema": {"type": "object", "additionalProperties": TEXT},
             "description": "valuecodes[<dimension>]=<code>,<code> | * | top(N) | "
                            "bottom(N) | from(<code>) | to(<code>); a dimension left out: "
                            "every code"}]


def includeme(config):
    if not hasattr(config, "add_openapi_operation"):  # included without statportal.api
        return
    add = config.add_openapi_operation
    add("/data/@tables", "get",
        summary="The data service's indicators the caller may see: id, label, updated, "
                "first and last period (query: words of the id, code or title in any "
                "language; pastDays: updated in the last N days)",
        parameters=[query("query"), {**query("pastDays"), "schema": {
            "type": "string", "pattern": "^[0-9]{1,5}$"}}, query("lang", LANGS),
                    query("b_start"), query("b_size")],
        responses={"200": with_headers("Indicators.", TABLES), **NOT_MODIFIED, **THROTTLED})
    add("/{path}/@metadata", "get",
        summary="An indicator's metadata: dimensions with codes and labels, unit, notes, "
                "contact, source, updated, next update",
        parameters=[query("lang", LANGS)],
        responses={"200": with_headers("Metadata.", METADATA), **NOT_MODIFIED,
                   **THROTTLED})
    for method in ("get", "post"):
        add("/{path}/@data", method,
            summary="A selection of an indicator's data (valuecodes), in a format, as of a "
                    "time" + (" (the same as a JSON body)" if method == "post" else ""),
            parameters=data_parameters() if method == "get" else
            [query("lang", LANGS), query("outputFormat", FORMATS), query("asOf")],
            **({"requestBody": body(SELECTION)} if method == "post" else {}),
            responses={"200": DATA, **NOT_MODIFIED, **THROTTLED})
