"""What the add form of a request knows before the executor types (issue 18): her name
and e-mail from her account, her unit, the head of that unit. All stay editable; the
JSON API asks for them as before (a client says what it means).

The head of unit is who holds a role of the ``unit_heads`` group on the unit (locally,
or globally with the unit as their own): the same question the mail to a unit's heads
asks (``security.principals.addresses_in_unit``), so no role name is written here.
"""

import colander

HEADS = "group:unit_heads"


def _user(request):
    from statportal.content.resources import get_portal
    from statportal.security.principals import find_user

    return find_user(get_portal(request), request.authenticated_userid)


def heads_of_unit(request, unit_path):
    """The names of the heads of ``unit_path`` (and of the units above it when it has
    none), active users only, by name."""
    from statportal.content.resources import get_portal
    from statportal.security.principals import addresses_in_unit

    portal = get_portal(request)
    path = unit_path or ""
    while path.count("/") > 1:  # /orgunits/a/b -> /orgunits/a; not /orgunits itself
        addresses = set(addresses_in_unit(portal, path, HEADS, request.registry))
        if addresses:
            return sorted(user.fullname or user.login
                          for user in portal["principals"]["users"].values()
                          if user.active and user.email in addresses)
        path = path.rsplit("/", 1)[0]
    return []


def default_unit(request, choices):
    """The user's own unit when she prepares requests for it, else the first she may."""
    user = _user(request)
    own = getattr(user, "org_unit", None)
    paths = [path for path, _title in choices]
    if own in paths:
        return own
    return paths[0] if paths else colander.null


def _adding_only(make):
    """A deferred default that fills the add form only (an edit shows what is stored)."""
    @colander.deferred
    def deferred(node, kw):
        if not kw.get("adding") or kw.get("request") is None:
            return colander.null
        user = _user(kw["request"])
        if user is None:
            return colander.null
        return make(kw["request"], user) or colander.null
    return deferred


executor_default = _adding_only(lambda request, user: user.fullname)
executor_email_default = _adding_only(lambda request, user: user.email)


def head_default(unit_of):
    """The heads of the unit the form starts with (``unit_of(request)``), joined ("A, B"
    when a unit has two)."""
    @colander.deferred
    def deferred(node, kw):
        if not kw.get("adding") or kw.get("request") is None:
            return colander.null
        request = kw["request"]
        return ", ".join(heads_of_unit(request, unit_of(request))) or colander.null
    return deferred


def unit_default(unit_of):
    @colander.deferred
    def deferred(node, kw):
        if not kw.get("adding") or kw.get("request") is None:
            return colander.null
        return unit_of(kw["request"]) or colander.null
    return deferred


def own_section(request):
    """The first section (in tree order) where the user herself, or a group of hers, is
    granted a local role: the section her unit prepares materials for. None where she
    has no such grant (a global role reaches every section: no section is hers)."""
    from statportal.content.resources import get_portal

    user = _user(request)
    if user is None:
        return None
    principals = set(user.principal_ids())

    def walk(folder, prefix):
        for name, child in folder.items():
            if getattr(child, "__content_type__", None) != "Section":
                continue
            path = f"{prefix}/{name}"
            if principals & set(getattr(child, "__local_roles__", None) or ()):
                return path
            found = walk(child, path)
            if found:
                return found
        return None
    return walk(get_portal(request), "")


@colander.deferred
def section_default(node, kw):
    if not kw.get("adding") or kw.get("request") is None:
        return colander.null
    return own_section(kw["request"]) or colander.null
