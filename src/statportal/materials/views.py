"""The public portal: material pages, section listings, search, history, downloads,
and the coordinators' translation report. Views are thin: the catalog, the material and
the stored previews hold the rules and the work."""

from pyramid.httpexceptions import HTTPBadRequest, HTTPNotFound
from pyramid.view import view_config

from statportal.api.content import batch_params
from statportal.api.errors import json_error
from statportal.api.serialize import PayloadError, url_of
from statportal.content.catalog import allowed_principals
from statportal.content.paths import path_of
from statportal.content.resources import Portal, Section, get_portal
from statportal.i18n import LANGUAGES, _, format_size, label, pick
from statportal.materials import REPORTS
from statportal.materials.catalog import get_catalog
from statportal.materials.categories import (
    CATEGORIES,
    CATEGORY_DESCRIPTIONS,
    category_page_of,
    category_title,
    page_category,
)
from statportal.materials.json import download_url, file_json, may_see_versions
from statportal.materials.resources import Material
from statportal.materials.search import LANGUAGE_NAMES, SearchInputError, listing, run_search
from statportal.security.permissions import VIEW
from statportal.views.actions import buttons
from statportal.workflow import state_of, workflow_of

HTML = "text/html"
PAGE_LANGUAGE_NAMES = {"kk": _("in Kazakh"), "ru": _("in Russian"), "en": _("in English")}


def batch_info(start, size, shown, total, query=""):
    from statportal.batching import Batch

    return Batch(start, size, total, shown).page(query)


def _state_filter(request, section):
    """Moderators (who may add and publish materials here) list every state; everyone
    else, staff included, the published ones — so totals and pages agree."""
    from statportal.materials import ADD_MATERIAL

    return None if request.has_permission(ADD_MATERIAL, section) else "published"


def latest_by_category(request, per_category=5):
    """The newest materials of each category, each group with the address of all of them:
    the category's page of the menu, or a search where the portal has no such page."""
    portal = get_portal(request)
    catalog = get_catalog(portal)
    result = []
    for name in CATEGORIES:
        materials, total = catalog.search(category=name, size=per_category,
                                          principals=allowed_principals(request))
        if materials:
            page = category_page_of(portal, name)
            url = request.resource_url(page) if page is not None and request.has_permission(
                VIEW, page) else request.resource_url(portal, "@@search",
                                                      query={"category": name})
            result.append({"name": name, "title": category_title(request, name),
                           "materials": materials, "total": total, "url": url})
    return result


@view_config(context=Portal, accept=HTML, permission=VIEW,
             renderer="statportal.materials:templates/home.pt")
def home(context, request):
    """The home page: search, the other features' panels (the next releases), the newest
    materials of each category, the sections (the materials' page of the core's Portal,
    as section_view is of its Section)."""
    from statportal.materials.home import rendered_panels

    return {"sections": [(name, section) for name, section in context.sections()
                         if request.has_permission(VIEW, section)],
            "latest": latest_by_category(request),
            "panels": rendered_panels(context, request)}


@view_config(context=Section, accept=HTML, permission=VIEW,
             renderer="statportal.materials:templates/section.pt")
def section_view(context, request):
    from statportal.views.layout import visible_children

    category = page_category(context)
    if category is not None:
        return category_page(context, request, category)

    try:
        start, size = batch_params(request)
    except PayloadError:
        start, size = 0, 25
    materials, total = get_catalog(get_portal(request)).search(
        section=path_of(context), state=_state_filter(request, context), start=start,
        size=size, principals=allowed_principals(request))
    sections = visible_children(request, context, "Section")
    return {"sections": sections, "materials": materials,
            "batch": batch_info(start, size, len(materials), total),
            "category_title": lambda name: category_title(request, name)}



def language_links(request, material):
    """Links to the languages a material exists in (for the honest fallback note)."""
    from urllib.parse import urlencode

    here = request.path_qs
    return [{"code": lang, "name": LANGUAGE_NAMES[lang],
             "url": request.application_url + "/@@set-language?"
             + urlencode({"lang": lang, "came_from": here})}
            for lang in material.available_languages() if lang != request.locale_name]


def preview_of(request, stored):
    """The stored preview's HTML in the page's language (computed when the file was)."""
    preview = stored.preview or {}
    if preview.get("kind") != "table":
        return None
    html = preview.get("html") or {}
    return html.get(request.locale_name) or next(iter(html.values()), None)


def files_by_language(request, material, files, version=None):
    groups = []
    for lang in LANGUAGES:
        entries = [{"index": i, "file": f, "url": download_url(request, material, i, f, version),
                    "language": lang}
                   for i, f in enumerate(files) if f.language == lang]
        if entries:
            groups.append({"language": lang, "name": LANGUAGE_NAMES[lang], "files": entries})
    return groups


def shown_files(request, material):
    """The files whose previews the page shows: those in the page's language, else those
    of the first language (kk, ru, en) that has any."""
    with_preview = [(i, f) for i, f in enumerate(material.files) if f.preview]
    for lang in (request.locale_name, *LANGUAGES):
        chosen = [(i, f) for i, f in with_preview if f.language == lang]
        if chosen:
            return chosen
    return with_preview


@view_config(context=Material, accept=HTML, permission=VIEW,
             renderer="statportal.materials:templates/material.pt")
def material_page(context, request):
    title, title_lang = pick(request, context.title)
    workflow = workflow_of(request.registry, context)
    state = workflow.state(state_of(context, workflow))
    return {
        "title": title, "title_lang": title_lang,
        "missing_language": title_lang != request.locale_name,
        "page_language": label(request, PAGE_LANGUAGE_NAMES[request.locale_name],
                               request.locale_name),
        "language_links": language_links(request, context),
        "category": category_title(request, context.category),
        "groups": files_by_language(request, context, context.files),
        "previews": [{"file": stored, "url": download_url(request, context, index, stored),
                      "html": preview_of(request, stored), "id": f"preview-{index}"}
                     for index, stored in shown_files(request, context)],
        "body": [p for p in pick(request, context.body)[0].split("\n\n") if p.strip()]
        if context.body else [],
        "state": label(request, state.title, state.name), "state_id": state.name,
        "transitions": buttons(request, context),  # the shared buttons (views.actions)
        "versions": len(context.versions) if may_see_versions(request) else 0,
        "format_size": lambda size: format_size(request, size),
        "declaration": declaration(request, context),
        "panels": material_panels(context, request),
    }


def material_panels(context, request):
    """The other features' panels of a material's page (``add_material_panel``)."""
    from statportal.materials.home import rendered_panels

    return rendered_panels(context, request, page="material")


def declaration(request, material):
    """The primary-data declaration, for those who see the reports (coordinators,
    moderators); None for the others."""
    if not request.has_permission(REPORTS, material):
        return None
    from statportal.interfaces import IPrimaryDataDeclaration

    provider = request.registry.queryUtility(IPrimaryDataDeclaration)  # confidentiality's
    return provider(material, request.registry) if provider is not None else None


@view_config(context=Material, name="history", accept=HTML, permission=VIEW,
             renderer="statportal.materials:templates/material_history.pt")
def history_page(context, request):
    if not may_see_versions(request):
        raise HTTPNotFound()
    versions = [{"record": record, "title": pick(request, record["title"])[0],
                 "groups": files_by_language(request, context, record["files"],
                                             record["version"])}
                for record in reversed(context.versions)]
    return {"versions": versions,
            "current_groups": files_by_language(request, context, context.files),
            "format_size": lambda size: format_size(request, size)}


@view_config(context=Material, name="download", permission=VIEW)
def download(context, request):
    """``@@download/<index>/<name>`` (current files) or ``@@download/v<n>/<index>/<name>``."""
    from statportal.files.download import file_response

    parts = list(request.subpath)
    files = context.files
    if parts and parts[0].startswith("v"):
        record = context.version_record(_int(parts.pop(0)[1:]))
        if record is None or not may_see_versions(request):
            raise HTTPNotFound()
        files = record["files"]
    index = _int(parts[0]) if parts else None
    if index is None or not 0 <= index < len(files):
        raise HTTPNotFound()
    # The name is part of the address: after a Replace an old link must not give another
    # file that now sits at the same position.
    if len(parts) != 2 or parts[1] != files[index].filename:
        raise HTTPNotFound()
    return file_response(request, files[index])


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# -- search and the category pages -------------------------------------------------------
@view_config(context=Portal, name="@search", permission=VIEW, renderer="json")
def search_json(context, request):
    try:
        params, start, size, materials, total, facets = run_search(request)
    except SearchInputError as exc:
        return json_error(request, 400, exc.message, [{"field": exc.field,
                                                       "message": exc.message}])
    except PayloadError as exc:
        return json_error(request, 400, exc.errors[0]["message"], exc.errors)
    items = [{"@id": url_of(request, m), "@type": "Material", "title": dict(m.title),
              "description": dict(m.description), "category": m.category,
              "published_at": m.published_at.isoformat() if m.published_at else None,
              "languages": m.available_languages(),
              "files": [file_json(request, m, i, f) for i, f in enumerate(m.files)]}
             for m in materials]
    from statportal.materials.search_sources import found_elsewhere

    return {"@id": request.url, "items": items, "items_total": total,
            "facets": {name: [{"value": value, "count": count} for value, count in values]
                       for name, values in facets.items()},
            # what the registered sources found (the data's indicators), first page only
            "sources": {found["name"]: {"items": found["items"], "items_total": found["total"]}
                        for found in found_elsewhere(request, params, start)}}


def _listing_or_400(request, target, view_name="", fixed=None):
    try:
        return listing(request, target, view_name, fixed)
    except SearchInputError as exc:
        raise HTTPBadRequest(request.localizer.translate(exc.message)) from None
    except PayloadError:
        raise HTTPBadRequest() from None


@view_config(context=Portal, name="search", accept=HTML, permission=VIEW,
             renderer="statportal.materials:templates/search.pt")
def search_page(context, request):
    return _listing_or_400(request, context, "@@search")


def category_page(context, request, category):
    """A category's page of the public menu (a section named in ``CATEGORY_PAGES``): the
    published materials of the category from every section, newest first, searched and
    faceted as the search page is (one code path: ``materials.search``)."""
    from pyramid.renderers import render_to_response

    from statportal.views.layout import visible_children

    values = _listing_or_400(request, context, fixed={"category": category})
    values.update(
        category=category, category_name=category_title(request, category),
        description=label(request, CATEGORY_DESCRIPTIONS[category], ""),
        sections=visible_children(request, context, "Section"))
    return render_to_response("statportal.materials:templates/category.pt", values,
                              request=request)


# -- translation report --------------------------------------------------------------------
PROBLEM_TITLES = {"missing_title": _("no title"), "missing_file": _("no file"),
                  "outdated": _("older than the current version")}


def translation_rows(request):
    catalog = get_catalog(get_portal(request))
    rows = []
    for material in catalog.objects.values():
        problems = material.translation_problems()
        if problems:
            rows.append((material, problems))
    rows.sort(key=lambda row: (-len(row[1]), url_of(request, row[0])))
    return rows


@view_config(context=Portal, name="@translations", permission=REPORTS, renderer="json")
def translations_json(context, request):
    return {"items": [{"@id": url_of(request, material), "title": dict(material.title),
                       "version": material.version,
                       "problems": [{"language": lang, "problem": problem,
                                     "translation_version": detail}
                                    for lang, problem, detail in problems]}
                      for material, problems in translation_rows(request)]}


@view_config(context=Portal, name="translations", accept=HTML, permission=REPORTS,
             renderer="statportal.materials:templates/translations.pt")
def translations_page(context, request):
    return {"rows": translation_rows(request), "language_names": LANGUAGE_NAMES,
            "problem_title": lambda name: label(request, PROBLEM_TITLES[name], name)}


# -- sitemap ------------------------------------------------------------------------------
SITEMAP_MAX = 50000  # the sitemaps protocol's limit per file


@view_config(context=Portal, name="sitemap.xml", permission=VIEW)
def sitemap(context, request):
    """The public pages for search engines: sections, the calendar, and the published
    materials, newest first (from the catalog: nothing scheduled or withdrawn)."""
    from lxml import etree
    from pyramid.response import Response

    from statportal.content.listing import visible

    namespace = "http://www.sitemaps.org/schemas/sitemap/0.9"
    urlset = etree.Element("urlset", nsmap={None: namespace})

    def add(url, modified=None):
        node = etree.SubElement(urlset, "url")
        etree.SubElement(node, "loc").text = url
        if modified is not None:
            etree.SubElement(node, "lastmod").text = modified.date().isoformat()

    add(request.application_url + "/")
    add(request.resource_url(context["calendar"]).rstrip("/"))

    def walk(folder):
        for _name, child in visible(request, folder):
            if getattr(child, "__content_type__", None) == "Section":
                add(url_of(request, child), child.modified)
                walk(child)

    walk(context)
    materials, _total = get_catalog(context).search(size=SITEMAP_MAX,
                                                    principals=allowed_principals(request))
    for material in materials:
        add(url_of(request, material), material.modified)
    body = etree.tostring(urlset, xml_declaration=True, encoding="UTF-8")
    return Response(body=body, content_type="application/xml")
