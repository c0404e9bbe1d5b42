"""The placement request workflow (art. 6–18): draft → … → placed, as data.

REGISTER stays with the coordinator after registration: it is also the permission to
write the register's note (art. 12.5, ``register_note``) on a registered, placed or
rejected request; no transition leaves those states by it.

The releases feature adds its guard to "place" (a Replace while another waits for a
release, ``add_transition_guard``).
"""

from statportal.i18n import _, format_datetime
from statportal.placement.permissions import APPROVE, PLACE, REGISTER, REJECT, RETURN, SUBMIT
from statportal.placement.placing import placement_guard
from statportal.placement.queue import out_of_order_guard
from statportal.security.permissions import EDIT, VIEW
from statportal.workflow import State, Transition, Workflow

UNIT = ("Executor", "HeadOfUnit")
OFFICE = ("Coordinator", "Moderator")



def message_values(obj, request):
    """The named values of the request's messages and questions (statportal.workflow.
    messages): the due time in the portal's zone, where Place puts the material and when,
    and, once placed, the material as a link."""
    from datetime import datetime

    from statportal import labels
    from statportal.content.base import utcnow
    from statportal.content.paths import find_by_path, root_of

    root = root_of(obj)
    section = labels.unit_title(request, getattr(obj, "section", ""), portal=root)
    entry = find_by_path(root, obj.release) if getattr(obj, "release", "") else None
    when = getattr(entry, "release", None)
    kind = getattr(obj, "placement_type", "new")
    if kind == "delete":
        outcome = _("the material will be withdrawn from the site now")
    elif isinstance(when, datetime) and when > utcnow():
        outcome = _("the material will be published in ${section} at the release time, "
                    "${time}", mapping={"section": section,
                                         "time": format_datetime(request, when)})
    else:
        outcome = _("the material will be published in ${section} now",
                    mapping={"section": section})
    values = {"due": format_datetime(request, obj.due) if obj.due else "—",
              "section": section, "outcome": outcome}
    material = find_by_path(root, obj.material) if obj.material else None
    if material is not None:
        values["link"] = (labels.words(request, material.title, obj.material),
                          request.resource_url(material))
    return values


PLACEMENT_WORKFLOW = Workflow(
    name="placement_request",
    title=_("Placement request"),
    initial_state="draft",
    # what others note in a request's history too (its files' empty sheets, an override)
    notes={"register_note": _("Register note"), "primary_data": _("Primary data"),
           "remove_empty_sheets": _("Empty sheets removed"), "disclosure_override": _("Override")},
    values=message_values,
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
        Transition("submit", ("draft",), "awaiting_approval", SUBMIT, _("Submit for approval"),
                   message=_("Submitted for approval: ${title}.")),
        Transition("approve", ("awaiting_approval",), "submitted", APPROVE, _("Approve"),
                   message=_("Approved and sent to the coordinator: ${title}.")),
        Transition("register", ("submitted",), "registered", REGISTER, _("Register"),
                   fields=("register_note",), message=_("${number} registered, due ${due}.")),
        Transition("place", ("registered",), "placed", PLACE, _("Place"),
                   guards=(out_of_order_guard, placement_guard),
                   message=_("${number} placed: ${link}"),
                   confirm=_("Place ${number}: ${outcome}."), irreversible=True),
        Transition("return", ("awaiting_approval", "submitted", "registered"), "draft", RETURN,
                   _("Return"), requires_comment=True,
                   message=_("Returned to the executor: ${title}.")),
        Transition("reject", ("submitted", "registered"), "rejected", REJECT, _("Reject"),
                   requires_comment=True, message=_("Rejected: ${title}."),
                   confirm=_("Reject ${number}: the request ends here and is not placed; "
                             "the executor is told the reason."), irreversible=True),
    ),
)
