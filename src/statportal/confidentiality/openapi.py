"""What the OpenAPI document says of the confidentiality's JSON endpoints."""

from statportal.api.openapi import OBJECT, body, query, response


def includeme(config):
    if not hasattr(config, "add_openapi_operation"):  # included without statportal.api
        return
    add = config.add_openapi_operation
    add("/{path}/@disclosure", "get",
        summary="A material's or request's tables, bases and confidentiality findings "
                "(codes, labels, rules of the cells)",
        responses={"200": response("The check.", OBJECT)})
    add("/{path}/@disclosure", "post",
        summary="A Manager publishes despite the findings, with a reason (only where "
                "statportal.disclosure.allow_override is on)",
        requestBody=body({"type": "object", "required": ["reason"],
                          "additionalProperties": False, "properties": {
                              "reason": {"type": "string", "minLength": 10,
                                         "maxLength": 2000}}}),
        responses={"200": response("The check.", OBJECT)})
    add("/{path}/@generate", "post",
        summary="Protect a basis (art. 22: suppress, collapse, transfer, combine) and put "
                "the protected table in the place of each table the basis covers",
        requestBody=body({"type": "object", "required": ["rows", "cols"],
                          "additionalProperties": False, "properties": {
                              "basis": {"type": "string"}, "rows": {"type": "string"},
                              "cols": {"type": "string"},
                              "method": {"type": "string", "enum": [
                                  "suppress", "collapse", "transfer", "combine"]},
                              "dim": {"type": "string"},
                              "depth": {"type": "integer", "minimum": 0},
                              "code": {"type": "string"}, "to": {"type": "string"},
                              "where": {"type": "object"},
                              "codes": {"type": "array", "items": {"type": "string"}},
                              "new_code": {"type": "string"}, "label": {"type": "string"}}}),
        responses={"200": response("The check after it, with generated (the files "
                                   "written).", OBJECT)})
    add("/@primary-data", "get",
        summary="The primary-data declarations of materials and requests (b_start, b_size)",
        parameters=[query("b_start"), query("b_size")],
        responses={"200": response("Declarations.", OBJECT)})
