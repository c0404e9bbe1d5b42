"""The Material workflow: ``private`` → ``published`` → ``withdrawn``; only Moderators
publish, and publishing is refused with the findings of the material validators.

Earlier versions of a material are kept inside it (``Material.versions``) and read back
as ``superseded``; they are records, not objects with a workflow of their own.
"""

from statportal.i18n import _
from statportal.materials.validators import validators_guard
from statportal.security.permissions import EDIT, VIEW
from statportal.workflow import State, Transition, Workflow

PUBLISH, WITHDRAW = "statportal.material.publish", "statportal.material.withdraw"
REPORTS = "statportal.material.reports"  # translation report, disclosure findings
STAFF = ("Executor", "HeadOfUnit", "Coordinator", "Moderator")

MATERIAL_WORKFLOW = Workflow(
    name="material",
    title=_("Material"),
    initial_state="private",
    states=(
        State("private", _("Private"), {VIEW: STAFF, EDIT: ("Moderator",),
                                        PUBLISH: ("Moderator",),
                                        REPORTS: ("Coordinator", "Moderator")}, inherit=False),
        State("published", _("Published"), {VIEW: ("Anonymous",), EDIT: ("Moderator",),
                                            WITHDRAW: ("Moderator",)}),
        State("withdrawn", _("Withdrawn"), {VIEW: STAFF, EDIT: ("Moderator",),
                                            PUBLISH: ("Moderator",),
                                            REPORTS: ("Coordinator", "Moderator")},
              inherit=False),
    ),
    transitions=(
        Transition("publish", ("private", "withdrawn"), "published", PUBLISH, _("Publish"),
                   guards=(validators_guard,)),
        Transition("withdraw", ("published",), "withdrawn", WITHDRAW, _("Withdraw"),
                   requires_comment=True),
    ),
)
