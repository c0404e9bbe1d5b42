"""Confidentiality in the CMS (art. 22–23; issue #5): the ``confidentiality`` material
validator, the disclosure validators it runs on every table with a basis
(``config.add_disclosure_validator``), the classifications a basis CSV may name
(``config.add_classification``), and the disclosure page of materials and requests.

The engine is :mod:`statportal.disclosure`, which knows nothing of Pyramid.
"""


def includeme(config):
    from pyramid.exceptions import ConfigurationError

    from statportal.confidentiality import checks, fields, material
    from statportal.content.events import ObjectAdded, ObjectModified
    from statportal.interfaces import IDisclosureSettings
    from statportal.materials.events import TookRequest

    # A wrong setting stops the start, not the first publication.
    try:
        config.registry.registerUtility(
            checks.DisclosureSettings.from_settings(config.get_settings() or {}),
            IDisclosureSettings)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None
    config.add_directive("add_disclosure_validator", checks.add_disclosure_validator)
    config.add_directive("add_classification", material.add_classification)
    config.add_disclosure_validator("primary", checks.primary_validator)
    config.add_disclosure_validator("consistency", checks.consistency_validator)
    config.add_disclosure_validator("audit", checks.audit_validator)
    config.add_material_validator("confidentiality", material.confidentiality_validator)
    fields.register(config)  # the declaration and bases on materials and requests
    config.add_subscriber(fields.took_request, TookRequest)
    config.add_subscriber(guard_published_changes, ObjectModified)
    config.add_subscriber(record_declaration, ObjectAdded)
    config.scan("statportal.confidentiality.views")
    config.include("statportal.confidentiality.openapi")
    if hasattr(config, "add_evolve_step"):  # the checks' caches key on the files' digests
        config.add_evolve_step("statportal.files", "statportal.files.storage.fill_digests", 1)
    config.scan("statportal.confidentiality.report")


#: ``category`` too: a category the presumption covers may follow publishing
WATCHED = {"files", "bases", "primary_data", "primary_data_reason", "category"}
DECLARATION = {"primary_data", "primary_data_reason"}
#: states whose material is public, or goes public without a person's publish (the
#: release worker): a change is checked as publishing checks it
CHECKED_STATES = ("published", "scheduled")


def record_declaration(event):
    """A material or request added with a declaration (or a request's copied at Place)
    has it in its history, with who made it."""
    from pyramid.threadlocal import get_current_request

    from statportal.confidentiality.declaration import declaration_comment
    from statportal.workflow import history_of, note, workflow_of

    obj = event.object
    if getattr(obj, "primary_data", None) is None or not hasattr(obj, "bases"):
        return
    request = get_current_request()
    workflow = workflow_of(request.registry, obj) if request is not None else None
    if workflow is None or not history_of(obj):
        return  # not in its workflow yet (no "create"): nothing to record against
    note(obj, "primary_data", declaration_comment(obj), request=request)


def guard_published_changes(event):
    """A published (or scheduled) material whose files, bases or declaration change is
    checked again, as publishing checks it (every material validator); a refusal keeps
    nothing. A change of the declaration (``primary_data``, its reason) is recorded in
    the history, with who made it."""
    from pyramid.threadlocal import get_current_request

    from statportal.content.editing import EditError
    from statportal.i18n import _
    from statportal.materials.resources import Material
    from statportal.materials.validators import get_validators
    from statportal.workflow import note, state_of, workflow_of

    obj = event.object
    changed = WATCHED & set(event.changed or ())
    if not changed or not hasattr(obj, "bases"):
        return
    request = get_current_request()
    registry = request.registry if request is not None else None
    workflow = workflow_of(registry, obj) if registry is not None else None
    if workflow is None:
        return
    state = state_of(obj, workflow)
    if DECLARATION & changed:
        from statportal.confidentiality.declaration import declaration_comment

        note(obj, "primary_data", declaration_comment(obj), request=request)
    if isinstance(obj, Material) and state in CHECKED_STATES:
        findings = get_validators(registry).check(obj, request)
        if findings:
            message = _("The material is published: the change would publish what the "
                        "checks refuse.") if state == "published" else \
                _("The material waits for its release: the change would publish what the "
                  "checks refuse.")
            raise EditError(message, field="files", status=409,
                            type="refused", findings=findings)
