"""The reliability check's JSON (``GET <indicator>/@consistency?material=<path>``) and its
staff page (``<indicator>/@@consistency``): for those who edit the indicator (its
executors, the publishers). Both only read."""

from pyramid.view import view_config

from statportal.api.errors import json_error
from statportal.content.editing import EditError
from statportal.i18n import _, pick
from statportal.security.permissions import EDIT
from statportal.taldau.resources import Indicator

HTML = "text/html"


def _compare(request, context):
    from statportal.taldau.consistency import compare, material_at

    material = material_at(request, context, request.GET.get("material"))
    return compare(request.registry, material, context)


@view_config(context=Indicator, name="@consistency", request_method="GET", renderer="json",
             permission=EDIT)
def consistency_json(context, request):
    try:
        return _compare(request, context).as_json()
    except EditError as exc:
        return json_error(request, exc.status, exc.message, [
            {"field": exc.field, "message": exc.message, "type": exc.type}])


@view_config(context=Indicator, name="consistency", request_method="GET", accept=HTML,
             renderer="statportal.taldau:templates/consistency.pt", permission=EDIT)
def consistency_page(context, request):
    from statportal.content.editing import EditError as Refused

    asked = (request.GET.get("material") or "").strip()
    result = error = None
    if asked:
        try:
            result = _compare(request, context)
        except Refused as exc:
            request.response.status = exc.status
            error = exc.message
    dims = [(d["code"], pick(request, d.get("title") or {})[0] or d["code"])
            for d in context.dimensions]
    return {"title": pick(request, context.title), "asked": asked, "result": result,
            "error": error, "dims": dims,
            "cube_title": {"public": _("the public data"),
                           "staff": _("the data waiting for the release (not yet public)")}}


CELL = {"type": "object", "additionalProperties": {"type": "string"},
        "description": "{dimension code: member code, period: ISO period}"}
SHOWN = {"description": "a number, \"X\" (confidential) or null (no observation)"}
COMPARISON = {"type": "object", "properties": {
    "material": {"type": "string"}, "file": {"type": "string"},
    "cube": {"type": "string", "enum": ["public", "staff"]},
    "compared": {"type": "integer"}, "equal": {"type": "integer"},
    "differences_total": {"type": "integer"},
    "differences": {"type": "array", "items": {"type": "object", "properties": {
        "cell": CELL, "material": SHOWN, "indicator": SHOWN}}}}}


def includeme(config):
    config.scan("statportal.taldau.consistency_views")
    if hasattr(config, "add_openapi_operation"):
        from statportal.api.openapi import query, response

        required = {**query("material"), "required": True}
        config.add_openapi_operation(
            "/{path}/@consistency", "get",
            summary="The reliability check (staff who edit the indicator): a material's "
                    "table, cell by cell by dimension codes and period, against the "
                    "indicator's data; X only equal to X; 400 naming material",
            parameters=[required],
            responses={"200": response("The comparison and its first 1000 differences.",
                                       COMPARISON)})
