"""The home page's panel of the next releases (``config.add_home_panel``: the materials,
whose page the home page is, import no other feature). The next five upcoming entries of
the calendar as the calendar shows them to everyone: soonest first, the time in the
``statportal.timezone`` setting, the title in the page's language."""

from itertools import islice

from statportal.content.resources import get_portal
from statportal.i18n import pick
from statportal.releases.catalog import get_release_catalog
from statportal.releases.listing import VIEWS
from statportal.security.permissions import VIEW

NEXT_RELEASES = 5


def upcoming(request, portal, count=NEXT_RELEASES):
    """The next ``count`` upcoming entries that this user may view, soonest first: the
    calendar's upcoming view. Each is asked for its permission (a few objects): the
    catalog's allowed index would be filled on its first use, and a GET writes nothing.
    The asking stops at the ``count``-th shown (a calendar has hundreds to come)."""
    if getattr(portal, "__release_catalog__", None) is None:
        return []  # no entry yet; get_release_catalog would make the catalog, on a GET
    entries, _total = get_release_catalog(portal).query(
        statuses=VIEWS["upcoming"], start=0, size=count * 4)
    return list(islice((entry for entry in entries if request.has_permission(VIEW, entry)),
                       count))


def next_releases(context, request):
    """The panel's values: each entry's time, title and address, and the calendar's."""
    from statportal.releases.views import status_title, when

    portal = get_portal(request)
    calendar = portal.get("calendar")
    if calendar is None:
        return None
    items = []
    for entry in upcoming(request, portal):
        title, lang = pick(request, entry.title)
        # a range of months is not a valid <time datetime>: its first month is
        items.append({"when": when(request, entry),
                      "datetime": entry.release.isoformat().split("/")[0],
                      "title": title or entry.__name__, "lang": lang,
                      "status": status_title(request, entry),
                      "url": request.resource_url(entry)})
    return {"items": items, "calendar_url": request.resource_url(calendar)}
