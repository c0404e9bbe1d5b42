"""Placement requests (art. 6–18 and the annex): the type, its workflow, numbering, deadlines."""

from statportal.i18n import _
from statportal.placement.permissions import CREATE_REQUEST
from statportal.placement.queue import dequeue, enqueue
from statportal.placement.resources import PlacementRequest, Requests
from statportal.security.permissions import ADD, MANAGE, VIEW
from statportal.workflow.events import AfterTransition

STAFF = ("group:staff",)  # every account (statportal.security.roles)


def on_transition(event):
    """Dates, the number and the deadline that the transitions give a request."""
    from datetime import UTC

    from statportal.content.base import utcnow
    from statportal.schedule.exceptions import work_calendar

    request_obj, name = event.object, event.transition.name
    if not isinstance(request_obj, PlacementRequest):
        return
    now = utcnow()
    if name == "submit":
        request_obj.submitted_at = now
    elif name == "register":
        calendar = work_calendar(event.request)
        local_now = calendar.local(now)
        if request_obj.number is None:  # a returned request keeps its number
            request_obj.number = request_obj.__parent__.next_number(local_now.year)
        request_obj.registered_at = now
        # Stored in UTC: zoneinfo time zones do not pickle into ZODB; pages show Almaty time.
        request_obj.due = calendar.placement_deadline(now).astimezone(UTC)
        enqueue(request_obj)
    elif name == "place":
        from statportal.placement.placing import place

        place(event.request, request_obj)
        request_obj.executed_at = now
    if name in ("place", "return", "reject"):
        dequeue(request_obj)


def on_register_note(event):
    """A change of the register's note is kept in the history, with who wrote it (art. 12)."""
    from statportal.workflow import note

    if isinstance(event.object, PlacementRequest) and "register_note" in event.changed:
        note(event.object, "register_note", event.object.register_note or "")


def includeme(config):
    from pyramid.exceptions import ConfigurationError

    from statportal.files import FilePolicy
    from statportal.interfaces import IFilePolicy
    from statportal.placement.schemas import placement_request_schema

    try:  # statportal.file_formats and statportal.file_max_mb, checked at start-up
        config.registry.registerUtility(FilePolicy.from_settings(config.registry.settings),
                                        IFilePolicy)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None
    from statportal.placement.workflow import PLACEMENT_WORKFLOW

    def requests_schema():
        from statportal.content.schemas import container_schema

        return container_schema()

    config.add_content_type("Requests", Requests, requests_schema, title=_("Placement requests"),
                            permissions={VIEW: STAFF, MANAGE: STAFF, ADD: STAFF,
                                         "statportal.request.queue": ("group:publishers",
                                                                      "group:coordinators")},
                            inherit=False)
    config.add_content_type("PlacementRequest", PlacementRequest, placement_request_schema,
                            title=_("Placement request"), addable_to=("Requests",),
                            name_factory=Requests.new_id,
                            serializer="statportal.placement.returned.serialize_request",
                            read_only=("number", "submitted_at", "registered_at", "due",
                                       "executed_at", "material"),
                            # the forms' "Save and submit" (views.forms.save_transition)
                            meta={"submit_transition": "submit"})
    config.add_workflow(PLACEMENT_WORKFLOW, content_types=("PlacementRequest",))
    config.add_subscriber(on_transition, AfterTransition)
    # a unit's executors prepare its requests (granted on the core's org units)
    config.add_permission_grant("OrgUnits", CREATE_REQUEST, ("group:executors",))
    from statportal.placement.notify import on_request_transition

    config.add_subscriber(on_request_transition, AfterTransition)
    from statportal.content.events import ObjectAdded, ObjectModified, ObjectRemoved
    from statportal.placement import catalog

    config.add_subscriber(catalog.on_added, ObjectAdded)
    config.add_subscriber(catalog.on_changed, AfterTransition)
    config.add_subscriber(catalog.on_changed, ObjectModified)
    config.add_subscriber(catalog.on_removed, ObjectRemoved)
    config.add_subscriber(on_register_note, ObjectModified)
    from statportal.interfaces import IEvolveSteps

    if config.registry.queryUtility(IEvolveSteps) is not None:  # who made it, when: "My requests"
        config.add_evolve_step("statportal.placement",
                               "statportal.placement.catalog.evolve_indexes", 1)
    config.scan("statportal.placement.views")
    config.scan("statportal.placement.register")
    config.scan("statportal.placement.pages")
    config.scan("statportal.placement.mywork")
    config.include("statportal.placement.openapi")


__all__ = ["CREATE_REQUEST", "PlacementRequest", "Requests"]
