"""The placement request workflow (art. 6–18): draft → … → placed, as data.

REGISTER stays with the coordinator after registration: it is also the permission to
write the register's note (art. 12.5, ``register_note``) on a registered, placed or
rejected request; no transition leaves those states by it.

The releases feature adds its guard to "place" (a Replace while another waits for a
release, ``add_transition_guard``).
"""

from statportal.i18n import _
from statportal.placement.permissions import APPROVE, PLACE, REGISTER, REJECT, RETURN, SUBMIT
from statportal.placement.placing import placement_guard
from statportal.placement.queue import out_of_order_guard
from statportal.security.permissions import EDIT, VIEW
from statportal.workflow import State, Transition, Workflow

UNIT = ("Executor", "HeadOfUnit")
OFFICE = ("Coordinator", "Moderator")

PLACEMENT_WORKFLOW = Workflow(
    name="placement_request",
    title=_("Placement request"),
    initial_state="draft",
    notes={"register_note": _("Register note")},
    states=(
        State("draft", _("Draft"), {VIEW: UNIT, EDIT: ("Executor",), SUBMIT: ("Executor",)},
              inherit=False),
        State("awaiting_approval", _("Awaiting approval"),
              {VIEW: UNIT, APPROVE: ("HeadOfUnit",), RETURN: ("HeadOfUnit",)}, inherit=False),
        State("submitted", _("Submitted"),
              {VIEW: (*UNIT, *OFFICE), REGISTER: ("Coordinator",), RETURN: ("Coordinator",),
               REJECT: ("Coordinator",)}, inherit=False),
        State("registered", _("Registered"),
              {VIEW: (*UNIT, *OFFICE), PLACE: ("Moderator",), REGISTER: ("Coordinator",),
               RETURN: ("Coordinator", "Moderator"), REJECT: ("Coordinator",)}, inherit=False),
        State("placed", _("Placed"), {VIEW: (*UNIT, *OFFICE), REGISTER: ("Coordinator",)},
              inherit=False),
        State("rejected", _("Rejected"), {VIEW: (*UNIT, *OFFICE), REGISTER: ("Coordinator",)},
              inherit=False),
    ),
    transitions=(
        Transition("submit", ("draft",), "awaiting_approval", SUBMIT, _("Submit for approval")),
        Transition("approve", ("awaiting_approval",), "submitted", APPROVE, _("Approve")),
        Transition("register", ("submitted",), "registered", REGISTER, _("Register"),
                   fields=("register_note",)),
        Transition("place", ("registered",), "placed", PLACE, _("Place"),
                   guards=(out_of_order_guard, placement_guard)),
        Transition("return", ("awaiting_approval", "submitted", "registered"), "draft", RETURN,
                   _("Return"), requires_comment=True),
        Transition("reject", ("submitted", "registered"), "rejected", REJECT, _("Reject"),
                   requires_comment=True),
    ),
)
