"""An integrator's package: adds a content type and overrides Section, by include alone."""

import colander

from statportal.content.folder import Folder
from statportal.content.resources import Section
from statportal.content.schemas import ContentSchema
from statportal.i18n import _


class Report(Folder):
    """A statistical report, addable to sections."""


class ReportSchema(ContentSchema):
    periodicity = colander.SchemaNode(
        colander.String(), title=_("Periodicity"),
        validator=colander.OneOf(["monthly", "quarterly", "annual"]))


class WideSection(Section):
    """Replaces the core Section: same name, another factory."""

    wide = True


def includeme(config):
    config.add_content_type(
        "Report", Report, ReportSchema, title="Report",
        addable_to=("Section",),
    )
    from statportal.content.schemas import section_schema

    config.add_content_type("Section", WideSection, section_schema, title="Section",
                            addable_to=("Portal", "Section"))
