"""Feeds (RSS 2.0 and Atom, made with feedgen) and the ``<link rel="alternate">`` of pages.

The features own what their feeds list (the materials of a section, the calendar's coming
releases) and the public's view of it; this module writes the XML alike for all of them
and lets each register the feeds a page links to::

    config.add_alternate_links("section-feeds", "Section", provider)

``provider(context, request)`` returns ``[{"type", "href", "title"}]`` for a page whose
context has that content type; the layout puts them in the page's head, so feed readers
and browsers find the feeds of what a person is looking at.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pyramid.exceptions import ConfigurationError
from pyramid.response import Response

from statportal.interfaces import IAlternateLinks

KINDS = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
#: The newest entries a feed holds: readers poll; history is the section's pages.
LIMIT = 50


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    link: str
    updated: datetime
    summary: str = ""
    categories: tuple = ()
    published: datetime | None = None


@dataclass
class Feed:
    id: str
    title: str
    link: str           # the page the feed is of
    self_link: str      # the feed's own address
    language: str
    subtitle: str = ""
    entries: list = field(default_factory=list)
    author: str = ""    # who publishes it: the portal's title (Atom requires an author)


#: What XML 1.0 cannot carry (lxml refuses the whole feed): a description pasted from a
#: word processor may hold its line break (a vertical tab), written as a space here
_LINE_BREAKS = re.compile("[\x0b\x0c]")
_NOT_XML = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text):
    return _NOT_XML.sub("", _LINE_BREAKS.sub(" ", text)) if text else text


def _utc(value):
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def render(feed, kind):
    """The feed's bytes as ``kind`` (``rss`` or ``atom``)."""
    from feedgen.feed import FeedGenerator

    generator = FeedGenerator()
    generator.id(feed.id)
    generator.title(_xml(feed.title) or feed.link)
    generator.link(href=feed.self_link, rel="self", type=KINDS[kind])
    generator.link(href=feed.link, rel="alternate", type="text/html")  # RSS: the last link
    generator.language(feed.language)
    # RFC 4287 4.1.1: a feed whose entries have no author has one; RSS writes it only
    # with an address (feedgen), and the office's name needs none
    generator.author({"name": _xml(feed.author or feed.title) or feed.link})
    generator.description(_xml(feed.subtitle or feed.title) or feed.link)
    newest = max((_utc(entry.updated) for entry in feed.entries),
                 default=datetime(2000, 1, 1, tzinfo=UTC))
    generator.updated(newest)  # not "now": the same entries make the same bytes
    for entry in reversed(feed.entries):  # feedgen puts each new entry first
        item = generator.add_entry()
        item.id(entry.id)
        item.guid(entry.id, permalink=entry.id == entry.link)
        item.title(_xml(entry.title) or entry.link)
        item.link(href=entry.link, rel="alternate", type="text/html")
        item.updated(_utc(entry.updated))
        item.published(_utc(entry.published or entry.updated))
        if entry.summary:
            item.summary(_xml(entry.summary))
        for term in entry.categories:
            item.category(term=_xml(term[0]), label=_xml(term[1]))
    return generator.rss_str(pretty=False) if kind == "rss" else generator.atom_str(pretty=False)


def feed_response(request, feed, kind):
    """The feed as a response, answered 304 when the reader has it (ETag of its bytes)."""
    import hashlib

    body = render(feed, kind)
    response = Response(body=body, content_type=KINDS[kind], charset="utf-8")
    response.etag = hashlib.sha256(body).hexdigest()[:32]
    response.cache_control = "public, max-age=300"
    response.vary = ("Accept-Language", "Cookie")
    response.conditional_response = True   # If-None-Match: 304, no body
    return response


class AlternateLinks:
    def __init__(self):
        self.providers = {}   # name -> (content type, provider)


def add_alternate_links(config, name, content_type, provider):
    """Register ``provider(context, request) -> [{"type", "href", "title"}]`` for the pages
    of ``content_type`` (a registered type's name, or "Portal")."""
    from statportal.directives import check_name, resolve, utility

    directive = "add_alternate_links"
    check_name(directive, name)
    provider = resolve(config, directive, name, provider, "the provider")
    if not isinstance(content_type, str) or not content_type:
        raise ConfigurationError(f"{directive} {name!r}: the content type must be a name, "
                                 f"not {content_type!r}")

    def register():
        utility(config.registry, IAlternateLinks, AlternateLinks).providers[name] = (
            content_type, provider)

    intr = config.introspectable("statportal alternate links", name, name,
                                 "statportal alternate links")
    intr.update(content_type=content_type, provider=provider)
    config.action(("statportal-alternate-links", name), register, introspectables=(intr,))


def alternates(context, request):
    """The alternate links of ``context``'s page, from every provider of its type."""
    registered = request.registry.queryUtility(IAlternateLinks)
    kind = getattr(context, "__content_type__", None)
    if registered is None or kind is None:
        return []
    links = []
    for content_type, provider in registered.providers.values():
        if content_type == kind:
            links.extend(provider(context, request) or ())
    return links


def includeme(config):
    config.add_directive("add_alternate_links", add_alternate_links)
