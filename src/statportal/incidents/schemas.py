"""The Incident schema: the form and the JSON API."""

import colander

from statportal.content.schemas import DESCRIPTION_MAX, container_schema, multilingual
from statportal.i18n import _

__all__ = ["container_schema", "incident_schema"]


class AwareDateTime(colander.DateTime):
    """A date and time with its offset (ISO 8601), kept in UTC; a naive one is refused."""

    def deserialize(self, node, cstruct):
        from datetime import UTC

        if cstruct in (colander.null, None, ""):
            return colander.null
        if isinstance(cstruct, str) and "T" in cstruct and not any(
                sign in cstruct[cstruct.index("T"):] for sign in ("+", "-", "Z")):
            raise colander.Invalid(node, _("Give the time with its offset, like "
                                           "2026-12-01T09:30:00+05:00."))
        value = super().deserialize(node, cstruct)
        return value.astimezone(UTC)


class IncidentSchema(colander.MappingSchema):
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.insert(0, multilingual("title", _("What does not work"), required=True))
        self.insert(1, multilingual("description", _("Description"),
                                    max_length=DESCRIPTION_MAX, textarea=True))
        self.add(multilingual("cause", _("Cause (shown to the public when escalated)"),
                              max_length=1000, textarea=True))

    since = colander.SchemaNode(AwareDateTime(), title=_("Since"), missing=None)
    restore_by = colander.SchemaNode(AwareDateTime(), title=_("Expected restoration"),
                                     missing=None)


def incident_schema():
    return IncidentSchema()
