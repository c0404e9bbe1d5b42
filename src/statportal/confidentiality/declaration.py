"""The declaration of a material or a placement request (issue 15, fail closed): whether
its tables are derived from primary data (``primary_data``: true, false, or null — nothing
declared, presumed by the category) and, for false, why (``primary_data_reason``). The
schema nodes and their validator, the history's words, and the copy of a request's
declaration onto its material."""

import colander
import deform.widget

from statportal.i18n import _


class Declaration(colander.SchemaType):
    """Whether the tables are derived from primary data: JSON ``true``, ``false`` or
    ``null`` (not declared: presumed by the category); the form sends ``"true"``,
    ``"false"`` or ``""``. Nothing else is read as a boolean."""

    def serialize(self, node, appstruct):
        if appstruct in (colander.null, None):
            return colander.null
        return "true" if appstruct else "false"

    def json_schema(self, node):
        return {"type": "boolean", "description": "null: not declared (tables of a "
                "statistical category are then presumed derived from primary data); false "
                "needs primary_data_reason"}

    def deserialize(self, node, cstruct):
        if cstruct is colander.null or cstruct is None or cstruct == "":
            return colander.null
        if cstruct is True or cstruct == "true":  # not 1: 1 == True in Python
            return True
        if cstruct is False or cstruct == "false":
            return False
        raise colander.Invalid(node, _("true, false or null is expected."))


def primary_data_node():
    return colander.SchemaNode(
        Declaration(), name="primary_data", missing=None, default=None,
        title=_("Primary data"),
        description=_("Tables of statistical materials are presumed derived from primary "
                      "data: then every table needs its basis, and publishing checks that no "
                      "confidential cell is shown or can be worked out (art. 22–23)."),
        widget=deform.widget.RadioChoiceWidget(values=[
            ("", _("Presumed from the category (tables of statistical materials are "
                   "derived from primary data)")),
            ("true", _("The tables are derived from primary data")),
            ("false", _("The tables are not derived from primary data (give the "
                        "reason)"))]))


REASON_MAX = 1000


def primary_data_reason_node():
    return colander.SchemaNode(
        colander.String(), name="primary_data_reason", missing="", default="",
        preparer=lambda value: " ".join(value.split()) if isinstance(value, str) else value,
        validator=colander.Length(max=REASON_MAX),
        title=_("Why the tables are not derived from primary data"),
        description=_("Required when they are not, for example: administrative data of "
                      "the Ministry of Finance."),
        widget=deform.widget.TextAreaWidget(rows=2))


def declaration_comment(obj, number=None):
    """The history's words for an object's declaration: a ``_()`` message the history
    shows in the reader's language (the reason, a person's words, as typed); ``number``:
    the request it came from."""
    value = getattr(obj, "primary_data", None)
    reason = (getattr(obj, "primary_data_reason", "") or "").strip()
    if value is True:
        message = _("derived from primary data")
    elif value is False and reason:
        message = _("not derived from primary data: ${reason}", mapping={"reason": reason})
    else:
        message = _("not declared: presumed by the category")
    if number:
        return _("${declaration} (${number})", mapping={"declaration": message,
                                                        "number": number})
    return message


def declarer(obj):
    """Who made ``obj``'s declaration (the actor of its latest ``primary_data`` entry in
    the history), or None: a request's executor, whose words the material takes at Place."""
    from statportal.workflow import history_of

    return next((entry.get("actor") for entry in reversed(history_of(obj))
                 if entry.get("action") == "primary_data"), None)


def take_declaration(target, source):
    """Copy ``source``'s declaration onto ``target`` when ``source`` makes one (a request
    onto its material); returns whether ``target``'s declaration changed."""
    value = getattr(source, "primary_data", None)
    if value is None:
        return False
    reason = (getattr(source, "primary_data_reason", "") or "") if value is False else ""
    if getattr(target, "primary_data", None) is value and \
            (getattr(target, "primary_data_reason", "") or "") == reason:
        return False
    target.primary_data, target.primary_data_reason = value, reason
    return True


def check_declaration(node, value):
    """A mapping validator: ``primary_data: false`` needs ``primary_data_reason`` (a text,
    not only spaces), in the same body or already stored (a PATCH sends some fields)."""
    if "primary_data" not in value and "primary_data_reason" not in value:
        return
    context = (node.bindings or {}).get("context")
    stored = context if not (node.bindings or {}).get("adding") else None
    declared = value["primary_data"] if "primary_data" in value else \
        getattr(stored, "primary_data", None)
    reason = value["primary_data_reason"] if "primary_data_reason" in value else \
        getattr(stored, "primary_data_reason", "")
    unchanged = stored is not None and getattr(stored, "primary_data", None) is False and \
        not (getattr(stored, "primary_data_reason", "") or "").strip()
    if declared is False and not (reason or "").strip() and not unchanged:
        # (``unchanged``: an older form's unticked box sent back as it is stored — no
        # declaration, and the checks presume; a new ``false`` needs its reason)
        message = _("Say why the tables are not derived from primary data (for example: "
                    "administrative data of the Ministry of Finance); without a reason they "
                    "are presumed to be.")
        exc = colander.Invalid(node, "")
        if node.get("primary_data_reason") is not None:
            exc["primary_data_reason"] = message  # at its position: the form shows it there
        else:  # a PATCH that does not send the reason: the error still names it
            exc.add(colander.Invalid(colander.SchemaNode(
                colander.String(), name="primary_data_reason"), message))
        raise exc
