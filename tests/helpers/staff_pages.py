"""Every HTML page of the portal, found from the views the application registered (issue
18, items 6 and 9): a new view is visited by the phone test and the link crawl without
anyone adding it to a list.

``page_paths(app)`` walks the registry's view introspectables (HTML or any accept, a GET,
a name that is a page: not the JSON API's ``@name`` views, not files nor redirects) and
the content tree: for each view, the first object of each content type it is registered
for, and for the add form each type addable to each kind of folder. Which of them a
person may open is the server's answer (``reachable``), asked per person.
"""

import re
from urllib.parse import urljoin, urlsplit

from zope.interface.interfaces import IInterface

#: views that are no page: files, redirects and the log-in machinery
NOT_PAGES = {"login", "logout", "set-language", "sitemap.xml", "download", "basis",
             "attachment", "move"}


def page_views(registry):
    """``[(name, context)]`` of the views that answer a browser's GET with a page."""
    found = set()
    for entry in registry.introspector.get_category("views"):
        view = entry["introspectable"]
        name, methods, accept = view["name"], view["request_methods"], view["accept"]
        if view["route_name"] or name in NOT_PAGES:
            continue
        if methods is not None and "GET" not in methods:
            continue
        if accept is not None and "text/html" not in str(accept):
            continue
        if name.startswith("@") and "text/html" not in str(accept):
            continue  # the JSON API's views (a page with @ says it is HTML: @queue)
        context = view["context"]
        if context is None or (isinstance(context, type) and issubclass(context, Exception)):
            continue
        found.add((name, context))
    return sorted(found, key=lambda item: (item[0], repr(item[1])))


def _matches(obj, context):
    if IInterface.providedBy(context):
        return context.providedBy(obj)
    return isinstance(obj, context)


def _path(obj):
    names = []
    while getattr(obj, "__parent__", None) is not None:
        names.append(obj.__name__)
        obj = obj.__parent__
    return "/" + "/".join(reversed(names))


def first_of_each_type(portal):
    """``{content type: object}``: the first object of each type in the tree."""
    found = {}

    def walk(obj):
        found.setdefault(getattr(obj, "__content_type__", None), obj)
        if hasattr(obj, "items"):
            for _name, child in list(obj.items()):
                if hasattr(child, "__parent__"):
                    walk(child)
    walk(portal)
    found.pop(None, None)
    return found


def page_paths(app, portal):
    """The path of every page: each page view on the first object of each content type it
    is registered for; each folder's add form for each type it takes."""
    from statportal.content.folder import Folder
    from statportal.content.registry import get_content_registry

    content = get_content_registry(app.registry)
    objects = first_of_each_type(portal)
    paths = []
    for name, context in page_views(app.registry):
        for obj in objects.values():
            if not _matches(obj, context):
                continue
            base = _path(obj).rstrip("/")
            if name == "add":
                paths.extend(f"{base}/@@add?type={info.name}"
                             for info in content.addable_types(obj))
            elif name.startswith("@"):
                paths.append(f"{base}/{name}")
            elif name:
                paths.append(f"{base}/@@{name}")
            else:
                paths.append(base + "/" if isinstance(obj, Folder) else base)
    return sorted(set(paths))


HTML = {"Accept": "text/html"}


def reachable(client, paths):
    """The paths that answer ``client`` (a logged-in WebTest client) with a 200 page."""
    return [path for path in paths
            if client.get(path, headers=HTML, status="*").status_int == 200]


LINK = re.compile(r'<a\b[^>]*?\bhref="([^"#]+)', re.S)


def local_links(page, base="http://localhost"):
    """The paths (with their query) that the anchors of ``page`` lead to on this site."""
    found = set()
    for href in LINK.findall(page.text):
        url = urljoin(base + page.request.path_qs, href.replace("&amp;", "&"))
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != base:
            continue
        found.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found
