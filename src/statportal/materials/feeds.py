"""The feeds of a section: ``SECTION/@rss`` and ``SECTION/@atom`` (``?category=&lang=``).

The section's published materials and its sub-sections', newest first, from the same
catalog query as the section's page, as the public sees them: a scheduled material is in
no feed before its release (the embargo), a withdrawn one leaves it. A category's page
(``/latest-data`` …) has the feed of its category from every section. Titles in ``lang``
(default: the request's language), falling back as the pages do.
"""

import uuid

from pyramid.view import view_config

from statportal.api.errors import json_error
from statportal.content.catalog import allowed_principals
from statportal.content.paths import path_of
from statportal.content.resources import Section, get_portal
from statportal.i18n import LANGUAGES, _, pick_in, translate_for
from statportal.materials.catalog import get_catalog
from statportal.materials.categories import CATEGORIES, CATEGORY_TITLES, page_category
from statportal.security.permissions import VIEW
from statportal.views.feeds import LIMIT, Feed, FeedEntry, feed_response


def _asked(request):
    """``(category, lang)`` of the query, or the 400 that names the wrong one."""
    category = request.GET.get("category") or None
    lang = request.GET.get("lang") or request.locale_name
    if category is not None and category not in CATEGORIES:
        return None, json_error(request, 400, _("Unknown category: choose one of "
                                                "${choices}.", mapping={
                                                    "choices": ", ".join(CATEGORIES)}),
                                [{"field": "category", "message": _(
                                    "Unknown category: choose one of ${choices}.",
                                    mapping={"choices": ", ".join(CATEGORIES)})}])
    if lang not in LANGUAGES:
        message = _("Unknown language: choose one of ${choices}.",
                    mapping={"choices": ", ".join(LANGUAGES)})
        return None, json_error(request, 400, message, [{"field": "lang",
                                                         "message": message}])
    return (category, lang), None


def section_feed(context, request, kind):
    asked, error = _asked(request)
    if error is not None:
        return error
    category, lang = asked
    page_of = page_category(context)
    section = None if page_of is not None else path_of(context)
    category = category or page_of
    if page_of is not None and category != page_of:
        materials = []   # a category's page holds no other category
    else:
        materials, _total = get_catalog(get_portal(request)).search(
            section=section, category=category, state="published", size=LIMIT,
            principals=allowed_principals(request))
    query = {key: value for key, value in (("category", request.GET.get("category")),
                                           ("lang", request.GET.get("lang"))) if value}
    title = pick_in(context.title, lang)[0]
    if category and not page_of:
        title = f"{title}: {translate_for(request.registry, CATEGORY_TITLES[category], lang)}"
    feed = Feed(id=request.resource_url(context), title=title,
                link=request.resource_url(context),
                self_link=request.resource_url(context, f"@{kind}", query=query),
                language=lang, subtitle=pick_in(getattr(context, "description", None), lang)[0],
                author=pick_in(get_portal(request).title, lang)[0])
    for material in materials:
        url = request.resource_url(material)
        when = material.published_at or material.modified
        feed.entries.append(FeedEntry(
            # its uid, not its address: a moved or renamed section changes the address,
            # and a reader would show the material again as new
            id=uuid.UUID(hex=material.uid).urn, title=pick_in(material.title, lang)[0], link=url,
            updated=getattr(material, "modified", None) or when, published=when,
            summary=pick_in(getattr(material, "description", None), lang)[0],
            categories=((material.category, translate_for(
                request.registry, CATEGORY_TITLES.get(material.category, material.category),
                lang)),)))
    return feed_response(request, feed, kind)


@view_config(context=Section, name="@rss", request_method="GET", permission=VIEW)
def section_rss(context, request):
    return section_feed(context, request, "rss")


@view_config(context=Section, name="@atom", request_method="GET", permission=VIEW)
def section_atom(context, request):
    return section_feed(context, request, "atom")


def section_alternates(context, request):
    """The section page's head links to its two feeds, in the page's language: the
    ``lang`` is in the address, since a feed reader sends neither the page's language
    cookie nor the person's Accept-Language."""
    from statportal.i18n import translate

    lang = request.locale_name
    title = pick_in(context.title, lang)[0]
    return [{"type": "application/rss+xml",
             "href": request.resource_url(context, "@rss", query={"lang": lang}),
             "title": translate(request, _("${title} (RSS)", mapping={"title": title}))},
            {"type": "application/atom+xml",
             "href": request.resource_url(context, "@atom", query={"lang": lang}),
             "title": translate(request, _("${title} (Atom)", mapping={"title": title}))}]


def includeme(config):
    config.scan("statportal.materials.feeds")
    config.add_alternate_links("section-feeds", "Section", section_alternates)
