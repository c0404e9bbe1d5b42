"""Org units: the Committee's structural units and territorial bodies, as a tree."""

from statportal.content.folder import Folder
from statportal.security.localroles import LocalRolesMixin

ORGUNIT_KINDS = ("committee", "department", "territorial_body", "unit")


class OrgUnits(LocalRolesMixin, Folder):
    """The ``/orgunits`` folder."""

    __is_fixed__ = True


class OrgUnit(LocalRolesMixin, Folder):
    def __init__(self, kind="unit", code="", **kw):
        super().__init__(**kw)
        self.kind = kind
        self.code = code
