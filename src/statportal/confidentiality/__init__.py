"""Confidentiality in the CMS (art. 22–23; issue #5): the ``confidentiality`` material
validator, the disclosure validators it runs on every table with a basis
(``config.add_disclosure_validator``), the classifications a basis CSV may name
(``config.add_classification``), and the disclosure page of materials and requests.

The engine is :mod:`statportal.disclosure`, which knows nothing of Pyramid.
"""


def includeme(config):
    from statportal.confidentiality import checks, material
    from statportal.content.events import ObjectModified

    # A wrong setting stops the start, not the first publication.
    config.registry.statportal_disclosure_settings = \
        checks.DisclosureSettings.from_settings(config.get_settings() or {})
    config.add_directive("add_disclosure_validator", checks.add_disclosure_validator)
    config.add_directive("add_classification", material.add_classification)
    config.add_disclosure_validator(checks.primary_validator, name="primary")
    config.add_disclosure_validator(checks.consistency_validator, name="consistency")
    config.add_disclosure_validator(checks.audit_validator, name="audit")
    config.add_material_validator("confidentiality", material.confidentiality_validator)
    config.add_subscriber(guard_published_changes, ObjectModified)
    config.scan("statportal.confidentiality.views")


WATCHED = {"files", "bases", "primary_data"}


def guard_published_changes(event):
    """A published material whose files, bases or primary data change is checked again,
    as publishing checks it (every material validator); a refusal keeps nothing. A change
    of ``primary_data`` is recorded in the history."""
    from pyramid.threadlocal import get_current_request

    from statportal.content.editing import EditError
    from statportal.i18n import _
    from statportal.materials.resources import Material
    from statportal.materials.validators import get_validators
    from statportal.workflow.engine import _record, workflow_of

    obj = event.object
    changed = WATCHED & set(event.changed or ())
    if not changed or not hasattr(obj, "bases"):
        return
    request = get_current_request()
    registry = request.registry if request is not None else None
    workflow = workflow_of(registry, obj) if registry is not None else None
    if workflow is None:
        return
    state = (getattr(obj, "__workflow_state__", None) or {}).get(workflow.name)
    if "primary_data" in changed:
        _record(obj, workflow, "primary_data", request.authenticated_userid, state, state,
                "on" if obj.primary_data else "off")
    if isinstance(obj, Material) and state == "published":
        findings = get_validators(registry).check(obj, request)
        if findings:
            raise EditError(_("The material is published: the change would publish what "
                              "the checks refuse."), field="files", status=409,
                            type="refused", findings=findings)
