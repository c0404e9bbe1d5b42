"""One search of the published materials, for every page that lists them: the search page
and its JSON (``@search``), and the category pages of the public menu. Each reads the same
filters from the query (a bad one is a 400 naming it), asks the catalog once for a page of
materials and the facet counts under the allowed index, and gets the same values for its
template: facets as links that keep the other filters, and the batch."""

from urllib.parse import urlencode

from statportal.api.content import batch_params
from statportal.content.catalog import allowed_principals
from statportal.content.resources import get_portal
from statportal.i18n import LANGUAGES, _, label
from statportal.materials.catalog import get_catalog
from statportal.materials.categories import CATEGORIES, category_title
from statportal.numbers import NumberError, read_year

FACETS = ("category", "section", "year", "language")
FACET_TITLES = {"category": _("Category"), "section": _("Section"), "year": _("Year"),
                "language": _("Language")}
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
#: The query's parameters a listing keeps in its links (the words and the facets).
KEPT = ("SearchableText", *FACETS)


class SearchInputError(Exception):
    def __init__(self, field, message):
        super().__init__(message)
        self.field, self.message = field, message


def search_params(request):
    """The query's filters, checked: a bad one is a ``SearchInputError`` that names it."""
    params = {"text": request.GET.get("SearchableText", "").strip()[:200]}
    category = request.GET.get("category") or None
    if category and category not in CATEGORIES:
        raise SearchInputError("category", _("Unknown category ${name}.",
                                             mapping={"name": category}))
    params["category"] = category
    try:
        params["year"] = read_year(request.GET)
    except NumberError as exc:
        raise SearchInputError(exc.field, exc.message) from None
    language = request.GET.get("language") or None
    if language and language not in LANGUAGES:
        raise SearchInputError("language", _("The language must be kk, ru or en."))
    params["language"] = language
    section = request.GET.get("section") or None
    if section and not section.startswith("/"):
        section = "/" + section
    params["section"] = section
    return params


def run_search(request, fixed=None):
    """``(params, start, size, materials, total, facets)``; each facet a list of
    ``(value, count)``, most frequent first (at most 20). ``fixed``: filters the page
    itself sets (a category page's category), over what the query says; their facets are
    not counted. Published materials only, those the user may view (the allowed index)."""
    fixed = fixed or {}
    params = {**search_params(request), **fixed}
    start, size = batch_params(request)
    names = tuple(name for name in FACETS if name not in fixed)
    catalog = get_catalog(get_portal(request))
    materials, total, counts = catalog.search(start=start, size=size, facets=names,
                                              principals=allowed_principals(request), **params)
    facets = {name: sorted(counts[name].items(), key=lambda kv: (-kv[1], str(kv[0])))[:20]
              for name in names}
    return params, start, size, materials, total, facets


def listing(request, target, view_name="", fixed=None):
    """What a page of results shows (``templates/results.pt``): the search of
    ``run_search(request, fixed)`` at the address of ``target`` (and ``view_name``), its
    facets as links to the same address with one filter more or less, and the batch."""
    from statportal.batching import Batch

    params, start, size, materials, total, facets = run_search(request, fixed)
    fixed = fixed or {}
    kept = {key: value for key, value in request.GET.items()
            if key in KEPT and key not in fixed and value}
    portal = get_portal(request)

    def address(query):
        if view_name:
            return request.resource_url(target, view_name, query=query)
        return request.resource_url(target, query=query)

    def facet_url(name, value):
        query = {**kept, name: value}
        if value is None:
            query.pop(name, None)
        return address(query)

    def facet_label(name, value):
        if name == "category":
            return category_title(request, value)
        if name == "section":
            from statportal.content.paths import find_by_path

            section = find_by_path(portal, value)
            return label(request, section.title, value) if section is not None else value
        if name == "language":
            return LANGUAGE_NAMES.get(value, value)
        return str(value)

    from statportal.materials.search_sources import found_elsewhere

    return {"params": params, "materials": materials, "facets": facets, "kept": kept,
            # what the registered sources (the data's indicators) found for the words
            "elsewhere": found_elsewhere(request, params, start),
            "facet_url": facet_url, "facet_label": facet_label,
            "form_action": address(None),
            "hidden": [(name, kept[name]) for name in FACETS if kept.get(name)],
            "facet_titles": [(name, label(request, FACET_TITLES[name], name))
                             for name in FACETS if name in facets],
            "batch": Batch(start, size, total, len(materials)).page(urlencode(kept)),
            "category_title": lambda name: category_title(request, name)}
