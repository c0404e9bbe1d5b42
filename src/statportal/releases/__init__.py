"""The Statistical Works Plan and the release calendar (art. 6, 10, 14–16, 19–20; issue #6).

Rules without HTTP: ``timing`` (release times), ``entries`` (an entry's date and status,
its public change log), ``plan`` (planned dates from a periodicity), ``service`` (the
types' create and update hooks), ``listing`` (what the pages list), ``ical`` (the feed).
Types and places: ``resources`` and ``schemas``; the catalog: ``catalog``; the pages and
JSON: ``views``.
"""

from statportal.i18n import _
from statportal.security.permissions import ADD, EDIT, MANAGE, VIEW

ADD_RELEASE = "statportal.release.add"
ADD_PLAN_ITEM = "statportal.plan.add"
# Role groups (statportal.security.roles): the office's working roles, the coordinators.
OFFICE = ("group:office",)
COORDINATORS = ("group:coordinators",)
CURRENCY = "statportal.currency"
TIMELINESS = "statportal.timeliness"


def includeme(config):
    from statportal.content.events import ObjectAdded, ObjectModified, ObjectRemoved
    from statportal.releases import catalog, resources, schemas, service
    from statportal.releases.json import serialize_entry

    config.add_content_type(
        "ReleaseCalendar", resources.ReleaseCalendar, schemas.year_schema,
        title=_("Release calendar"),
        permissions={VIEW: ("Anonymous",), MANAGE: OFFICE, ADD_RELEASE: COORDINATORS})
    config.add_content_type(
        "CalendarYear", resources.CalendarYear, schemas.year_schema,
        title=_("Calendar year"), addable_to=())
    config.add_content_type(
        "ReleaseEntry", resources.ReleaseEntry, schemas.release_entry_schema,
        title=_("Release"), addable_to=("ReleaseCalendar", "CalendarYear"),
        add_permission=ADD_RELEASE, permissions={EDIT: COORDINATORS},
        create=service.create_entry, update=service.update_entry, serializer=serialize_entry)
    config.add_content_type(
        "WorkPlan", resources.WorkPlan, schemas.year_schema,
        title=_("Statistical works plan"),
        permissions={VIEW: OFFICE, MANAGE: OFFICE, ADD: COORDINATORS,
                     ADD_PLAN_ITEM: COORDINATORS}, inherit=False)
    config.add_content_type(
        "PlanYear", resources.PlanYear, schemas.year_schema, title=_("Plan year"),
        addable_to=())
    config.add_content_type(
        "WorkPlanItem", resources.WorkPlanItem, schemas.plan_item_schema,
        title=_("Plan item"), addable_to=("WorkPlan", "PlanYear"),
        add_permission=ADD_PLAN_ITEM, permissions={EDIT: COORDINATORS},
        create=service.create_plan_item, update=service.update_plan_item)
    # this feature's dashboards, granted on the core's portal
    config.add_permission_grant("Portal", CURRENCY, COORDINATORS)
    config.add_permission_grant("Portal", TIMELINESS, ("group:coordinators",
                                                       "group:publishers", "group:unit_heads"))
    config.add_subscriber(catalog.on_added, ObjectAdded)
    config.add_subscriber(catalog.on_changed, ObjectModified)
    config.add_subscriber(catalog.on_removed, ObjectRemoved)
    config.include("statportal.releases.worker")  # its tasks; the worker waits for changes
    config.include("statportal.releases.feed")  # /calendar/@atom, /calendar/@rss
    from statportal.releases.probe import add_embargo_probe_targets

    # other features' addresses under embargo, for `statportal embargo-probe`
    config.add_directive("add_embargo_probe_targets", add_embargo_probe_targets)
    from statportal.releases.currency import add_currency_watch

    config.add_directive("add_currency_watch", add_currency_watch)  # what else it watches
    from statportal.releases.currency import on_request_registered
    from statportal.workflow.events import AfterTransition

    config.add_subscriber(on_request_registered, AfterTransition)
    from statportal.placement.events import Placed, Placing
    from statportal.releases import embargo

    config.add_subscriber(embargo.on_withdrawn, AfterTransition, workflow="material",
                          transition="withdraw")
    from statportal.releases import workflow

    config.add_workflow(workflow.RELEASE_ENTRY_WORKFLOW, content_types=("ReleaseEntry",))
    from statportal.interfaces import IEvolveSteps

    if config.registry.queryUtility(IEvolveSteps) is not None:
        config.add_evolve_step("statportal.releases",
                               "statportal.releases.workflow.adopt_entries", 1)
    config.add_subscriber(workflow.on_transition, AfterTransition, workflow=workflow.NAME)
    # the embargo on other features' workflows, registered (they do not import it)
    config.add_transition_guard("material", "publish", embargo.embargo_guard)
    config.add_transition_guard("placement_request", "place", embargo.replace_guard)
    config.add_subscriber(embargo.on_placing, Placing)
    config.add_subscriber(embargo.on_placed, Placed)
    # the next releases on the home page (the materials' page: they import no feature)
    config.add_home_panel("next_releases", "statportal.releases.home.next_releases",
                          "statportal.releases:templates/home_panel.pt", order=10)
    for module in ("views", "publish_views", "dashboard_views", "plan_views"):
        config.scan(f"statportal.releases.{module}")
    config.include("statportal.releases.openapi")
    config.include("statportal.releases.references")  # the reference pickers' searches
