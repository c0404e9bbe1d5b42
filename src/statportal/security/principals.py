"""Users and groups, stored in ``/principals/users`` and ``/principals/groups``."""

from statportal.content.base import Content, utcnow
from statportal.content.folder import Folder
from statportal.i18n import LANGUAGES
from statportal.security.passwords import hash_password, needs_rehash, verify_password


def user_principal(login):
    return f"user:{login}"


def group_principal(name):
    return f"group:{name}"


class User(Content):
    """A person who logs in. The login is the object's id."""

    def __init__(self, fullname="", email="", roles=(), groups=(), org_unit=None,
                 active=True, creator=None):
        self.created = self.modified = utcnow()
        self.creator = creator
        self.description = {}
        self.fullname = fullname
        self.email = email
        self.roles = tuple(roles)
        self.groups = tuple(groups)
        self.org_unit = org_unit
        self.active = active
        self.password_hash = None
        #: Bumped when the password changes: sessions of the old one end.
        self.auth_version = 0

    @property
    def login(self):
        return self.__name__

    @property
    def title(self):
        return {lang: self.fullname or self.__name__ or "" for lang in LANGUAGES}

    #: Bumped on logout: every session begun before ends (a class default, so users stored
    #: before it existed need no evolve step).
    session_serial = 0

    def end_sessions(self):
        self.session_serial += 1

    def set_password(self, password, registry=None):
        """Hash at ``registry``'s profile (the current registry's by default)."""
        self.password_hash = hash_password(password, registry)
        self.auth_version += 1

    def check_password(self, password, registry=None):
        ok = verify_password(self.password_hash, password, registry)
        if ok and needs_rehash(self.password_hash, registry):
            self.password_hash = hash_password(password, registry)
        return ok

    def principal_ids(self):
        return [user_principal(self.login), *(group_principal(g) for g in self.groups)]


class Group(Content):
    def __init__(self, title=None, description=None, roles=(), creator=None):
        super().__init__(title=title, description=description, creator=creator)
        self.roles = tuple(roles)


class Principals(Folder):
    """The ``/principals`` folder: holds ``users`` and ``groups``."""

    __is_fixed__ = True


class Users(Folder):
    ordered = False
    renamable = False
    __is_fixed__ = True


class Groups(Folder):
    ordered = False
    renamable = False
    __is_fixed__ = True


def find_user(portal, login):
    if not login:
        return None
    return portal["principals"]["users"].get(login)


def user_roles(portal, user):
    """Global roles of ``user``: its own and its groups'."""
    roles = set(user.roles)
    groups = portal["principals"]["groups"]
    for name in user.groups:
        group = groups.get(name)
        if group is not None:
            roles.update(group.roles)
    return roles


def _role_names(role, registry=None):
    """``{role}``, or the members of the role group ``group:<name>``."""
    from statportal.security.roles import GROUP_PREFIX

    if not role.startswith(GROUP_PREFIX):
        return {role}
    if registry is None:
        from pyramid.threadlocal import get_current_registry

        registry = get_current_registry()
    from statportal.security.roles import get_roles

    return set(get_roles(registry).expand(role))


def addresses_with_role(portal, role, registry=None):
    """E-mail addresses of the active users who hold ``role`` (or a role of the role group
    ``group:<name>``) globally."""
    names = _role_names(role, registry)
    return sorted(u.email for u in portal["principals"]["users"].values()
                  if u.active and u.email and names & user_roles(portal, u))


def addresses_in_unit(portal, unit_path, role, registry=None):
    """E-mail addresses of the users who hold ``role`` (or a role of the group
    ``group:<name>``) in the org unit ``unit_path``: as a local role on the unit, or
    globally with the unit as their own."""
    from statportal.content.paths import find_by_path

    names = _role_names(role, registry)
    unit = find_by_path(portal, unit_path) if unit_path else None
    grants = unit.local_roles() if unit is not None and hasattr(unit, "local_roles") else {}
    addresses = set()
    for user in portal["principals"]["users"].values():
        if not (user.active and user.email):
            continue
        local = names & set(grants.get(user_principal(user.login), ()))
        global_ = names & user_roles(portal, user) and user.org_unit == unit_path
        if local or global_:
            addresses.add(user.email)
    return sorted(addresses)


def members_of(portal, group_name):
    # Users are few (hundreds); this listing is for the admin page only.
    return [u for u in portal["principals"]["users"].values() if group_name in u.groups]
