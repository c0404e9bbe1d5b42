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
                 active=True, creator=None, language=None):
        self.created = self.modified = utcnow()
        self.creator = creator
        self.description = {}
        self.fullname = fullname
        self.email = email
        self.roles = tuple(roles)
        self.groups = tuple(groups)
        self.org_unit = org_unit
        self.active = active
        self._language = language if language in LANGUAGES else None
        self.password_hash = None
        #: Bumped when the password changes: sessions of the old one end.
        self.auth_version = 0

    @property
    def login(self):
        return self.__name__

    @property
    def title(self):
        return {lang: self.fullname or self.__name__ or "" for lang in LANGUAGES}

    #: The language of the mail this user gets (kk, ru or en), stored as ``_language``.
    #: Users stored before the preference existed have none: they read as the portal's
    #: default language (the ``statportal.default_locale`` setting, kk), no evolve step.
    _language = None

    @property
    def language(self):
        return self._language if self._language in LANGUAGES else default_language()

    @language.setter
    def language(self, value):
        self._language = value if value in LANGUAGES else None

    def set_language(self, value):
        """The forms' and the API's setter (``editing.apply_fields``)."""
        self.language = value

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


def default_language(registry=None):
    """The portal's default language: the ``statportal.default_locale`` setting (kk)."""
    if registry is None:
        from pyramid.threadlocal import get_current_registry

        registry = get_current_registry()
    language = (getattr(registry, "settings", None) or {}).get("statportal.default_locale")
    return language if language in LANGUAGES else LANGUAGES[0]


def user_language(user, registry=None):
    """The language ``user`` reads mail in: their preference, else the portal's default."""
    language = getattr(user, "_language", None)
    return language if language in LANGUAGES else default_language(registry)


def addresses_by_language(portal, addresses, registry=None):
    """``{language: [address, ...]}`` of ``addresses``, each under the language of the
    active user who has it (an address no user has: the portal's default language), so
    that staff mail is written once per language, never in three run together."""
    languages = {}
    for user in portal["principals"]["users"].values():
        if user.active and user.email and user.email not in languages:
            languages[user.email] = user_language(user, registry)
    grouped = {}
    for address in dict.fromkeys(addresses):
        language = languages.get(address) or default_language(registry)
        grouped.setdefault(language, []).append(address)
    return grouped


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


def matches(query, *texts):
    """Whether every word of ``query`` is in one of ``texts`` (case ignored); an empty
    query matches everything. The admin lists' and the Sharing page's search."""
    words = (query or "").casefold().split()
    haystack = " ".join(t for t in texts if isinstance(t, str)).casefold()
    return all(word in haystack for word in words)


def search_users(portal, query="", with_email=False):
    """``[(login, user)]`` whose login or name (and e-mail, ``with_email``: only for those
    who may manage users) holds every word of ``query``, by login."""
    return [(login, user) for login, user in sorted(portal["principals"]["users"].items())
            if matches(query, login, user.fullname, user.email if with_email else None)]
