"""The categories of information materials (art. 4.1): a material's, and so the placement
request's that brings it. Kept with the materials, which the other features build on.

The public main menu has a page for each category: a top-level section (``CATEGORY_PAGES``
names them by the addresses the menu has always had) whose page lists the published
materials of its category from every section (``materials.views.category_page``), as
materials live in the section of their field, not in the category's."""

from statportal.i18n import _, label

CATEGORIES = ("latest_data", "press_release", "express_information", "bulletin", "compilation")
CATEGORY_TITLES = {
    "latest_data": _("Latest data"), "press_release": _("Press release"),
    "express_information": _("Express information"), "bulletin": _("Bulletin"),
    "compilation": _("Compilation"),
}
#: What each category page says under its heading.
CATEGORY_DESCRIPTIONS = {
    "latest_data": _("The newest figures of official statistics, from every section, "
                     "newest first."),
    "press_release": _("Press releases on the statistics published, from every section, "
                       "newest first."),
    "express_information": _("Express information: the first results of surveys and "
                             "counts, published soon after the period they cover."),
    "bulletin": _("Statistical bulletins: the regular publications of each field of "
                  "statistics."),
    "compilation": _("Statistical compilations: yearbooks and thematic collections."),
}
#: The top-level section (its name) that is the page of each category.
CATEGORY_PAGES = {"latest-data": "latest_data", "press-releases": "press_release",
                  "express-information": "express_information", "bulletins": "bulletin",
                  "compilations": "compilation"}


def category_title(request, name):
    return label(request, CATEGORY_TITLES.get(name), name)


def page_category(section):
    """The category whose page ``section`` is, or None (every other section)."""
    parent = getattr(section, "__parent__", None)
    if getattr(parent, "__content_type__", None) != "Portal":
        return None
    return CATEGORY_PAGES.get(section.__name__)


def category_page_of(portal, category):
    """The section that is the page of ``category`` in this portal, or None."""
    for name, listed in CATEGORY_PAGES.items():
        if listed == category:
            section = portal.get(name)
            if getattr(section, "__content_type__", None) == "Section":
                return section
    return None
