"""What one may subscribe to, as the public sees the portal now: its sections (every
level; a category's page is a category, not a section), the materials' categories, and
the Taldau indicators with something public. Found by walking the content (the indicators
under the fixed place ``/data`` by their type's name, without importing the data service);
a few hundred objects, asked only by the form and when a subscription is validated."""

from statportal.content.listing import may_view
from statportal.i18n import label
from statportal.materials.categories import CATEGORIES, CATEGORY_TITLES, page_category

#: The fixed place of the data service and the type of its indicators.
DATA_PLACE, INDICATOR_TYPE, SECTION_TYPE = "data", "Indicator", "Section"


def _path(obj):
    from pyramid.traversal import resource_path

    return resource_path(obj)


def sections(request, portal, raw=None):
    """[(path, title, depth)] in the tree's order; ``raw`` collects path -> stored title."""
    found = []

    def walk(folder, depth):
        for _name, child in folder.items():
            if getattr(child, "__content_type__", None) != SECTION_TYPE \
                    or page_category(child) or not may_view(request, child):
                continue
            title = getattr(child, "title", None)
            found.append((_path(child), label(request, title, child.__name__), depth))
            if raw is not None:
                raw[_path(child)] = title
            walk(child, depth + 1)

    walk(portal, 0)
    return found


def categories(request):
    return [(code, label(request, CATEGORY_TITLES[code], code)) for code in CATEGORIES]


def indicators(request, portal, raw=None):
    """[(name, title)] of the indicators the public may see, by title."""
    data = portal.get(DATA_PLACE) if hasattr(portal, "get") else None
    found = []

    def walk(folder):
        for name, child in folder.items():
            kind = getattr(child, "__content_type__", None)
            if kind == INDICATOR_TYPE:
                if may_view(request, child):
                    title = getattr(child, "title", None)
                    found.append((name, label(request, title, name)))
                    if raw is not None:
                        raw[name] = title
            elif hasattr(child, "items") and may_view(request, child):
                walk(child)

    if data is not None and may_view(request, data):
        walk(data)
    return sorted(found, key=lambda item: item[1].casefold())


class Choices:
    """The three lists for one request, made once."""

    def __init__(self, request, portal):
        self.raw = dict(CATEGORY_TITLES)   # value -> its stored title, for the mail
        self.sections = sections(request, portal, self.raw)
        self.categories = categories(request)
        self.indicators = indicators(request, portal, self.raw)

    def title_in(self, registry, value, language):
        """``value``'s title in ``language`` (a mail's, not the page's)."""
        from statportal.i18n import translate_for

        title = self.raw.get(value)
        if isinstance(title, dict):
            return title.get(language) or next((t for t in title.values() if t), value)
        return translate_for(registry, title, language) if title else value

    def allowed(self, field):
        return {item[0] for item in getattr(self, field)}
