"""Content: the persistent types, BTree folders and the type registry.

``includeme`` adds the ``config.add_content_type`` directive and registers
the core types: Portal, Section, the fixed Container places, and (from
``statportal.security``) users, groups and org units.
"""

from statportal.content.base import Content
from statportal.content.folder import Folder
from statportal.content.registry import TypeInfo, add_content_type, content_type
from statportal.content.resources import Container, Portal, Section, get_portal
from statportal.i18n import _
from statportal.security.permissions import ADD, DELETE, EDIT, MANAGE, SHARE, STAFF, VIEW

#: Role groups (``statportal.security.roles``) that shape the tree of sections.
SECTION_EDITORS = ("group:editors", "group:administrators")
ADMINISTRATORS = ("group:administrators",)
EVERY_STAFF = ("group:staff",)


def includeme(config):
    from statportal.content import registry, schemas

    config.include(registry)
    config.include("statportal.content.places")  # add_fixed_place, for the features
    _count_tree_changes(config)
    config.add_content_type(
        "Portal", Portal, schemas.container_schema, title=_("Portal"),
        # Features grant their own permissions here (config.add_permission_grant).
        permissions={VIEW: ("Anonymous",), MANAGE: EVERY_STAFF, STAFF: EVERY_STAFF,
                     "*": ADMINISTRATORS},
    )
    config.add_content_type(
        "Section", Section, schemas.section_schema, title=_("Section"),
        addable_to=("Portal", "Section"),
        permissions={ADD: SECTION_EDITORS, EDIT: SECTION_EDITORS,
                     DELETE: ("group:publishers", *ADMINISTRATORS), SHARE: ADMINISTRATORS},
    )
    config.add_content_type(
        "Container", Container, schemas.container_schema, title=_("Container"),
        permissions={VIEW: EVERY_STAFF, MANAGE: EVERY_STAFF}, inherit=False,
    )


def _count_tree_changes(config):
    """Every change of the tree bumps its serial (what the layout's cache is keyed by)."""
    from statportal.content import events

    for event in (events.ObjectAdded, events.ObjectRemoved, events.ObjectModified,
                  events.ObjectRenamed, "statportal.workflow.events.AfterTransition"):
        config.add_subscriber(events.bump_tree_serial, event)


__all__ = ["Content", "Folder", "TypeInfo", "add_content_type", "content_type", "get_portal"]
