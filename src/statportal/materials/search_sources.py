"""What other features let the portal's search find beside the materials, registered, so
that the materials import none of them (the data service's indicators are one)::

    config.add_search_source("indicators", "statportal.taldau.search.indicators",
                             title=_("Indicators"), order=10)

A source is ``source(request, text, limit) -> (items, total)``: at most ``limit`` items the
user may see whose words match ``text``, each a dict with ``"@id"`` (its address),
``"@type"``, ``"title"`` and ``"description"`` (kk/ru/en dicts) and whatever else its JSON
says; ``total`` counts every match it found (it may stop counting at a bound of its own).
The search asks the sources only for words without a filter (the filters — category,
section, year, language — are the materials'), and on the first page of results.
"""

from dataclasses import dataclass

from pyramid.exceptions import ConfigurationError
from zope.interface import Interface

#: the items a source shows on the search page and in its JSON
LIMIT = 10


class ISearchSources(Interface):
    """The registered search sources (``config.add_search_source``)."""


@dataclass(frozen=True)
class SearchSource:
    name: str
    source: object
    title: object
    order: int


class SearchSources:
    def __init__(self):
        self.sources = {}

    def ordered(self):
        return sorted(self.sources.values(), key=lambda s: (s.order, s.name))


def add_search_source(config, name, source, title, order=100):
    """Register (or replace, by name) what else the portal's search finds: ``source`` (or
    its dotted name) as the module says; ``title`` (a translation string or a text) heads
    its results on the search page."""
    from statportal.directives import check_name, resolve, utility

    check_name("add_search_source", name)
    source = resolve(config, "add_search_source", name, source, "source")
    if not title or not isinstance(title, str):
        raise ConfigurationError(f"add_search_source {name!r}: title must be a text")
    if not isinstance(order, int) or isinstance(order, bool):
        raise ConfigurationError(f"add_search_source {name!r}: order must be an integer")
    found = SearchSource(name, source, title, order)

    def register():
        utility(config.registry, ISearchSources, SearchSources).sources[name] = found

    intr = config.introspectable("statportal search sources", name, name,
                                 "statportal search source")
    intr.update(source=source, title=title, order=order)
    config.action(("statportal-search-source", name), register, introspectables=(intr,))


def found_elsewhere(request, params, start=0, limit=LIMIT):
    """``[{"name", "title", "items", "total"}]``: what each source found for the words of
    ``params`` (a search's checked parameters); nothing when a filter is set, on a later
    page, or without words."""
    registered = request.registry.queryUtility(ISearchSources)
    text = (params.get("text") or "").strip()
    if registered is None or not text or start:
        return []
    if any(params.get(name) for name in ("category", "section", "year", "language")):
        return []
    found = []
    for source in registered.ordered():
        items, total = source.source(request, text, limit)
        if items:
            found.append({"name": source.name, "title": source.title, "items": list(items),
                          "total": total})
    return found
