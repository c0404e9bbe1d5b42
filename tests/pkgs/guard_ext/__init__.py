"""An add-on that guards another package's transition (``config.add_transition_guard``):
no material whose title says DRAFT is published, by a user or by a placement."""

from statportal.workflow import Finding


def no_draft_in_title(material, request, transition):
    if any("DRAFT" in (text or "") for text in (material.title or {}).values()):
        return [Finding("Remove DRAFT from the title before publishing.", field="title",
                        code="draft_title")]
    return []


def includeme(config):
    # by dotted name, as an ini file or another package would name it
    config.add_transition_guard("material", "publish", "guard_ext.no_draft_in_title")
