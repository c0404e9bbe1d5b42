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


# -- filled from a chosen plan item or release entry (issue 18) -----------------------------
#: the fields a chosen reference fills, in the order they are looked at
FILLED = ("plan_item", "release", "title", "section", "category", "languages")


def _empty(value):
    if value in (None, colander.null, ""):
        return True
    if isinstance(value, dict):
        return not any(isinstance(text, str) and text.strip() for text in value.values())
    if isinstance(value, (list, tuple, set)):
        return not value
    return isinstance(value, str) and not value.strip()


def _chosen(request, value):
    """The object a plan_item or release value names, or None (the field's own check
    says what is wrong with it)."""
    from statportal.content.paths import find_by_path
    from statportal.content.references import ReferenceError, portal_path
    from statportal.content.resources import get_portal

    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return find_by_path(get_portal(request), portal_path(request, value))
    except ReferenceError:
        return None


def fill_from_references(request, schema, cstruct, adding=False, context=None):
    """``cstruct`` with its empty fields filled from the chosen plan item, then from the
    release entry (``views.picker.reference_fill``: what the releases feature says they
    hold): the form without JavaScript is as short as with it, and what she typed stays.
    Only the fields the schema has are filled (a PATCH names its own). A section left as
    the add form proposed it (her own) counts as not chosen. On an edit, only a reference
    she has just chosen fills (one she emptied stays empty); a removal is not tied to a
    release, so none is filled for it.

    Returns ``(cstruct, mismatch)``: ``mismatch`` a message when the release she gave
    belongs to another plan item than the one she gave (one plan item per request)."""
    from statportal.content.paths import path_of
    from statportal.views.picker import reference_fill

    names = {node.name for node in schema.children}
    filled = dict(cstruct)
    proposed = own_section(request) if adding else None
    given = {name: filled.get(name) for name in ("plan_item", "release")}
    stored = context if getattr(context, "__content_type__", None) == \
        "PlacementRequest" else None
    removal = filled.get("placement_type", getattr(stored, "placement_type", None)) == \
        "delete"
    for name in ("plan_item", "release"):
        obj = _chosen(request, filled.get(name)) if name in names else None
        if obj is not None and stored is not None and \
                path_of(obj) == getattr(stored, name, None):
            obj = None  # kept as it was: what she changed since stays hers
        values = reference_fill(request, obj) if obj is not None else {}
        for key in FILLED:
            if key not in names or key not in values or key == name or \
                    (key == "release" and removal):
                continue
            current = filled.get(key, colander.null)
            if _empty(current) or (key == "section" and proposed and current == proposed):
                filled[key] = values[key]
    return filled, _mismatch(request, given)


def _mismatch(request, given):
    """The message when the release she gave is planned under another plan item than
    the one she gave (the entry's own ``plan_item`` is the one source of truth)."""
    from statportal.content.paths import path_of
    from statportal.i18n import _
    from statportal.views.picker import reference_fill

    item, entry = (_chosen(request, given[name]) for name in ("plan_item", "release"))
    if item is None or entry is None:
        return None
    planned = reference_fill(request, entry).get("plan_item")
    if planned and planned != path_of(item):
        return _("This release is planned under another plan item (${path}): choose "
                 "the one or the other.", mapping={"path": planned})
    return None
