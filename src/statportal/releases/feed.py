"""The release calendar's feed: ``/calendar/@atom`` (and ``@rss``), ``?category=&section=&lang=``.

The upcoming releases, soonest first, as the calendar's public page lists them (the
calendar is public: an entry's announced time is what the feed says, never what it will
bring before its second). Readers see a release announced, moved or cancelled on their
next poll: a moved entry is updated, a cancelled one leaves the feed.
"""

import uuid

from pyramid.view import view_config

from statportal.api.errors import json_error
from statportal.api.serialize import url_of
from statportal.content.editing import EditError
from statportal.content.resources import get_portal
from statportal.i18n import LANGUAGES, _, pick_in, translate
from statportal.placement.schemas import CATEGORY_TITLES
from statportal.releases import listing
from statportal.releases.entries import shown_status
from statportal.releases.resources import ReleaseCalendar
from statportal.releases.schemas import STATUS_TITLES
from statportal.releases.views import _LangRequest, _localizer, when
from statportal.security.permissions import VIEW
from statportal.views.feeds import LIMIT, Feed, FeedEntry, feed_response


def calendar_feed(context, request, kind):
    lang = request.GET.get("lang") or request.locale_name
    if lang not in LANGUAGES:
        message = _("The language must be kk, ru or en.")
        return json_error(request, 400, message, [{"field": "lang", "message": message}])
    try:
        filters = listing.read_filters({"section": request.GET.get("section"),
                                        "category": request.GET.get("category")})
    except EditError as exc:
        return json_error(request, 400, exc.message, [{"field": exc.field,
                                                       "message": exc.message}])
    entries, _total = listing.entries_for(get_portal(request), filters, 0, LIMIT)
    in_lang = _LangRequest(request, lang, _localizer(request, lang))
    query = {key: request.GET[key] for key in ("category", "section", "lang")
             if request.GET.get(key)}
    feed = Feed(id=request.resource_url(context), title=pick_in(context.title, lang)[0],
                link=request.resource_url(context),
                self_link=request.resource_url(context, f"@{kind}", query=query),
                language=lang, author=pick_in(get_portal(request).title, lang)[0])
    for entry in entries:
        url = url_of(request, entry)
        # the time as the calendar's page says it (a provisional month in words, not
        # "2027-02"), and its status when it is not yet a confirmed time
        title = f"{pick_in(entry.title, lang)[0]} — {when(in_lang, entry)}"
        status = shown_status(entry)
        if status != "confirmed":
            title += f" ({in_lang.localizer.translate(STATUS_TITLES[status])})"
        feed.entries.append(FeedEntry(
            id=uuid.UUID(hex=entry.uid).urn, title=title, link=url,
            updated=entry.modified, published=entry.created,
            summary=pick_in(entry.description, lang)[0],
            categories=((entry.category, in_lang.localizer.translate(
                CATEGORY_TITLES.get(entry.category, entry.category))),)))
    return feed_response(request, feed, kind)


@view_config(context=ReleaseCalendar, name="@atom", request_method="GET", permission=VIEW)
def calendar_atom(context, request):
    return calendar_feed(context, request, "atom")


@view_config(context=ReleaseCalendar, name="@rss", request_method="GET", permission=VIEW)
def calendar_rss(context, request):
    return calendar_feed(context, request, "rss")


def calendar_alternates(context, request):
    """The page's language in the address: a feed reader sends no language cookie."""
    query = {"lang": request.locale_name}
    return [{"type": "application/atom+xml",
             "href": request.resource_url(context, "@atom", query=query),
             "title": translate(request, _("Release calendar (Atom)"))},
            {"type": "application/rss+xml",
             "href": request.resource_url(context, "@rss", query=query),
             "title": translate(request, _("Release calendar (RSS)"))}]


def includeme(config):
    config.scan("statportal.releases.feed")
    config.add_alternate_links("calendar-feeds", "ReleaseCalendar", calendar_alternates)
