"""Objects to JSON and JSON to appstructs, through the type's one colander schema."""

from datetime import date, datetime

import colander

from statportal.content.folder import Folder
from statportal.content.registry import get_content_registry
from statportal.i18n import _
from statportal.security.staff import is_staff
from statportal.workflow.engine import state_of, workflow_of

#: Keys a client may send back unchanged from a GET: accepted and ignored.
READ_ONLY_KEYS = frozenset({
    "@id", "@type", "id", "created", "modified", "creator", "parent", "items",
    "items_total", "batching", "review_state", "is_folderish",
    "number", "submitted_at", "registered_at", "due", "executed_at", "material",
    "available_languages", "version", "versions", "published_at",
    "uid", "shown_status", "exact", "changes", "notes", "bundle", "delay_minutes", "year",
    "received_at", "routed_at", "answered_at", "sent_at", "closed_at", "answer_delivery",
    "returned", "resubmitted_at", "first_submitted_at",
})


class PayloadError(Exception):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def url_of(request, obj):
    return request.resource_url(obj).rstrip("/") or request.application_url


def bound_schema(request, context, info, adding=False):
    """The type's schema, with the nodes other features add to it, bound."""
    schema = get_content_registry(request.registry).make_schema(info)
    return schema.bind(request=request, context=context, adding=adding)


def json_value(node, value):
    typ = node.typ
    if value is None or value is colander.null:
        if isinstance(typ, colander.Mapping):
            return {}
        if isinstance(typ, colander.Set | colander.List | colander.Sequence):
            return []
        return None
    if isinstance(typ, colander.Mapping):
        return {child.name: json_value(child, value.get(child.name)) for child in node.children}
    if isinstance(typ, colander.Set | colander.List):
        return sorted(value)
    if isinstance(typ, colander.Sequence):
        return [json_value(node.children[0], item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    describe = getattr(value, "describe", None)
    if describe is not None:  # stored files and the like describe themselves
        return describe()
    return value


def summary(request, obj):
    info = get_content_registry(request.registry).typeof(obj)
    return {
        "@id": url_of(request, obj),
        "@type": info.name if info else None,
        "id": obj.__name__,
        "title": dict(obj.title),
    }


def serialize(request, obj, b_start=0, b_size=25):
    registry = request.registry
    info = get_content_registry(registry).typeof(obj)
    data = {
        "@id": url_of(request, obj),
        "@type": info.name if info else None,
        "id": obj.__name__ or "",
        "parent": summary(request, obj.__parent__)
        if obj.__parent__ is not None and request.has_permission("view", obj.__parent__)
        else None,
        "created": json_value(colander.SchemaNode(colander.DateTime()), obj.created),
        "modified": json_value(colander.SchemaNode(colander.DateTime()), obj.modified),
        # Staff logins are for staff.
        "creator": getattr(obj, "creator", None) if is_staff(request) else None,
    }
    if info is not None:
        for node in get_content_registry(registry).schema_template(info).children:
            if getattr(node, "writeonly", False):
                continue
            data[node.name] = json_value(node, getattr(obj, node.name, None))
        for name in info.meta.get("read_only", ()):
            value = getattr(obj, name, None)
            data[name] = value.isoformat() if isinstance(value, datetime | date) else value
    workflow = workflow_of(registry, obj)
    if workflow is not None:
        data["review_state"] = state_of(obj, workflow)
    data["is_folderish"] = isinstance(obj, Folder)
    if isinstance(obj, Folder):
        data.update(batch(request, obj, b_start, b_size))
    custom = info.meta.get("serializer") if info is not None else None
    if custom is not None:  # a type may add to (or reshape) its JSON
        data = custom(request, obj, data)
    return data


def batch(request, folder, b_start, b_size):
    from statportal.batching import Batch
    from statportal.content.listing import visible_batch

    page, total = visible_batch(request, folder, b_start, b_size)
    items = [summary(request, child) for _name, child in page]
    result = {"items": items, "items_total": total}
    links = Batch(b_start, b_size, total, len(page)).links(url_of(request, folder))
    if links is not None:
        result["batching"] = links
    return result


def _nulls(value):
    """JSON null -> colander.null, recursively."""
    if value is None:
        return colander.null
    if isinstance(value, dict):
        return {key: _nulls(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nulls(item) for item in value]
    return value


def _unhashable_items(node, value, prefix=""):
    """The dotted names of the ``colander.Set`` fields whose list holds an object or a
    list (``"languages": [{}]``)."""
    found = []
    for child in node.children:
        if not isinstance(value, dict) or child.name not in value:
            continue
        item, name = value[child.name], prefix + child.name
        if isinstance(child.typ, colander.Set):
            if isinstance(item, list) and any(isinstance(i, dict | list) for i in item):
                found.append(name)
        elif isinstance(child.typ, colander.Mapping):
            found.extend(_unhashable_items(child, item, name + "."))
    return found


def deserialize(request, schema, payload, current=None):
    """Validate a JSON payload against ``schema`` (bound); returns the appstruct.

    With ``current`` (the object, for PATCH) only the fields present are
    validated and written, and a multilingual field sent with some languages
    keeps the others. Unknown keys are refused by name.
    """
    if not isinstance(payload, dict):
        raise PayloadError([{"field": None, "message": _("The body must be a JSON object."),
                             "type": "invalid"}])
    names = {node.name for node in schema.children}
    unknown = sorted(k for k in payload if k not in names and k not in READ_ONLY_KEYS)
    if unknown:
        raise PayloadError([{"field": key, "message": _("Unknown field."), "type": "unknown_field"}
                            for key in unknown])
    data = {key: value for key, value in payload.items() if key in names}
    if current is not None:
        schema = schema.clone()
        for node in list(schema.children):
            if node.name not in data:
                del schema[node.name]
            elif isinstance(node.typ, colander.Mapping) and isinstance(data[node.name], dict):
                existing = getattr(current, node.name, None)
                if isinstance(existing, dict):
                    data[node.name] = {**{k: v for k, v in existing.items()
                                          if k in {c.name for c in node.children}},
                                       **data[node.name]}
    cstruct = _nulls(data)
    unhashable = _unhashable_items(schema, cstruct)
    if unhashable:  # colander's Set would fail on them with a TypeError: a 500
        raise PayloadError([{"field": name, "message": _("A list of texts is expected."),
                             "type": "invalid"} for name in unhashable])
    try:
        return schema.deserialize(cstruct)
    except colander.Invalid as invalid:
        from statportal.api.errors import errors_from_invalid
        from statportal.content.crosscheck import cross_check

        cross_check(schema, cstruct, invalid)  # the cross-checks too: one round of errors
        raise PayloadError(errors_from_invalid(request, invalid)) from None
