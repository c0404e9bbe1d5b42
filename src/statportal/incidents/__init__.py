"""Portal incidents (art. 17–18; issue #7, part 5): a moderator reports a failure that
blocks timely placement; Support is told at once and acknowledges; unresolved after
``statportal.incidents.escalate_hours`` (24) it is escalated: the coordinators get a
written notice and every public page shows the cause and the expected restoration time,
which Support keeps current; resolving removes the notice and records the duration.

``resources`` (the Incident and ``/incidents``), ``workflow`` (the states, as data),
``rules`` (escalation, notices, durations, without HTTP), ``views`` (the public list).
"""

from statportal.i18n import _
from statportal.security.permissions import ADD, EDIT, MANAGE, VIEW

REPORT = "statportal.incident.report"
# Role groups (statportal.security.roles): the office's working roles; who reports.
OFFICE = ("group:office",)
PUBLISHERS = ("group:publishers",)


def includeme(config):
    from statportal.content.events import ObjectAdded
    from statportal.incidents import resources, rules, schemas
    from statportal.incidents.workflow import INCIDENT_WORKFLOW
    from statportal.interfaces import IPageNotices
    from statportal.workflow.events import AfterTransition

    config.add_content_type(
        "Incidents", resources.Incidents, schemas.container_schema,
        title=_("Portal incidents"),
        permissions={VIEW: ("Anonymous",), MANAGE: OFFICE, ADD: PUBLISHERS,
                     REPORT: PUBLISHERS})
    config.add_content_type(
        "Incident", resources.Incident, schemas.incident_schema, title=_("Incident"),
        addable_to=("Incidents",), add_permission=REPORT,
        name_factory=resources.Incidents.new_id, permissions={EDIT: ("group:support",)},
        read_only=("reported_at", "acknowledged_at", "escalated_at", "resolved_at",
                   "duration_minutes"))
    config.add_workflow(INCIDENT_WORKFLOW, content_types=("Incident",))
    config.add_subscriber(rules.on_reported, ObjectAdded)
    config.add_subscriber(rules.on_transition, AfterTransition)
    config.registry.registerUtility(rules.public_notices, IPageNotices)  # every page's
    config.include("statportal.worker")  # add_worker_task
    config.add_worker_task("incidents", escalate_task)
    config.scan("statportal.incidents.views")


def escalate_task(request, now):
    """The worker's task: escalate what is overdue (``rules.escalate_due``)."""
    from statportal.content.resources import get_portal
    from statportal.incidents.rules import escalate_due

    return {"incidents": escalate_due(request, get_portal(request), now)}
