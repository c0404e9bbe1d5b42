"""What the OpenAPI document says of the core's JSON endpoints (the object, its workflow,
its sharing, the types, the working calendar, the document itself)."""

from statportal.api.openapi import OBJECT, body, query, response


def add_variants(registry):
    """The body of a POST to a folder: one of the registered types."""
    from statportal.content.registry import get_content_registry

    return body({"oneOf": [{"$ref": f"#/components/schemas/{info.name}"}
                           for info in get_content_registry(registry).types.values()]})


def batch_parameters(registry):
    """``b_start`` and ``b_size`` as ``statportal.batching.read_batch`` takes them."""
    from statportal.numbers import MAX_DIGITS
    from statportal.settings import as_int

    most = as_int(registry.settings, "statportal.batch_max")
    return [{"name": "b_start", "in": "query", "schema": {
                "type": "integer", "minimum": 0, "maximum": 10 ** MAX_DIGITS - 1}},
            {"name": "b_size", "in": "query", "schema": {
                "type": "integer", "minimum": 1, "maximum": most}}]


OBJECT_OPERATIONS = {
    "get": {"summary": "Read an object (folders list their items in batches)",
            "parameters": batch_parameters,
            "responses": {"200": response("The object.", OBJECT)}},
    "post": {"summary": "Add an object to this folder", "requestBody": add_variants,
             "responses": {"201": response("Created; Location names it.", OBJECT)}},
    "patch": {"summary": "Change some fields", "requestBody": body(OBJECT),
              "responses": {"200": response("The changed object.", OBJECT)}},
    "delete": {"summary": "Remove; a non-empty folder needs ?confirm=true",
               "parameters": [{"name": "confirm", "in": "query",
                               "schema": {"type": "boolean"}}],
               "responses": {"204": response("Removed.")}},
}


def includeme(config):
    add = config.add_openapi_operation
    for path in ("/", "/{path}"):
        for method, operation in OBJECT_OPERATIONS.items():
            add(path, method, **operation)
    add("/{path}/@types", "get", summary="Types this user may add here",
        responses={"200": response("Types.", {"type": "array"})})
    add("/{path}/@workflow", "get",
        summary="State, history and the transitions this user may take",
        responses={"200": response("The workflow.", OBJECT)})
    add("/{path}/@workflow", "post", at="/{path}/@workflow/{transition}",
        summary="Take a transition; guards' findings come as errors (409). A transition "
                "with fields takes them too (a question's route: units; answer: answer)",
        requestBody=body({"type": "object", "properties": {"comment": {"type": "string"}}},
                         required=False),
        responses={"200": response("The workflow after it.", OBJECT)})
    add("/{path}/@sharing", "get", summary="Local roles granted here and above",
        responses={"200": response("Grants.", OBJECT)})
    add("/{path}/@sharing", "post", summary="Grant and revoke local roles",
        requestBody=body({"type": "object", "required": ["principal"],
                          "additionalProperties": False, "properties": {
                              "principal": {"type": "string", "example": "user:aigerim"},
                              "grant": {"type": "array", "items": {"type": "string"}},
                              "revoke": {"type": "array", "items": {"type": "string"}}}},
                         required=False),
        responses={"200": response("Grants.", OBJECT)})
    add("/@working-calendar", "get",
        summary="The Manager's exceptions and the public holidays of a year",
        parameters=[query("year")], responses={"200": response("Days.", OBJECT)})
    add("/@working-calendar", "post",
        summary="Set (kind off|working) or clear (kind null) a day",
        responses={"200": response("Days.", OBJECT)})
    language = {"type": "object", "additionalProperties": False, "properties": {
        "language": {"type": "string", "enum": ["kk", "ru", "en"]}}}
    add("/@preferences", "get", summary="My preferences: the language of my mail",
        responses={"200": response("Preferences.", language)})
    add("/@preferences", "patch", summary="Change my preferences (language: kk, ru or en)",
        requestBody=body(language), responses={"200": response("Preferences.", language)})
    add("/{path}/@openapi.json", "get", at="/@openapi.json", summary="This document",
        responses={"200": response("OpenAPI 3.", OBJECT)})
