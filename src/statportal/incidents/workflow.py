"""The incident workflow (art. 17–18), as data: reported → acknowledged → resolved, and
escalated (with a cause and a restoration time) when not resolved in time."""

from statportal.i18n import _
from statportal.incidents.rules import escalation_guard
from statportal.security.permissions import EDIT, VIEW
from statportal.workflow import State, Transition, Workflow

ACKNOWLEDGE = "statportal.incident.acknowledge"
ESCALATE = "statportal.incident.escalate"
RESOLVE = "statportal.incident.resolve"
OFFICE = ("Moderator", "Support", "Coordinator")
SUPPORT = {VIEW: OFFICE, EDIT: ("Support",), ESCALATE: ("Support",),
           RESOLVE: ("Support",)}

INCIDENT_WORKFLOW = Workflow(
    name="incident",
    title=_("Incident"),
    initial_state="reported",
    states=(
        State("reported", _("Reported"), {**SUPPORT, ACKNOWLEDGE: ("Support",)},
              inherit=False),
        State("acknowledged", _("Acknowledged"), SUPPORT, inherit=False),
        State("escalated", _("Escalated"), {VIEW: OFFICE, EDIT: ("Support",),
                                            RESOLVE: ("Support",)}, inherit=False),
        State("resolved", _("Resolved"), {VIEW: OFFICE}, inherit=False),
    ),
    transitions=(
        Transition("acknowledge", ("reported",), "acknowledged", ACKNOWLEDGE,
                   _("Acknowledge")),
        Transition("escalate", ("reported", "acknowledged"), "escalated", ESCALATE,
                   _("Escalate"), guards=(escalation_guard,)),
        Transition("resolve", ("reported", "acknowledged", "escalated"), "resolved",
                   RESOLVE, _("Resolve")),
    ),
)
