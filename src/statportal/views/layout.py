"""What every page shows around its content: navigation, language switch, user menu.

The parts derived from the content tree (navigation, breadcrumbs, the footer's links) are
the same for every anonymous visitor of a page until the tree changes: they are computed
once per state of the tree (``statportal.content.events.tree_serial``, a persistent
counter that the content and workflow events bump) and kept in the registry's
``LayoutCache``. A signed-in user's navigation depends on their roles, local roles
included: it is computed for each request, as before.
"""

from urllib.parse import urlencode

from pyramid.csrf import get_csrf_token
from pyramid.decorator import reify
from pyramid.location import lineage
from pyramid.renderers import render

from statportal.content.events import tree_serial
from statportal.content.folder import Folder
from statportal.content.listing import visible, visible_batch
from statportal.content.registry import get_content_registry
from statportal.content.resources import get_portal
from statportal.i18n import (
    LANGUAGE_NAMES,
    _,
    available_languages,
    format_date,
    format_datetime,
    format_number,
    pick,
)
from statportal.interfaces import ILayoutCache, IPageNotices
from statportal.security.localroles import LocalRolesMixin
from statportal.security.permissions import (
    DELETE,
    EDIT,
    MANAGE,
    MANAGE_ORGUNITS,
    MANAGE_PRINCIPALS,
    MANAGE_SETTINGS,
    SHARE,
    VIEW,
)
from statportal.views.tabs import object_tabs
from statportal.workflow.engine import workflow_of


class LayoutCache:
    """The anonymous visitor's navigation, breadcrumbs and footer links, per registry.

    Entries are keyed by the tree's serial (with the page's address and language and the
    folder they are for): a change of the tree makes every entry unreachable, and the
    first request after it clears them. Values are plain lists and dicts, never
    persistent objects, so the threads of a process (each with its own ZODB connection,
    perhaps not yet at the newest state: its serial differs) share them safely."""

    def __init__(self, max_entries=2000):
        self.max_entries = max_entries  # a crawler's walk of every folder stays bounded
        self.serial = None
        self.entries = {}
        self.dates = {}  # (language, date or time) -> the date as pages show it

    def get(self, serial, key, compute):
        entries = self.entries
        if serial != self.serial:
            self.serial = serial
            entries = self.entries = {}
        found = entries.get((serial, key))
        if found is None:
            found = compute()
            if len(entries) >= self.max_entries:
                entries.clear()
            entries[(serial, key)] = found
        return found


def get_layout_cache(registry):
    return registry.queryUtility(ILayoutCache)


def anonymous_cache(request, portal):
    """``(cache, serial, page)`` under which an anonymous visitor's tree-derived parts
    of a page are kept, or None: a signed-in user, no cache registered, or a transaction
    that has changed something (nothing it computed is kept)."""
    if request.identity is not None:
        return None
    cache = get_layout_cache(request.registry)
    if cache is None:
        return None
    serial = tree_serial(portal)
    if serial is None:
        return None
    return cache, serial, (request.application_url, request.locale_name)


def visible_children(request, folder, type_name):
    """``(name, child)`` of the children of ``folder`` of type ``type_name`` that this user
    may view, in folder order. For anonymous visitors the names are kept per state of the
    tree: a section of thousands of materials is walked once, not on every request."""
    def walk():
        return [name for name, child in visible(request, folder)
                if getattr(child, "__content_type__", None) == type_name]

    found = anonymous_cache(request, get_portal(request))
    if found is None or folder._p_oid is None:
        names = walk()
    else:
        cache, serial, page = found
        names = cache.get(serial, (page[0], "children", folder._p_oid, type_name), walk)
    return [(name, folder[name]) for name in names]


def nearest_folder(context):
    """The context, or the folder it is in: what its navigation and breadcrumbs (but
    the context's own crumb) are the same for."""
    for obj in lineage(context):
        if isinstance(obj, Folder):
            return obj
    return None


class Layout:
    yes = _("Yes")
    no = _("No")

    def __init__(self, context, request):
        self.context = context
        self.request = request

    # -- words and values ------------------------------------------------
    @reify
    def lang(self):
        return self.request.locale_name

    def t(self, value):
        """The text of a multilingual value in the page's language (with fallback)."""
        return pick(self.request, value)[0]

    def pick(self, value):
        """``(text, language)`` of a multilingual value: the page's language or a fallback."""
        return pick(self.request, value)

    def file_languages(self, obj):
        """``[(code, name)]`` of the languages ``obj``'s stored files really have (each
        file's ``language``; not a declared list), kk, ru, en in order, each named in
        itself (mark it with ``lang``)."""
        have = {getattr(f, "language", None) for f in getattr(obj, "files", None) or ()}
        return [(code, LANGUAGE_NAMES[code]) for code in LANGUAGE_NAMES if code in have]

    def title_of(self, obj):
        return self.t(getattr(obj, "title", None)) or obj.__name__ or ""

    def translate(self, message):
        """A ``_()`` text or an ``ngettext`` plural in the page's language."""
        from statportal.i18n import translate

        return translate(self.request, message)

    def date(self, value):
        """The date in the page's language; listings show many, each formatted once per
        process (babel parses the locale on every call)."""
        cache = get_layout_cache(self.request.registry)
        if cache is None or value is None:
            return format_date(self.request, value)
        key = (self.lang, value)
        found = cache.dates.get(key)
        if found is None:
            if len(cache.dates) >= cache.max_entries:
                cache.dates.clear()
            found = cache.dates[key] = format_date(self.request, value)
        return found

    def datetime(self, value):
        return format_datetime(self.request, value)

    def number(self, value, decimals=None):
        return format_number(self.request, value, decimals)

    def role_title(self, name):
        from statportal.security.roles import get_roles

        role = get_roles(self.request.registry).roles.get(name)
        return self.translate(role.title) if role else name

    def type_title(self, obj):
        info = get_content_registry(self.request.registry).typeof(obj)
        return self.translate(info.title) if info else ""

    def url(self, obj, *elements, **query):
        return self.request.resource_url(obj, *elements, query=query or None,
                                         app_url=self._app_url)

    @reify
    def _app_url(self):
        return self.request.application_url  # webob computes it anew on each access

    # -- page parts -------------------------------------------------------
    @reify
    def portal(self):
        return get_portal(self.request)

    @reify
    def user(self):
        return self.request.identity

    @reify
    def csrf_token(self):
        return get_csrf_token(self.request)

    def languages(self):
        came_from = self.request.path_qs
        return [
            {"code": code, "name": LANGUAGE_NAMES[code], "current": code == self.lang,
             "url": self.request.application_url + "/@@set-language?"
             + urlencode({"lang": code, "came_from": came_from})}
            for code in available_languages(self.request)
        ]

    @reify
    def portal_title(self):
        return self.t(self.portal.title)

    @reify
    def _anonymous_key(self):
        if self.user is not None:
            return None
        return anonymous_cache(self.request, self.portal)

    def _cached(self, key, compute):
        found = self._anonymous_key
        if found is None:
            return compute()
        cache, serial, page = found
        return cache.get(serial, (*page, *key), compute)

    def alternates(self):
        """The feeds this page links to in its head (``config.add_alternate_links``)."""
        from statportal.views.feeds import alternates

        if self.context is None:
            return []
        return alternates(self.context, self.request)

    def links(self):
        """The footer's and the header's fixed links (the same on every page)."""
        portal = self.portal
        return self._cached(("links",), lambda: {
            "css": self.request.static_url("statportal:static/portal.css"),
            "calendar": self.url(portal, "calendar"),
            "questions": self.url(portal, "questions"),
            "ask": self.url(portal, "questions", "@@ask"),
            "subscribe": self.url(portal, "subscriptions"),
        })

    def breadcrumbs(self):
        if self.context is None or not hasattr(self.context, "__parent__"):
            return []
        folder = nearest_folder(self.context)
        if folder is None or folder._p_oid is None:
            return self._breadcrumbs(self.context)
        head = self._cached(("crumbs", folder._p_oid), lambda: self._breadcrumbs(folder))
        tail = []
        for obj in lineage(self.context):  # what is below the folder: the context's own
            if obj is folder:
                break
            tail.append({"title": self.title_of(obj), "url": self.url(obj)})
        return head + tail[::-1]

    def _breadcrumbs(self, context):
        crumbs = [{"title": self.title_of(obj), "url": self.url(obj)}
                  for obj in lineage(context)]
        crumbs.reverse()
        if crumbs:
            crumbs[0]["title"] = self.translate(_("Home"))
        return crumbs

    def nav(self):
        """Top-level sections and, along the current path, their children (flat, with depth)."""
        return self._nav_part("nav", lambda context: self._nav(context))

    def nav_html(self):
        """The navigation as HTML (``templates/nav.pt``): rendered once per state of the
        tree for the anonymous visitors of a folder's pages, for each request otherwise."""
        return self._nav_part("nav.pt", lambda context: render(
            "statportal:templates/nav.pt", {"entries": self._nav(context), "layout": self},
            request=self.request))

    def _nav_part(self, name, compute):
        context = self.context
        if context is None or not hasattr(context, "__parent__"):
            return self._cached((name, None), lambda: compute(None))
        folder = nearest_folder(context)
        if folder is None or folder._p_oid is None:
            return compute(context)
        # Only folders are listed, so a page below a folder has the folder's navigation
        # (without its "current" mark).
        return self._cached((name, folder._p_oid, folder is context), lambda: compute(context))

    def _nav(self, context):
        current = set()
        if context is not None:
            current = {id(obj) for obj in lineage(context)}
        sections = self.portal.sections()
        found = []

        def walk(children, depth):
            for _name, obj in children:
                if not isinstance(obj, Folder):
                    continue
                found.append({"title": self.title_of(obj), "url": self.url(obj),
                              "current": obj is context, "depth": depth})
                if id(obj) in current and depth < 3:
                    walk(visible_batch(self.request, obj, 0, 50)[0], depth + 1)

        walk([(name, obj) for name, obj in sections
              if self.request.has_permission(VIEW, obj)], 0)
        return found

    def user_menu(self):
        request, portal = self.request, self.portal
        if self.user is None:
            return []
        menu = [(_("My work"), self.url(portal, "my-work")),
                (_("My preferences"), self.url(portal, "@@preferences"))]
        if request.has_permission(MANAGE, portal):
            menu.append((_("Site contents"), self.url(portal, "@@contents")))
        if request.has_permission(MANAGE_PRINCIPALS, portal["principals"]):
            menu.append((_("Users and groups"), self.url(portal["principals"])))
        if request.has_permission(MANAGE_ORGUNITS, portal["orgunits"]):
            menu.append((_("Org units"), self.url(portal["orgunits"])))
        if request.has_permission("statportal.currency", portal):
            menu.append((_("Currency of the portal"), self.url(portal, "@@currency")))
        if request.has_permission("statportal.timeliness", portal):
            menu.append((_("Timeliness"), self.url(portal, "@@timeliness")))
        if request.has_permission("statportal.plan.add", portal["plan"]):
            menu.append((_("Import the work plan"), self.url(portal["plan"], "@@import")))
        if request.has_permission(MANAGE_SETTINGS, portal):
            menu.append((_("Working calendar"), self.url(portal, "@@working-calendar")))
            menu.append((_("Outgoing mail"), self.url(portal, "@@outbox")))
            if str(request.registry.settings.get("mail.delivery", "")).lower() == "maildir":
                menu.append((_("Delivered mail"), self.url(portal, "@@messages")))
            # the subscriptions' export and erasure on request (issue 21)
            menu.append((_("Subscribers' personal data"), self.url(portal, "@@subscribers")))
        here = self.request.path_url
        return [{"title": self.translate(title), "url": url, "current": url == here}
                for title, url in menu]

    def tabs(self):
        """The staff actions on the current object that this user may take."""
        context, request = self.context, self.request
        if self.user is None or context is None or not hasattr(context, "__parent__"):
            return []
        view_name = request.view_name
        tabs = [(_("View"), "", None)]
        if isinstance(context, Folder):
            tabs.append((_("Contents"), "@@contents", MANAGE))
        tabs.append((_("Edit"), "@@edit", EDIT))
        if workflow_of(request.registry, context) is not None:
            tabs.append((_("State and history"), "@@workflow", None))
        tabs.extend(object_tabs(context, request.registry))  # the features' (add_object_tab)
        if isinstance(context, LocalRolesMixin):
            tabs.append((_("Sharing"), "@@sharing", SHARE))
        if context.__parent__ is not None and not getattr(context, "__is_fixed__", False):
            tabs.append((_("Delete"), "@@delete", DELETE))
        return [
            {"title": self.translate(title), "url": self.url(context, name) if name else
             self.url(context), "current": view_name == name.lstrip("@")}
            for title, name, permission in tabs
            if permission is None or request.has_permission(permission, context)
        ]

    def incident_notices(self):
        """Escalated portal incidents: every page shows them (art. 18). The incidents
        feature registers what finds them (``IPageNotices``: the core imports no feature);
        each has ``title``, ``cause`` and ``restore_by``."""
        notices = self.request.registry.queryUtility(IPageNotices)
        return notices(self.portal) if notices is not None else []

    def messages(self):
        if "statportal_session" not in self.request.cookies:
            return []  # no session, no messages: keep anonymous pages cookie-free
        session = self.request.session
        # a text, or a dict with a link (statportal.workflow.messages: text, before,
        # link_text, url, after), every part escaped by the template
        return [dict(text, queue=queue) if isinstance(text, dict)
                else {"queue": queue, "text": text}
                for queue in ("success", "info", "error")
                for text in session.pop_flash(queue)]
