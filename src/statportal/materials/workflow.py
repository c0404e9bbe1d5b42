"""The Material workflow: ``private`` → ``published`` → ``withdrawn``; only Moderators
publish, and publishing is refused with the findings of the material validators.

Every state grants explicitly and inherits nothing from the section (``inherit=False``):
the section's ``EDIT`` of Executors, Heads of unit and Coordinators never reaches a
material. A published material changes only through a placement's Replace (a new
version, placed by the system) or the moderator's workflow.

``scheduled``: placed for a release of the calendar whose time has not come (the
embargo). Nobody without the right sees it; the worker publishes it at the release time
(:mod:`statportal.releases.embargo`), or two people release it early ("publish now").
The releases feature adds its embargo guard to "publish" (``add_transition_guard``).

The system transitions (``system=True``: never offered to users) are taken by other
features with ``fire(..., system=...)``: ``place`` (a placement's Place: publishes,
schedules or withdraws), ``release`` (the worker at the release time) and
``publish_now`` (two people before it).

Earlier versions of a material are kept inside it (``Material.versions``) and read back
as ``superseded``; they are records, not objects with a workflow of their own.
"""

from statportal.i18n import _
from statportal.materials.validators import validators_guard
from statportal.security.permissions import EDIT, VIEW
from statportal.workflow import State, Transition, Workflow

PUBLISH, WITHDRAW = "statportal.material.publish", "statportal.material.withdraw"
REPORTS = "statportal.material.reports"
#: Release a scheduled material before its calendar time (with a second person).
PUBLISH_NOW = "statportal.material.publish_now"  # translation report, disclosure findings
#: Who sees a material before (and after) publication: the editors role group
#: (Executor, HeadOfUnit, Coordinator, Moderator, and roles that add-ons add to it).
EDITORS = ("group:editors",)

MATERIAL_WORKFLOW = Workflow(
    name="material",
    title=_("Material"),
    initial_state="private",
    # what others note in a material's history (statportal.labels.action_title)
    notes={"remove_empty_sheets": _("Empty sheets removed"), "primary_data": _("Primary data"),
           "disclosure_override": _("Override"), "release_refused": _("Release refused")},
    states=(
        State("private", _("Private"), {VIEW: EDITORS, EDIT: ("Moderator",),
                                        PUBLISH: ("Moderator",),
                                        REPORTS: ("Coordinator", "Moderator")}, inherit=False),
        State("scheduled", _("Scheduled"), {VIEW: EDITORS, EDIT: ("Moderator",),
                                            WITHDRAW: ("Moderator",), PUBLISH_NOW: ("Moderator",),
                                            REPORTS: ("Coordinator", "Moderator")},
              inherit=False),
        # explicit grants, nothing of the section's: its EDIT (Executor, Head of unit,
        # Coordinator) must not reach published figures (issue 16); they change by a
        # placement's Replace (a new version) or the moderator's workflow
        State("published", _("Published"), {VIEW: ("Anonymous",), EDIT: ("Moderator",),
                                            WITHDRAW: ("Moderator",),
                                            # a pending Replace's new version
                                            PUBLISH_NOW: ("Moderator",),
                                            REPORTS: ("Coordinator", "Moderator")},
              inherit=False),
        State("withdrawn", _("Withdrawn"), {VIEW: EDITORS, EDIT: ("Moderator",),
                                            PUBLISH: ("Moderator",),
                                            REPORTS: ("Coordinator", "Moderator")},
              inherit=False),
    ),
    transitions=(
        Transition("publish", ("private", "withdrawn"), "published", PUBLISH, _("Publish"),
                   guards=(validators_guard,), message=_("Published: ${link}")),
        Transition("withdraw", ("published", "scheduled"), "withdrawn", WITHDRAW, _("Withdraw"),
                   requires_comment=True, message=_("Withdrawn from the site: ${title}."),
                   confirm=_("Withdraw ${title}: the public no longer sees the material and "
                             "its files; it can be published again.")),
        Transition("place", ("private", "scheduled", "published", "withdrawn"), "published",
                   None, _("Place"), system=True, targets=("scheduled", "withdrawn")),
        Transition("release", ("scheduled", "published"), "published", None, _("Release"),
                   system=True),
        Transition("publish_now", ("scheduled", "published"), "published", None,
                   _("Published before the release"), system=True),
    ),
)
