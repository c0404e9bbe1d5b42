"""How a form shows its errors, one way for every deform form (issue 18, item 7): what the
statportal overrides of deform's templates (``templates/deform/*.pt``) ask.

- every invalid control has the class ``is-invalid``, ``aria-invalid="true"`` and
  ``aria-describedby`` naming its message (``error-<oid>``) and its help (``help-<oid>``);
  the item around it has ``has-error``;
- a group of boxes or radio buttons is a fieldset with the field's title as its legend;
- a field checked as an address (``colander.Email``) is ``type=email autocomplete=email``;
- the error summary on top of the form lists every error, each a link to its control, and
  takes the focus when the page loads (``form.pt``).
"""

import colander

#: the class of every invalid control (and ``aria-invalid`` with ``aria-describedby``
#: naming its message ``error-<oid>``); the item around it has ``has-error``
INVALID = "is-invalid"
CHOICES = ("checkbox_choice", "radio_choice")


def described_by(field):
    """The ids of the texts that describe ``field``'s control: its error message and its
    help, as ``mapping_item.pt`` renders them; None when it has neither."""
    hidden = getattr(field.widget, "hidden", False)
    ids = []
    if field.error is not None and not hidden and field.error.messages():
        ids.append(f"error-{field.oid}")
    if field.description and not hidden:
        ids.append(f"help-{field.oid}")
    return " ".join(ids) or None


def control_class(field, base="form-control"):
    css = getattr(field.widget, "css_class", None) or ""
    return " ".join(filter(None, [base, INVALID if field.error is not None else css]))


def _validators(node):
    validator = node.validator
    if isinstance(validator, colander.All):
        return list(validator.validators)
    return [validator] if validator is not None else []


def input_type(field):
    """``email`` for a field its schema checks as an address (a phone then offers the @
    keyboard and the browser its autofill), else ``text``."""
    if any(isinstance(v, colander.Email) for v in _validators(field.schema)):
        return "email"
    return "text"


def target_of(field):
    """The id of the control an error summary's link leads to: the field's own control,
    a choice's first box, a group's first control."""
    if field.widget.template in CHOICES:
        return f"{field.oid}-0"
    if field.widget.template == "datetimeinput":
        return f"{field.oid}-date"
    if isinstance(field.schema.typ, colander.Sequence):  # its rendered items, if any
        items = getattr(field, "sequence_fields", None)
        return target_of(items[0]) if items else field.oid
    if field.children and field.widget.template not in ("file_upload", "language_upload",
                                                       "basis_upload"):
        return target_of(field.children[0])
    return field.oid


def error_links(form):
    """``[(target id or None, label, message)]``: every error of a refused submission, in
    the order of the form, for its error summary (``form.pt``)."""
    found = []

    def label(field, prefix):
        title = field.translate(field.title) if field.title else ""
        return f"{prefix}: {title}" if prefix and title else (title or prefix)

    def walk(field, prefix, named=False):
        if field.error is None:
            return
        hidden = getattr(field.widget, "hidden", False)
        name = prefix if named else label(field, prefix)
        for message in field.error.messages():
            if message:
                found.append((None if hidden else target_of(field), name,
                              field.translate(message)))
        if field.widget.template in CHOICES:
            return
        if isinstance(field.schema.typ, colander.Sequence):  # items: "Files: File 2"
            for index, item in enumerate(getattr(field, "sequence_fields", None) or ()):
                walk(item, f"{name}: {label(item, '')} {index + 1}".strip(": "), True)
        else:
            for child in field.children:
                walk(child, name)

    if form.error is not None:  # the form's own (a refusal that names no field)
        found.extend((None, "", form.translate(m)) for m in form.error.messages() if m)
    for child in form.children:
        walk(child, "")
    return found


def add_cross_checks(form, failure):
    """``cross_check`` for a deform ``ValidationFailure``: the added errors show at their
    fields and in the summary (``statportal.views.forms.validate``)."""
    from statportal.content.crosscheck import cross_check

    if cross_check(form.schema, failure.cstruct, failure.error):
        form.widget.handle_error(form, failure.error)
