"""deform forms from a type's colander schema, with the CSRF token and an id field."""

import colander
import deform
import deform.widget

from statportal.i18n import _


def form_schema(schema, request, with_id=None):
    """A copy of ``schema`` for HTML: the CSRF token (and the id field when adding).

    CSRF stays out of the type's schema so the same schema serves JSON.
    """
    from pyramid.csrf import get_csrf_token

    schema = schema.clone()
    if with_id is not None:
        title, required = with_id
        schema.insert(0, colander.SchemaNode(
            colander.String(), name="id", title=title,
            missing=colander.required if required else "",
            description=None if required else _(
                "Part of the address; made from the title when left empty."),
            validator=colander.Length(max=100),
        ))
    schema.add(colander.SchemaNode(
        colander.String(), name="csrf_token", widget=deform.widget.HiddenWidget(),
        default=get_csrf_token(request), missing=colander.drop))
    return schema


def make_form(schema, request, button_title, action=None):
    button = deform.Button("submit", request.localizer.translate(button_title))
    return deform.Form(schema, buttons=(button,), action=action or request.path_qs,
                       formid="edit-form")


def validate(form, request):
    """The appstruct of a posted form, without the CSRF token; raises ValidationFailure."""
    appstruct = form.validate(request.POST.items())
    appstruct.pop("csrf_token", None)
    return appstruct


def set_field_error(form, field_name, message):
    """Show ``message`` at the field (or on top of the form) after a refused change."""
    exc = colander.Invalid(form.schema, "")
    node = form.schema.get(field_name) if field_name else None
    if node is not None:
        exc.add(colander.Invalid(node, message), form.schema.children.index(node))
    else:
        exc.msg = message
    form.widget.handle_error(form, exc)
    return deform.ValidationFailure(form, form.cstruct, exc)
