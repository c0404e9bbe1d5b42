"""``/@openapi.json``: an OpenAPI 3 document of the endpoints and the types' schemas."""

import colander
from pyramid.view import view_config

from statportal.content.base import Content
from statportal.content.registry import get_content_registry
from statportal.security.permissions import VIEW

VERSION = "0.1.0"




def json_schema(node):
    """A JSON Schema (OpenAPI 3.0 dialect) for a colander node."""
    typ = node.typ
    custom = getattr(typ, "json_schema", None)  # a type that says what JSON it takes
    if custom is not None:
        schema = custom(node)
    elif isinstance(typ, colander.Mapping):
        schema = {"type": "object", "additionalProperties": False,
                  "properties": {child.name: json_schema(child) for child in node.children}}
        required = [c.name for c in node.children if c.required]
        if required:
            schema["required"] = required
    elif isinstance(typ, colander.Set | colander.List):
        schema = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
    elif isinstance(typ, colander.Sequence):
        schema = {"type": "array", "items": json_schema(node.children[0])}
    elif isinstance(typ, colander.Boolean):
        schema = {"type": "boolean"}
    elif isinstance(typ, colander.Integer):
        schema = {"type": "integer"}
    elif isinstance(typ, colander.Float | colander.Decimal):
        schema = {"type": "number"}
    elif isinstance(typ, colander.DateTime):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(typ, colander.Date):
        schema = {"type": "string", "format": "date"}
    else:
        schema = {"type": "string"}
        for validator in _validators(node):
            if isinstance(validator, colander.Length) and validator.max is not None:
                schema["maxLength"] = validator.max
            if isinstance(validator, colander.OneOf):
                schema["enum"] = list(validator.choices)
            if isinstance(validator, colander.Email):
                schema["format"] = "email"
    if getattr(node, "writeonly", False):
        schema["writeOnly"] = True
    if node.title:
        schema["title"] = str(node.title)
    if not node.required and not isinstance(typ, colander.Mapping):
        schema["nullable"] = True
    return schema


def _validators(node):
    validator = node.validator
    if isinstance(validator, colander.All):
        return validator.validators
    return [validator] if validator is not None else []


ERROR = {"$ref": "#/components/schemas/Error"}


def _query(name, values=None):
    schema = {"type": "string", **({"enum": values} if values else {})}
    return {"name": name, "in": "query", "required": False, "schema": schema}


def _response(description, schema=None):
    body = {"description": description}
    if schema:
        body["content"] = {"application/json": {"schema": schema}}
    return body


def build_document(request):
    content = get_content_registry(request.registry)
    schemas = {
        "Error": {"type": "object", "properties": {
            "message": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "object", "properties": {
                "field": {"type": "string", "nullable": True},
                "message": {"type": "string"},
                "type": {"type": "string"}}}}}},
        "Summary": {"type": "object", "properties": {
            "@id": {"type": "string"}, "@type": {"type": "string"}, "id": {"type": "string"},
            "title": {"type": "object", "additionalProperties": {"type": "string"}}}},
    }
    add_variants = []
    for info in content.types.values():
        # The unbound schema: vocabularies that depend on the database (org units,
        # groups) are not published to whoever reads this document.
        schema = json_schema(content.schema_template(info))
        schema["properties"] = {
            "@type": {"type": "string", "enum": [info.name]},
            "id": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._~-]*$", "maxLength": 100},
            **schema["properties"],
        }
        schema["required"] = ["@type", *schema.get("required", [])]
        schemas[info.name] = schema
        add_variants.append({"$ref": f"#/components/schemas/{info.name}"})
    errors = {str(code): _response(text, ERROR) for code, text in (
        (400, "Invalid input: each error names its field."), (401, "Not logged in."),
        (403, "Not allowed."), (404, "Not found."), (409, "Conflicts with the current state."))}
    path_param = {"name": "path", "in": "path", "required": True,
                  "schema": {"type": "string"}, "example": "official-statistics/economy",
                  "description": "The object's path, e.g. official-statistics/economy"}
    transition_param = {"name": "transition", "in": "path", "required": True,
                        "schema": {"type": "string"}, "example": "submit"}
    obj_path = {
        "parameters": [path_param],
        "get": {"summary": "Read an object (folders list their items in batches)",
                "parameters": [
                    {"name": "b_start", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                    {"name": "b_size", "in": "query", "schema": {"type": "integer", "minimum": 1}}],
                "responses": {"200": _response("The object.", {"type": "object"}), **errors}},
        "post": {"summary": "Add an object to this folder",
                 "requestBody": {"required": True, "content": {"application/json": {
                     "schema": {"oneOf": add_variants}}}},
                 "responses": {"201": _response("Created; Location names it.", {"type": "object"}),
                               **errors}},
        "patch": {"summary": "Change some fields",
                  "requestBody": {"required": True, "content": {"application/json": {
                      "schema": {"type": "object"}}}},
                  "responses": {"200": _response("The changed object.", {"type": "object"}),
                                **errors}},
        "delete": {"summary": "Remove; a non-empty folder needs ?confirm=true",
                   "parameters": [{"name": "confirm", "in": "query",
                                   "schema": {"type": "boolean"}}],
                   "responses": {"204": _response("Removed."), **errors}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "statportal API", "version": VERSION,
                 "description": "JSON on the same URLs as the HTML (send Accept: "
                                "application/json) or under /++api++/. Authenticate with "
                                "HTTP Basic. Multilingual fields are objects keyed by kk, ru, en."},
        "servers": [{"url": request.application_url + "/++api++",
                     "description": "JSON always"},
                    {"url": request.application_url,
                     "description": "JSON with Accept: application/json"}],
        "components": {"schemas": schemas, "securitySchemes": {
            "basic": {"type": "http", "scheme": "basic"}}},
        "security": [{}, {"basic": []}],
        "paths": {
            "/": {k: v for k, v in obj_path.items() if k != "parameters"},
            "/{path}": obj_path,
            "/@types": {"get": {"summary": "Types this user may add here",
                                "responses": {"200": _response("Types.", {"type": "array"})}}},
            "/{path}/@workflow": {
                "parameters": [path_param],
                "get": {"summary": "State, history and the transitions this user may take",
                        "responses": {"200": _response("The workflow.", {"type": "object"}),
                                      **errors}}},
            "/{path}/@workflow/{transition}": {
                "parameters": [path_param, transition_param],
                "post": {"summary": "Take a transition; guards' findings come as errors (409). "
                                    "A transition with fields takes them too (a question's "
                                    "route: units; answer: answer)",
                         "requestBody": {"content": {"application/json": {"schema": {
                             "type": "object",
                             "properties": {"comment": {"type": "string"}}}}}},
                         "responses": {"200": _response("The workflow after it.",
                                                        {"type": "object"}), **errors}}},
            "/{path}/@sharing": {
                "parameters": [path_param],
                "get": {"summary": "Local roles granted here and above",
                        "responses": {"200": _response("Grants.", {"type": "object"}),
                                      **errors}},
                "post": {"summary": "Grant and revoke local roles",
                         "requestBody": {"content": {"application/json": {"schema": {
                             "type": "object", "required": ["principal"],
                             "additionalProperties": False, "properties": {
                                 "principal": {"type": "string", "example": "user:aigerim"},
                                 "grant": {"type": "array", "items": {"type": "string"}},
                                 "revoke": {"type": "array", "items": {"type": "string"}}}}}}},
                         "responses": {"200": _response("Grants.", {"type": "object"}),
                                       **errors}}},
            "/{path}/@disclosure": {
                "parameters": [path_param],
                "get": {"summary": "A material's or request's tables, bases and confidentiality "
                                   "findings (codes, labels, rules of the cells)",
                        "responses": {"200": _response("The check.", {"type": "object"}),
                                      **errors}},
                "post": {"summary": "A Manager publishes despite the findings, with a reason "
                                    "(only where statportal.disclosure.allow_override is on)",
                         "requestBody": {"required": True, "content": {"application/json": {
                             "schema": {"type": "object", "required": ["reason"],
                                        "additionalProperties": False, "properties": {
                                            "reason": {"type": "string", "minLength": 10,
                                                       "maxLength": 2000}}}}}},
                         "responses": {"200": _response("The check.", {"type": "object"}),
                                       **errors}}},
            "/{path}/@generate": {
                "parameters": [path_param],
                "post": {"summary": "Protect a basis (art. 22: suppress, collapse, transfer, "
                                    "combine) and put the protected table in the place of "
                                    "each table the basis covers",
                         "requestBody": {"required": True, "content": {"application/json": {
                             "schema": {"type": "object", "required": ["rows", "cols"],
                                        "additionalProperties": False, "properties": {
                                            "basis": {"type": "string"},
                                            "rows": {"type": "string"},
                                            "cols": {"type": "string"},
                                            "method": {"type": "string", "enum": [
                                                "suppress", "collapse", "transfer",
                                                "combine"]},
                                            "dim": {"type": "string"},
                                            "depth": {"type": "integer", "minimum": 0},
                                            "code": {"type": "string"},
                                            "to": {"type": "string"},
                                            "where": {"type": "object"},
                                            "codes": {"type": "array",
                                                      "items": {"type": "string"}},
                                            "new_code": {"type": "string"},
                                            "label": {"type": "string"}}}}}},
                         "responses": {"200": _response("The check after it, with generated "
                                                        "(the files written).",
                                                        {"type": "object"}), **errors}}},
            "/@working-calendar": {
                "get": {"summary": "The Manager's exceptions and the public holidays of a year",
                        "responses": {"200": _response("Days.", {"type": "object"}), **errors}},
                "post": {"summary": "Set (kind off|working) or clear (kind null) a day",
                         "responses": {"200": _response("Days.", {"type": "object"}),
                                       **errors}}},
            "/calendar/@releases": {
                "get": {"summary": "The release calendar: view upcoming|past|cancelled, "
                                   "category, section, b_start, b_size",
                        "parameters": [_query("view", ["upcoming", "past", "cancelled"]),
                                       _query("by", ["week", "month"]), _query("category"),
                                       _query("section")],
                        "responses": {"200": _response("Entries.", {"type": "object"}),
                                      **errors}}},
            "/calendar/@ical": {
                "get": {"summary": "The release calendar as iCalendar (RFC 5545)",
                        "parameters": [_query("section"), _query("category"),
                                       _query("lang", ["kk", "ru", "en"])],
                        "responses": {"200": {"description": "text/calendar"},
                                      "400": {"description": "A bad parameter, named."}}}},
            "/plan/@import": {
                "post": {"summary": "Import the work plan from .xlsx: all rows or none; "
                                    "errors name the row and column",
                         "requestBody": {"required": True, "content": {"application/json": {
                             "schema": {"type": "object", "required": ["year", "file"],
                                        "properties": {"year": {"type": "integer"},
                                                       "file": {"type": "object"}}}}}},
                         "responses": {"201": _response("Items.", {"type": "object"}),
                                       **errors}}},
            "/{path}/@publish-now": {
                "parameters": [path_param],
                "post": {"summary": "Ask (first person) or confirm (a second person) to "
                                    "publish a scheduled material before its release time",
                         "requestBody": {"required": True, "content": {"application/json": {
                             "schema": {"type": "object", "required": ["confirm"],
                                        "properties": {"confirm": {"type": "string"},
                                                       "reason": {"type": "string"}}}}}},
                         "responses": {"200": _response("State.", {"type": "object"}),
                                       **errors}}},
            "/@currency": {
                "get": {"summary": "Currency findings (show=open|all)",
                        "responses": {"200": _response("Findings.", {"type": "object"}),
                                      **errors}},
                "post": {"summary": "Send the notice of a finding (key)",
                         "responses": {"200": _response("The notice.", {"type": "object"}),
                                       **errors}}},
            "/@timeliness": {
                "get": {"summary": "Punctuality, placement deadlines met, findings (year)",
                        "responses": {"200": _response("Figures.", {"type": "object"}),
                                      **errors}}},
            "/questions": {
                "post": {"summary": "Ask a question (anyone): @type Question, name, email, "
                                    "organisation, international, topic, text, may_publish, "
                                    "language, attachment; the answer has @status, the "
                                    "asker's link. 429 with Retry-After past the limits",
                         "requestBody": {"required": True, "content": {"application/json": {
                             "schema": {"type": "object",
                                        "required": ["@type", "name", "email", "topic",
                                                     "text"]}}}},
                         "responses": {"201": _response("The question.", {"type": "object"}),
                                       "413": {"description": "Larger than a question can "
                                               "be: refused unread, naming attachment."},
                                       "429": {"description": "Too many questions."},
                                       **errors}}},
            "/questions/@published": {
                "get": {"summary": "Published questions and answers (q, topic, language)",
                        "parameters": [_query("q"), _query("topic"),
                                       _query("language", ["kk", "ru", "en"])],
                        "responses": {"200": _response("Answers.", {"type": "object"})}}},
            "/questions/@dashboard": {
                "get": {"summary": "New and open questions by due date, overdue marked; per "
                                   "unit: count, median answer time, share on time",
                        "responses": {"200": _response("Figures.", {"type": "object"}),
                                      **errors}}},
            "/questions/{id}/@status": {
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "string"}}, _query("t")],
                "get": {"summary": "The asker's view of a question (t: the secret of the link)",
                        "responses": {"200": _response("Status.", {"type": "object"}),
                                      **errors}}},
            "/@openapi.json": {"get": {"summary": "This document",
                                       "responses": {"200": _response("OpenAPI 3.",
                                                                      {"type": "object"})}}},
        },
    }


@view_config(context=Content, name="@openapi.json", renderer="json", permission=VIEW)
def openapi_view(context, request):
    return build_document(request)
