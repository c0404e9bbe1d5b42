"""``/@openapi.json``: an OpenAPI 3 document built from what is registered.

Its paths are the JSON views Pyramid knows (recorded, as they are configured, by the
``statportal_openapi`` view deriver: the view name, the context's place, the request
methods and the permission); its schemas are the registered types' colander schemas (with
the nodes other features add). What a view takes and answers beyond that is registered
metadata: ``config.add_openapi_operation(path, method, summary=..., ...)``, by the feature
that owns the view, or ``openapi={...}`` on the view registration itself
(``openapi=False``: not an operation, e.g. a 405 answer). A JSON view registered without
either still appears, with its permission and the standard answers.
"""

import colander
from pyramid.exceptions import ConfigurationError
from pyramid.view import view_config

from statportal.content.base import Content
from statportal.content.registry import get_content_registry
from statportal.interfaces import IOpenAPIEntries
from statportal.security.permissions import VIEW

VERSION = "0.1.0"
METHODS = ("get", "post", "put", "patch", "delete", "options", "trace")
JSON = "application/json"


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


def query(name, values=None):
    """A query parameter (texts; ``values``: the enumeration)."""
    schema = {"type": "string", **({"enum": values} if values else {})}
    return {"name": name, "in": "query", "required": False, "schema": schema}


def response(description, schema=None):
    body = {"description": description}
    if schema:
        body["content"] = {JSON: {"schema": schema}}
    return body


def body(schema, required=True):
    """A JSON request body."""
    return {"required": required, "content": {JSON: {"schema": schema}}}


ERRORS = {str(code): response(text, ERROR) for code, text in (
    (400, "Invalid input: each error names its field."), (401, "Not logged in."),
    (403, "Not allowed."), (404, "Not found."), (409, "Conflicts with the current state."),
    # any request with Basic credentials after too many failed logins; a question too often
    (429, "Too many requests: try again after Retry-After seconds."))}
OBJECT = {"type": "object"}
PARAMETERS = {
    "path": {"name": "path", "in": "path", "required": True, "schema": {"type": "string"},
             "example": "official-statistics/economy",
             "description": "The object's path, e.g. official-statistics/economy"},
    "transition": {"name": "transition", "in": "path", "required": True,
                   "schema": {"type": "string"}, "example": "submit"},
}


# -- what is registered ---------------------------------------------------------------------
class OpenAPIEntries:
    """The ``IOpenAPIEntries`` utility: the JSON views as configured, and the operations'
    registered descriptions by ``(path, method)``."""

    def __init__(self):
        self.views = {}
        self.operations = {}


def entries_of(registry):
    from statportal.directives import utility

    return utility(registry, IOpenAPIEntries, OpenAPIEntries)


def _is_exception(context):
    return isinstance(context, type) and issubclass(context, BaseException)


def is_json_view(options):
    """A view that answers JSON: the ``json`` renderer, or ``accept=application/json``."""
    renderer = options.get("renderer")
    accept = options.get("accept")
    accepts = accept if isinstance(accept, list | tuple) else [accept]
    return getattr(renderer, "name", renderer) == "json" or JSON in accepts


def view_key(original, attr, name, context, methods):
    return (original, attr, name or "", context,
            tuple(sorted(methods)) if methods else None)


def openapi_deriver(view, info):
    """Records each JSON view as it is configured (the view itself is unchanged)."""
    options = info.options
    described = options.get("openapi")
    context = options.get("context")
    if info.exception_only or _is_exception(context) or described is False or \
            (described is None and not is_json_view(options)):
        return view
    methods = options.get("request_method")
    methods = (methods,) if isinstance(methods, str) else tuple(methods or ())
    key = view_key(info.original_view, options.get("attr"), options.get("name"), context,
                   methods)
    entries_of(info.registry).views[key] = {
        "name": options.get("name") or "", "context": context, "methods": methods,
        "permission": options.get("permission"), "openapi": dict(described or {})}
    return view


openapi_deriver.options = ("openapi",)


def add_openapi_operation(config, path, method, **operation):
    """Describe the operation ``method`` of ``path`` (``/{path}/@name``, ``/questions``…)
    as OpenAPI does: ``summary``, ``parameters``, ``requestBody``, ``responses`` (merged
    over the standard error answers), ``at`` (where the document shows it, e.g. with a
    sub-path: ``/{path}/@workflow/{transition}``). Discriminator
    ``('statportal-openapi-operation', path, method)``."""
    from statportal.directives import check_name

    check_name("add_openapi_operation", path)
    if not path.startswith("/"):
        raise ConfigurationError(f"add_openapi_operation {path!r}: a path starts with /")
    if not isinstance(method, str) or method.lower() not in METHODS:
        raise ConfigurationError(f"add_openapi_operation {path!r}: method is one of "
                                 f"{', '.join(METHODS)}, not {method!r}")
    unknown = set(operation) - {"summary", "description", "parameters", "requestBody",
                                "responses", "at", "tags"}
    if unknown:
        raise ConfigurationError(f"add_openapi_operation {path!r}: unknown keyword "
                                 f"{sorted(unknown)[0]!r}")
    method = method.lower()
    entries = entries_of(config.registry)

    def register():
        entries.operations[(path, method)] = operation

    intr = config.introspectable("statportal openapi operations", (path, method),
                                 f"{method.upper()} {path}", "statportal openapi operation")
    intr.update(path=path, method=method, operation=operation)
    config.action(("statportal-openapi-operation", path, method), register,
                  introspectables=(intr,))


# -- paths from the views -------------------------------------------------------------------
def context_prefix(registry, context):
    """Where objects of ``context`` are: ``""`` (the portal), ``/requests`` (a fixed place)
    or ``/{path}`` (anywhere)."""
    from statportal.content.places import all_places

    if not isinstance(context, type):
        return "/{path}"
    content = get_content_registry(registry)
    names = {info.name for info in content.types.values()
             if isinstance(info.factory, type) and issubclass(info.factory, context)}
    if names == {"Portal"}:
        return ""
    fixed = all_places(registry)  # the core's and the features' (add_fixed_place)
    places = [place for place, (type_name, _title) in fixed.items() if type_name in names]
    if len(places) == 1 and names <= {fixed[places[0]][0]}:
        return "/" + places[0]
    return "/{path}"


def view_operations(registry):
    """``[(path, method, view record)]`` of every recorded JSON view."""
    found = []
    # the views of the most general context first: they give a shared path's permission
    for record in sorted(entries_of(registry).views.values(),
                         key=lambda r: -_generality(registry, r["context"])):
        prefix = context_prefix(registry, record["context"])
        name = record["name"]
        paths = [f"{prefix}/{name}" if name else prefix or "/"]
        if not name and prefix == "/{path}" and _is_portal_type(registry, record["context"]):
            paths.append("/")  # the portal is an object too
        methods = [m.lower() for m in record["methods"]
                   if m.lower() in METHODS and not (m == "HEAD")] or ["get"]
        found.extend((path, method, record) for path in paths for method in methods)
    return found


def _generality(registry, context):
    """How many registered types a view's context covers (no context: all of them)."""
    types = get_content_registry(registry).types.values()
    if not isinstance(context, type):
        return len(types) + 1
    return sum(1 for info in types
               if isinstance(info.factory, type) and issubclass(info.factory, context))


def _is_portal_type(registry, context):
    portal = get_content_registry(registry).get("Portal")
    return isinstance(context, type) and portal is not None and \
        isinstance(portal.factory, type) and issubclass(portal.factory, context)


def _path_parameters(path):
    import re

    return [PARAMETERS.get(name, {"name": name, "in": "path", "required": True,
                                  "schema": {"type": "string"}})
            for name in re.findall(r"\{(\w+)\}", path)]


def build_paths(registry):
    """The JSON views' operations, described as registered; then the registered
    operations of other answers (``@ical``'s text/calendar)."""
    entries = entries_of(registry)
    paths = {}
    views = [(path, method, record["name"], record["permission"],
              {**entries.operations.get((path, method), {}), **record["openapi"]})
             for path, method, record in view_operations(registry)]
    views += [(path, method, None, None, given)
              for (path, method), given in entries.operations.items()]
    for path, method, name, permission, given in views:
        given = {key: value(registry) if callable(value) else value  # made per document
                 for key, value in given.items()}
        where = given.pop("at", path)
        if method in paths.get(where, {}):
            continue  # one operation for the views of several types at one path
        operation = {"summary": given.pop("summary", None) or
                     f"{name or 'The object'} ({method.upper()})", **given}
        operation["responses"] = {**({"200": response("OK.", OBJECT)}
                                     if "responses" not in given else {}),
                                  **ERRORS, **given.get("responses", {})}
        if isinstance(permission, str) and not permission.startswith("__"):
            operation["x-permission"] = permission
        item = paths.setdefault(where, {})
        item[method] = operation
        if where != "/" and "parameters" not in item and _path_parameters(where):
            item["parameters"] = _path_parameters(where)
    return dict(sorted(paths.items()))


def build_document(request):
    content = get_content_registry(request.registry)
    schemas = {
        "Error": {"type": "object", "properties": {
            "message": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "object", "properties": {
                "field": {"type": "string", "nullable": True},
                "message": {"type": "string"},
                "type": {"type": "string"},
                # an error about a place in a file (an import's): spreadsheet row, column
                "row": {"type": "integer", "nullable": True},
                "column": {"type": "string", "nullable": True}}}}}},
        "Summary": {"type": "object", "properties": {
            "@id": {"type": "string"}, "@type": {"type": "string"}, "id": {"type": "string"},
            "title": {"type": "object", "additionalProperties": {"type": "string"}}}},
    }
    for info in content.types.values():
        # The unbound schema: vocabularies that depend on the database (org units,
        # groups) are not published to whoever reads this document.
        schema = json_schema(content.schema_template(info))
        schema["properties"] = {
            "@type": {"type": "string", "enum": [info.name]},
            "id": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._~-]*$",
                   "maxLength": 100},
            **schema["properties"],
        }
        schema["required"] = ["@type", *schema.get("required", [])]
        schemas[info.name] = schema
    return {
        "openapi": "3.0.3",
        "info": {"title": "statportal API", "version": VERSION,
                 "description": "JSON on the same URLs as the HTML (send Accept: "
                                "application/json) or under /++api++/. Authenticate with "
                                "HTTP Basic. Multilingual fields are objects keyed by kk, "
                                "ru, en."},
        "servers": [{"url": request.application_url + "/++api++",
                     "description": "JSON always"},
                    {"url": request.application_url,
                     "description": "JSON with Accept: application/json"}],
        "components": {"schemas": schemas, "securitySchemes": {
            "basic": {"type": "http", "scheme": "basic"}}},
        "security": [{}, {"basic": []}],
        "paths": build_paths(request.registry),
    }


@view_config(context=Content, name="@openapi.json", renderer="json", permission=VIEW)
def openapi_view(context, request):
    return build_document(request)


def includeme(config):
    """The directive and the deriver; statportal includes this before its features, so
    they describe their endpoints as they register them."""
    entries_of(config.registry)
    config.add_directive("add_openapi_operation", add_openapi_operation)
    config.add_view_deriver(openapi_deriver, name="statportal_openapi")
    config.include("statportal.api.openapi_core")
