"""What the portal's OpenAPI document says of PxWeb API 2.0's routes (``/api/v2``).

The operations are described here in the portal's own document (so one document lists
every endpoint, and its checks cover these too), in the words of PxWeb's specification
(PxTools' PxAPI-2.yml, linked from each summary's description), limited to what is served.
"""

from statportal.api.openapi import OBJECT, body, query, response

SPEC = "https://github.com/PxTools/PxApiSpecs/blob/master/PxAPI-2.yml"
PROBLEM = {"application/problem+json": {"schema": {
    "type": "object", "required": ["title", "status"],
    "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                   "status": {"type": "integer"}, "detail": {"type": "string"},
                   "field": {"type": "string"}}}},
    # what the portal answers before the view (a malformed body, an unknown method)
    "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
LANG = query("lang", ["kk", "ru", "en"])
FORMATS = ["json-stat2", "csv", "xlsx", "sdmx-csv"]
TAG = ["PxWeb API 2.0"]
DESCRIPTION = (f"PxWeb API 2.0 ({SPEC}), served from the portal's root (not under "
               "/++api++, where it answers too).")


def _problems(*codes):
    texts = {400: "A parameter is wrong: Problem JSON naming it (field).",
             404: "No such table (or none visible to the asker), page or code list.",
             429: "Too many requests: try again after Retry-After seconds."}
    return {str(code): {"description": texts[code], "content": PROBLEM} for code in codes}


def _int(name):
    return {"name": name, "in": "query", "required": False,
            "schema": {"type": "string", "pattern": "^[0-9]+$"}}


TABLE = {"type": "object", "required": ["id", "label", "links"], "properties": {
    "type": {"type": "string"}, "id": {"type": "string"}, "label": {"type": "string"},
    "updated": {"type": "string", "nullable": True},
    "firstPeriod": {"type": "string"}, "lastPeriod": {"type": "string"},
    "variableNames": {"type": "array", "items": {"type": "string"}},
    "timeUnit": {"type": "string"}, "links": {"type": "array", "items": OBJECT}}}
DATA = {"description": "The selection in outputFormat (JSON-stat 2.0 by default; null "
                       "value and status X for a confidential cell).",
        "content": {"application/json": {"schema": OBJECT},
                    "text/csv": {"schema": {"type": "string"}},
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                        {"schema": {"type": "string", "format": "binary"}},
                    "application/vnd.sdmx.data+csv": {"schema": {"type": "string"}}}}
DATA_PARAMETERS = [LANG, query("outputFormat", FORMATS),
                   query("outputFormatParams", ["SeparatorTab", "SeparatorSpace",
                                                "SeparatorSemicolon"])]


def describe(config):
    if not hasattr(config, "add_openapi_operation"):  # included without statportal.api
        return
    add = config.add_openapi_operation
    common = {"tags": TAG, "description": DESCRIPTION}
    add("/api/v2/config", "get", summary="PxWeb API 2.0: the API's configuration "
        "(languages, maxDataCells, calls per time window, formats)",
        responses={"200": response("Configuration.", {
            "type": "object", "required": ["apiVersion", "maxDataCells",
                                           "maxCallsPerTimeWindow", "timeWindow"],
            "properties": {"apiVersion": {"type": "string"},
                           "maxDataCells": {"type": "integer"},
                           "maxCallsPerTimeWindow": {"type": "integer"},
                           "timeWindow": {"type": "integer"}}})}, **common)
    add("/api/v2/tables", "get", summary="PxWeb API 2.0: the tables (indicators), "
        "searched (query, pastDays) and paged (pageNumber, pageSize)",
        parameters=[LANG, query("query"), _int("pastDays"),
                    query("includeDiscontinued", ["true", "false"]), _int("pageNumber"),
                    _int("pageSize")],
        responses={"200": response("Tables and page.", {
            "type": "object", "required": ["language", "tables", "page"],
            "properties": {"language": {"type": "string"},
                           "tables": {"type": "array", "items": TABLE},
                           "page": OBJECT}}), **_problems(400, 404, 429)}, **common)
    add("/api/v2/tables/{id}", "get", summary="PxWeb API 2.0: one table",
        parameters=[LANG], responses={"200": response("The table.", TABLE),
                                      **_problems(400, 404, 429)}, **common)
    add("/api/v2/tables/{id}/metadata", "get", summary="PxWeb API 2.0: the table's "
        "JSON-stat 2.0 metadata (dimensions, codes, labels, unit, contact, updated)",
        parameters=[LANG, query("outputFormat", ["json-stat2"])],
        responses={"200": response("JSON-stat 2.0 dataset without values.", {
            "type": "object", "required": ["version", "class", "id", "size", "dimension"],
            "properties": {"id": {"type": "array", "items": {"type": "string"}},
                           "size": {"type": "array", "items": {"type": "integer"}},
                           "dimension": OBJECT}}),
                   **_problems(400, 404, 429)}, **common)
    add("/api/v2/tables/{id}/data", "get", summary="PxWeb API 2.0: the table's data; "
        "valuecodes[VAR]=codes|*|top(N)|bottom(N)|from(c)|to(c)|range(a,b)|01*",
        parameters=DATA_PARAMETERS,
        responses={"200": DATA, **_problems(400, 404, 429)}, **common)
    add("/api/v2/tables/{id}/data", "post", summary="PxWeb API 2.0: the table's data for "
        "a selection {selection: [{variableCode, valueCodes}], placement}",
        parameters=DATA_PARAMETERS,
        requestBody=body({"type": "object", "properties": {
            "selection": {"type": "array", "items": {
                "type": "object", "required": ["variableCode", "valueCodes"],
                "properties": {"variableCode": {"type": "string"},
                               "valueCodes": {"type": "array",
                                              "items": {"type": "string"}},
                               "codelist": {"type": "string", "nullable": True}}}},
            "placement": OBJECT}}, required=False),
        responses={"200": DATA, **_problems(400, 404, 429)}, **common)
    add("/api/v2/codelists/{id}", "get", summary="PxWeb API 2.0: code lists (none here: "
        "each dimension's codes are in the table's metadata)",
        parameters=[LANG], responses={"404": _problems(404)["404"],
                                      **_problems(400, 429)}, **common)
