"""What every page shows around its content: navigation, language switch, user menu."""

from urllib.parse import urlencode

from pyramid.csrf import get_csrf_token
from pyramid.decorator import reify
from pyramid.location import lineage

from statportal.content.folder import Folder
from statportal.content.listing import visible_batch
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
from statportal.workflow.engine import workflow_of


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

    def title_of(self, obj):
        return self.t(getattr(obj, "title", None)) or obj.__name__ or ""

    def translate(self, message):
        return self.request.localizer.translate(message)

    def date(self, value):
        return format_date(self.request, value)

    def datetime(self, value):
        return format_datetime(self.request, value)

    def number(self, value):
        return format_number(self.request, value)

    def role_title(self, name):
        from statportal.security.roles import get_roles

        role = get_roles(self.request.registry).roles.get(name)
        return self.translate(role.title) if role else name

    def type_title(self, obj):
        info = get_content_registry(self.request.registry).typeof(obj)
        return self.translate(info.title) if info else ""

    def url(self, obj, *elements, **query):
        return self.request.resource_url(obj, *elements, query=query or None)

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

    def breadcrumbs(self):
        if self.context is None or not hasattr(self.context, "__parent__"):
            return []
        crumbs = [{"title": self.title_of(obj), "url": self.url(obj)}
                  for obj in lineage(self.context)]
        crumbs.reverse()
        if crumbs:
            crumbs[0]["title"] = self.translate(_("Home"))
        return crumbs

    def nav(self):
        """Top-level sections and, along the current path, their children (flat, with depth)."""
        current = set()
        if self.context is not None and hasattr(self.context, "__parent__"):
            current = {id(obj) for obj in lineage(self.context)}
        sections = self.portal.sections()
        found = []

        def walk(children, depth):
            for _name, obj in children:
                if not isinstance(obj, Folder):
                    continue
                found.append({"title": self.title_of(obj), "url": self.url(obj),
                              "current": obj is self.context, "depth": depth})
                if id(obj) in current and depth < 3:
                    walk(visible_batch(self.request, obj, 0, 50)[0], depth + 1)

        walk([(name, obj) for name, obj in sections
              if self.request.has_permission(VIEW, obj)], 0)
        return found

    def user_menu(self):
        request, portal = self.request, self.portal
        if self.user is None:
            return []
        menu = [(_("My work"), self.url(portal, "my-work"))]
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
        return [{"title": self.translate(title), "url": url} for title, url in menu]

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
        """Escalated portal incidents: every page shows them (art. 18)."""
        from statportal.incidents.rules import public_notices

        return public_notices(self.portal)

    def messages(self):
        if "statportal_session" not in self.request.cookies:
            return []  # no session, no messages: keep anonymous pages cookie-free
        session = self.request.session
        return [{"queue": queue, "text": text}
                for queue in ("success", "info", "error")
                for text in session.pop_flash(queue)]
