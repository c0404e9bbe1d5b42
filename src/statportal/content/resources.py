"""The portal's resources: the root, sections and the fixed places of the design map."""

import transaction
from pyramid_zodbconn import get_connection

from statportal.content.folder import Folder
from statportal.security.localroles import LocalRolesMixin

ZODB_ROOT_KEY = "statportal"

#: The fixed children of the portal: id -> (type name, kk/ru/en title).
FIXED_PLACES = {
    "orgunits": ("OrgUnits", {"kk": "Ұйымдық бірліктер", "ru": "Структурные подразделения",
                              "en": "Org units"}),
    "principals": ("Principals", {"kk": "Пайдаланушылар мен топтар",
                                  "ru": "Пользователи и группы", "en": "Users and groups"}),
    "requests": ("Requests", {"kk": "Орналастыруға өтінімдер", "ru": "Заявки на размещение",
                               "en": "Placement requests"}),
    "calendar": ("ReleaseCalendar", {"kk": "Тарату күнтізбесі", "ru": "Календарь распространения",
                               "en": "Release calendar"}),
    "plan": ("WorkPlan", {"kk": "Статистикалық жұмыстар жоспары",
                           "ru": "План статистических работ", "en": "Statistical works plan"}),
    "questions": ("Questions", {"kk": "Сұрақ-жауап", "ru": "Вопросы и ответы",
                                "en": "Questions and answers"}),
    "incidents": ("Incidents", {"kk": "Портал іркілістері", "ru": "Сбои портала",
                                "en": "Portal incidents"}),
}

#: Names at the root that views use (``/login``, ``/logout``, …).
ROOT_VIEW_NAMES = ("login", "logout", "static", "my-work", "search", "sitemap.xml", "robots.txt")


class Portal(LocalRolesMixin, Folder):
    """The root of the content tree."""

    reserved_names = ROOT_VIEW_NAMES

    def sections(self):
        # a feature's fixed place (config.add_fixed_place, e.g. /data) is no section either
        return [(name, obj) for name, obj in self.items()
                if name not in FIXED_PLACES and not getattr(obj, "__is_fixed__", False)]


class Section(LocalRolesMixin, Folder):
    """An ordered folder of the public portal with kk/ru/en titles."""


class Container(Folder):
    """A fixed, unordered place such as ``/requests``; filled by later capabilities."""

    ordered = False
    __is_fixed__ = True


def bootstrap_portal(registry):
    """A new Portal with its fixed places, the core's and those features registered
    (``config.add_fixed_place``), not yet stored."""
    from statportal.content.registry import get_content_registry
    from statportal.interfaces import IFixedPlaces

    content = get_content_registry(registry)
    portal = content.create("Portal", title={
        "kk": "Ұлттық статистика бюросы", "ru": "Бюро национальной статистики",
        "en": "Bureau of National Statistics"})
    portal.__name__ = ""
    for name, (type_name, title) in FIXED_PLACES.items():
        place = content.create(type_name, title=title)
        portal.add(name, place, send_events=False)
    principals = portal["principals"]
    principals.add("users", content.create("Users", title={
        "kk": "Пайдаланушылар", "ru": "Пользователи", "en": "Users"}), send_events=False)
    principals.add("groups", content.create("Groups", title={
        "kk": "Топтар", "ru": "Группы", "en": "Groups"}), send_events=False)
    registered = registry.queryUtility(IFixedPlaces)  # (content.places imports this module)
    for name, (type_name, title) in (registered.places if registered else {}).items():
        portal.add(name, content.create(type_name, title=title), send_events=False)
    return portal


def upgrade_fixed_places(portal, registry):
    """Every fixed place present and of its type (an empty /calendar or /plan of old).

    statportal's evolve step 1: a fixed place made by an older version as a plain, still
    empty Container gets the type it has now; a place that is missing is made."""
    from statportal.content.registry import get_content_registry

    content = get_content_registry(registry)
    for name, (type_name, title) in FIXED_PLACES.items():
        place = portal.get(name)
        if place is not None and (getattr(place, "__content_type__", None) == type_name
                                  or len(place)):
            continue
        if place is not None:
            portal.remove(name, send_events=False)
        portal.add(name, content.create(type_name, title=title), send_events=False)


def kept_at(portal, key, factory, create=False):
    """The structure kept at the portal's attribute ``key``: made by ``factory()`` at the
    first write (``create``), None until then (read with a default: no evolve step)."""
    kept = getattr(portal, key, None)
    if kept is None and create:
        kept = factory()
        setattr(portal, key, kept)
    return kept


def get_portal(request, get_connection=get_connection):
    """The portal of this request's database, created on first access."""
    # Cached on the request object, not in the environ: pyramid_retry reuses the
    # environ for a retry, whose new connection must not see the old objects.
    portal = getattr(request, "_statportal_portal", None)
    if portal is None:
        zodb_root = get_connection(request).root()
        portal = zodb_root.get(ZODB_ROOT_KEY)
        if portal is None:
            portal = new_portal(zodb_root, request.registry)
        request._statportal_portal = portal
    return portal


def root_factory(request):
    """The portal. Outside pyramid_tm (``pyramid.paster.bootstrap`` in scripts) the explicit
    transaction manager has no transaction yet; one is begun, else a fresh connection
    (the pool's other one being in use by the mail thread) fails to load the root."""
    from transaction.interfaces import NoTransaction

    tm = getattr(request, "tm", None)
    if tm is not None and tm.explicit:
        try:
            tm.get()
        except NoTransaction:
            tm.begin()
    return get_portal(request)


def new_portal(zodb_root, registry):
    """The portal of a new database, stored on ``zodb_root`` and marked at the latest
    schema versions: a database this code made needs no evolve step."""
    from statportal.evolve import mark_latest

    portal = zodb_root[ZODB_ROOT_KEY] = bootstrap_portal(registry)
    mark_latest(zodb_root, registry)
    return portal


def ensure_portal(db, registry):
    """At start-up: create the portal in ``db`` when it is missing (one commit), or check
    the evolve steps an existing database still needs (nothing written: ``statportal
    evolve`` applies them; see ``statportal.evolve.check_pending``)."""
    from statportal.evolve import check_pending

    tm = transaction.TransactionManager(explicit=True)
    conn = db.open(transaction_manager=tm)
    try:
        with tm:
            zodb_root = conn.root()
            if ZODB_ROOT_KEY not in zodb_root:
                new_portal(zodb_root, registry)
            else:
                check_pending(zodb_root, registry)
    finally:
        conn.close()
