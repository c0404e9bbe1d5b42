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


def make_form(schema, request, button_title, action=None, transition=None):
    """The form with its buttons (``transition``: "Save draft" and "Save and submit")."""
    return deform.Form(schema, buttons=form_buttons(request, button_title, transition),
                       action=action or request.path_qs, formid="edit-form")


def validate(form, request):
    """The appstruct of a posted form, without the CSRF token; raises ValidationFailure
    with every error of the submission: the fields' and the schema's cross-checks on the
    fields that passed (``form_errors.cross_check``), in one round."""
    try:
        appstruct = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        from statportal.views.form_errors import add_cross_checks

        add_cross_checks(form, failure)
        raise
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


#: the name of the second button of a form whose type names a transition to take on save
SAVE_AND_FIRE = "save_and_submit"


def save_transition(request, info, context=None):
    """The transition a type's form may take right after saving ("Save and submit"):
    the type's ``meta["submit_transition"]``, offered on the add form, and on the edit
    form while the object is in a state it starts from and the user may take it."""
    from statportal.workflow import available_transitions

    name = (info.meta or {}).get("submit_transition") if info is not None else None
    if not name or context is None:
        return name
    return name if any(t.name == name for t in available_transitions(request, context)) \
        else None


def form_buttons(request, button_title, transition):
    """The form's buttons: "Save draft" and "Save and submit" when a transition follows
    the save, else the one button titled ``button_title``."""
    translate = request.localizer.translate
    if not transition:
        return (deform.Button("submit", translate(button_title)),)
    return (deform.Button("submit", translate(_("Save draft")),
                          css_class="btn-secondary"),
            deform.Button(SAVE_AND_FIRE, translate(_("Save and submit"))))


def fire_after_save(request, obj, transition):
    """Take ``transition`` on the object just saved, all or nothing: a refusal (a guard's
    findings) undoes whatever the attempt changed and leaves the saved object as it was.
    Returns ``(entry, None)``: the history entry of the step taken, or ``(None,
    reasons)``: the translated reasons of the refusal."""
    from statportal.workflow import WorkflowError, fire

    savepoint = request.tm.get().savepoint()
    try:
        entry = fire(request, obj, transition)
    except WorkflowError as exc:
        savepoint.rollback()
        translate = request.localizer.translate
        return None, [translate(exc.message), *(translate(f.message) for f in exc.findings)]
    return entry, None

