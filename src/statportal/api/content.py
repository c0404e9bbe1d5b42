"""The JSON face of content, on the same URLs as the HTML (``Accept: application/json``)."""

from pyramid.httpexceptions import HTTPForbidden, HTTPNoContent
from pyramid.view import view_config, view_defaults

from statportal.api.errors import json_error
from statportal.api.serialize import (
    PayloadError,
    bound_schema,
    deserialize,
    serialize,
    url_of,
)
from statportal.content import editing
from statportal.content.base import Content
from statportal.content.folder import Folder
from statportal.content.registry import get_content_registry
from statportal.i18n import _
from statportal.security.permissions import DELETE, EDIT, MANAGE, VIEW

JSON = "application/json"


def batch_params(request):
    """``b_start`` and ``b_size`` from the query (``statportal.batching.read_batch``);
    raises PayloadError naming the bad one."""
    from statportal.batching import read_batch
    from statportal.numbers import NumberError

    try:
        return read_batch(request)
    except NumberError as exc:
        raise PayloadError([exc.error()]) from None


def json_body(request):
    try:
        return request.json_body
    except ValueError:
        raise PayloadError([{"field": None, "type": "invalid",
                             "message": _("The body is not valid JSON.")}]) from None


def json_file(request):
    """``(payload, filename, data)`` of a JSON body ``{"file": {"filename", "data"}, …}``
    (the imports' one shape): the file's base64 decoded, its name a text of at most 255
    characters; a body that is not one raises PayloadError or EditError naming ``file``."""
    import base64
    import binascii

    payload = json_body(request)
    if not isinstance(payload, dict):
        raise editing.EditError(_("The body must be a JSON object."), None)
    upload = payload.get("file")
    if not isinstance(upload, dict) or not isinstance(upload.get("data"), str):
        raise editing.EditError(_('A file needs "filename" and "data".'), "file",
                                type="required")
    filename = upload.get("filename")
    filename = filename[:255] if isinstance(filename, str) else ""
    try:
        data = base64.b64decode(upload["data"], validate=True)
    except (binascii.Error, ValueError):
        raise editing.EditError(_("${file}: the data is not valid base64.",
                                  mapping={"file": filename}), "file") from None
    upload["data"] = None       # the text of a large file is not kept beside its bytes
    return payload, filename, data


def _error(request, exc):
    if isinstance(exc, PayloadError):
        return json_error(request, 400, _("The request has errors."), exc.errors)
    return json_error(request, exc.status, exc.message, [
        {"field": f.field, "message": f.message, "type": f.code, "location": f.location}
        for f in getattr(exc, "findings", ())] or [
        {"field": exc.field, "message": exc.message, "type": exc.type}])


@view_defaults(context=Content, accept=JSON, renderer="json")
class ContentAPI:
    def __init__(self, context, request):
        self.context = context
        self.request = request

    @view_config(request_method="GET", permission=VIEW)
    def get(self):
        from statportal.content.listing import may_view

        if not may_view(self.request, self.context):  # its type says: not there for them
            return json_error(self.request, 404, _("Not found."))
        try:
            b_start, b_size = batch_params(self.request)
        except PayloadError as exc:
            return _error(self.request, exc)
        return serialize(self.request, self.context, b_start, b_size)

    @view_config(request_method="POST", context=Folder, permission=MANAGE)
    def post(self):
        request, registry = self.request, self.request.registry
        try:
            payload = json_body(request)
            if not isinstance(payload, dict) or not payload.get("@type"):
                raise editing.EditError(_("Required"), "@type", type="required")
            if not isinstance(payload["@type"], str):
                raise editing.EditError(_("A type name is expected."), "@type")
            type_name = payload["@type"]
            info = editing.check_addable(registry, self.context, type_name)
            if not request.has_permission(info.add_permission, self.context):
                raise HTTPForbidden()
            name = payload.get("id")
            if name is not None and not isinstance(name, str):
                raise editing.EditError(_("An id must be a string."), "id", type="invalid_id")
            schema = bound_schema(request, self.context, info, adding=True)
            appstruct = deserialize(request, schema, payload)
            obj = editing.create(registry, self.context, type_name, name, appstruct,
                                 creator=request.authenticated_userid)
        except (editing.EditError, PayloadError) as exc:
            request.tm.doom()
            return _error(request, exc)
        request.response.status = 201
        request.response.headers["Location"] = url_of(request, obj)
        return serialize(request, obj)

    @view_config(request_method="PATCH", permission=EDIT)
    def patch(self):
        request = self.request
        info = get_content_registry(request.registry).typeof(self.context)
        try:
            payload = json_body(request)
            if isinstance(payload, dict):
                if payload.get("id", self.context.__name__) != self.context.__name__:
                    raise editing.EditError(
                        _("The id is changed by renaming, not by PATCH."), "id",
                        type="read_only")
                if payload.get("@type", info.name) != info.name:
                    raise editing.EditError(_("The type of an object cannot change."), "@type",
                                            type="read_only")
            schema = bound_schema(request, self.context, info)
            appstruct = deserialize(request, schema, payload, current=self.context)
            editing.update(request.registry, self.context, appstruct,
                           actor=request.authenticated_userid)
        except (editing.EditError, PayloadError) as exc:
            request.tm.doom()
            return _error(request, exc)
        return serialize(request, self.context)

    @view_config(request_method="DELETE", permission=DELETE)
    def delete(self):
        request, parent = self.request, self.context.__parent__
        if parent is None:
            return json_error(request, 409, _("The portal itself cannot be removed."))
        confirm = request.GET.get("confirm", "").lower() in ("1", "true", "yes")
        try:
            editing.remove(parent, self.context.__name__, recursive=confirm,
                           actor=request.authenticated_userid)
        except editing.EditError as exc:
            request.tm.doom()
            return _error(request, exc)
        return HTTPNoContent()

    # VIEW: what a visitor may not see does not exist for them, whatever the method.
    @view_config(request_method=("PUT", "OPTIONS", "HEAD", "TRACE", "CONNECT"),
                 permission=VIEW, openapi=False)  # a 405 answer: not an operation
    @view_config(request_method="POST", context=Content, permission=VIEW, openapi=False)
    def not_allowed(self):
        from statportal.content.listing import may_view

        if not may_view(self.request, self.context):  # not even its methods are known
            return json_error(self.request, 404, _("Not found."))
        allowed = "GET, PATCH, DELETE" + (", POST" if isinstance(self.context, Folder) else "")
        response = json_error(self.request, 405, _("This method is not allowed here."))
        response.headers["Allow"] = allowed
        return response


@view_config(context=Content, name="@types", accept=JSON, renderer="json", permission=VIEW)
def types_view(context, request):
    """The types that may be added here by this user."""
    from statportal.content.listing import may_view

    if not may_view(request, context):
        return json_error(request, 404, _("Not found."))
    content = get_content_registry(request.registry)
    return [
        {"@id": f"{url_of(request, context)}/@types/{info.name}", "title":
         request.localizer.translate(info.title), "addable": True, "name": info.name}
        for info in content.addable_types(context)
        if request.has_permission(info.add_permission, context)
    ]
