"""Information materials, minimal for placement (issue #3); issue #4 completes them.

A Material lives in a section, has a category, kk/ru/en title and files, and
keeps its earlier versions when a placement replaces it. Its workflow:
``private`` → ``published`` → ``withdrawn``.
"""

import colander
from persistent.list import PersistentList

from statportal.content.base import Content, utcnow
from statportal.content.schemas import ContentSchema
from statportal.i18n import _
from statportal.placement.schemas import CATEGORIES
from statportal.security.permissions import EDIT, VIEW
from statportal.workflow import State, Transition, Workflow

PUBLISH, WITHDRAW = "statportal.material.publish", "statportal.material.withdraw"
STAFF = ("Executor", "HeadOfUnit", "Coordinator", "Moderator")

MATERIAL_WORKFLOW = Workflow(
    name="material",
    title=_("Material"),
    initial_state="private",
    states=(
        State("private", _("Private"), {VIEW: STAFF, EDIT: ("Moderator",),
                                        PUBLISH: ("Moderator",)}, inherit=False),
        State("published", _("Published"), {VIEW: ("Anonymous",), WITHDRAW: ("Moderator",)}),
        State("withdrawn", _("Withdrawn"), {VIEW: STAFF, PUBLISH: ("Moderator",)},
              inherit=False),
    ),
    transitions=(
        Transition("publish", ("private", "withdrawn"), "published", PUBLISH, _("Publish")),
        Transition("withdraw", ("published",), "withdrawn", WITHDRAW, _("Withdraw"),
                   requires_comment=True),
    ),
)


class Material(Content):
    def __init__(self, category="latest_data", **kw):
        super().__init__(**kw)
        self.category = category
        self.files = PersistentList()
        self.versions = PersistentList()
        self.placed_by = ()

    def new_version(self, title, files, request_number=None):
        """Keep the current version in the history and take the new title and files."""
        self.versions.append({"title": dict(self.title), "files": list(self.files),
                              "replaced_at": utcnow(), "by_request": request_number})
        self.title = dict(title)
        self.files = PersistentList(files)
        self.touch()


class MaterialSchema(ContentSchema):
    category = colander.SchemaNode(colander.String(), title=_("Category"),
                                   validator=colander.OneOf(CATEGORIES))


def material_schema():
    return MaterialSchema()


def includeme(config):
    config.add_content_type("Material", Material, material_schema, title=_("Material"),
                            addable_to=("Section",), add_permission="statportal.material.add")
    config.add_workflow(MATERIAL_WORKFLOW, content_types=("Material",))
