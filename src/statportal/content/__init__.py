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
from statportal.security.permissions import ADD, DELETE, EDIT, MANAGE, SHARE, VIEW
from statportal.security.roles import STAFF

#: Roles that shape the tree of sections (add sub-sections, edit them).
SECTION_EDITORS = ("Executor", "HeadOfUnit", "Coordinator", "Moderator", "Manager")


def includeme(config):
    from statportal.content import registry, schemas

    config.include(registry)
    config.add_content_type(
        "Portal", Portal, schemas.container_schema, title=_("Portal"),
        permissions={VIEW: ("Anonymous",), MANAGE: ("Authenticated",), "*": ("Manager",),
                     "statportal.material.reports": ("Coordinator", "Moderator"),
                     "statportal.currency": ("Coordinator",),
                     "statportal.timeliness": ("Coordinator", "Moderator", "HeadOfUnit")},
    )
    config.add_content_type(
        "Section", Section, schemas.section_schema, title=_("Section"),
        addable_to=("Portal", "Section"),
        permissions={ADD: SECTION_EDITORS, EDIT: SECTION_EDITORS,
                     DELETE: ("Moderator", "Manager"), SHARE: ("Manager",),
                     "statportal.material.add": ("Moderator",)},
    )
    config.add_content_type(
        "Container", Container, schemas.container_schema, title=_("Container"),
        permissions={VIEW: STAFF, MANAGE: STAFF}, inherit=False,
    )


__all__ = ["Content", "Folder", "TypeInfo", "add_content_type", "content_type", "get_portal"]
