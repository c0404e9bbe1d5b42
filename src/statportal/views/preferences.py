"""A person's own preferences (``@@preferences``; ``@preferences`` in JSON): the language
of the mail the portal sends them. A Manager sets it too, on the user's edit form."""

import colander
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from statportal.content.resources import Portal, get_portal
from statportal.i18n import _
from statportal.security.permissions import STAFF
from statportal.security.principals import find_user
from statportal.security.schemas import language_node
from statportal.views.content import flash
from statportal.views.forms import form_schema, make_form, validate


def _schema(request):
    schema = colander.MappingSchema()
    schema.add(language_node(_("The portal writes its notices to you in this language only.")))
    return schema.bind(request=request, adding=False)


def _user(request):
    from pyramid.httpexceptions import HTTPForbidden

    user = find_user(get_portal(request), request.authenticated_userid)
    if user is None:        # a system principal, not an account
        raise HTTPForbidden()
    return user


@view_config(context=Portal, name="preferences", accept="text/html", permission=STAFF,
             request_method=("GET", "POST"), renderer="statportal:templates/form.pt")
def preferences_page(context, request):
    user = _user(request)
    form = make_form(form_schema(_schema(request), request), request, _("Save"))
    heading = _("My preferences")
    if "submit" not in request.POST:
        return {"heading": heading, "form": form.render({"language": user.language})}
    try:
        appstruct = validate(form, request)
    except deform.ValidationFailure as failure:
        request.response.status = 400
        return {"heading": heading, "form": failure.render()}
    user.language = appstruct["language"]
    flash(request, _("Saved: the portal writes to you in ${language}.", mapping={
        "language": request.localizer.translate(_language_title(user.language))}))
    return HTTPFound(request.resource_url(context, "@@preferences"))


def _language_title(code):
    from statportal.i18n import LANGUAGE_TITLES

    return LANGUAGE_TITLES[code]


@view_config(context=Portal, name="@preferences", accept="application/json",
             renderer="json", permission=STAFF, request_method="GET")
def preferences_json(context, request):
    return {"language": _user(request).language}


@view_config(context=Portal, name="@preferences", accept="application/json",
             renderer="json", permission=STAFF, request_method="PATCH")
def preferences_patch(context, request):
    """``{"language": "ru"}``; anything else in the body is refused, naming the field."""
    from statportal.api.errors import errors_from_invalid, json_error

    user = _user(request)
    try:
        payload = request.json_body
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        return json_error(request, 400, _("The body must be a JSON object."))
    unknown = sorted(set(payload) - {"language"})
    if unknown:
        return json_error(request, 400, _("The request has errors."), [
            {"field": key, "message": _("Unknown field."), "type": "unknown_field"}
            for key in unknown])
    try:
        appstruct = _schema(request).deserialize(payload)
    except colander.Invalid as invalid:
        return json_error(request, 400, _("The request has errors."),
                          errors_from_invalid(request, invalid))
    if "language" in appstruct:
        user.language = appstruct["language"]
    return {"language": user.language}
