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


def includeme(config):
    config.scan("statportal.taldau.consistency_views")
