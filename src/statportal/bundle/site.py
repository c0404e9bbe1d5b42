"""The bundle's static pages: ``index.html`` (a table of contents in each language asked),
``<lang>/<nnn>-<name>.html`` per material (its facts, files and table previews — the
previews the portal computed when the file was stored, ``StoredFile.preview``),
``<lang>/search.html`` and ``search.html`` (``search.build_index``), the portal's CSS.

Every link is relative, so the copy opens from ``file://`` (a disc, a folder, an unpacked
zip) with no server. ``build_bundle`` is the one entry point of the command and of the
CMS job; pages are rendered without a request (text in each page's language through the
registry's catalogs), so it runs on a database opened read-only.
"""

import re
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from chameleon import PageTemplateLoader

from statportal.bundle.collect import (
    BundleError,
    collect,
    find_section,
    parse_since,
    published_on,
)
from statportal.bundle.iso import joliet_name
from statportal.i18n import LANGUAGE_NAMES, LANGUAGES, _, pick_in, timezone, translate_for

HERE = Path(__file__).resolve().parent
TEMPLATES = PageTemplateLoader(str(HERE / "templates"), ".pt")
PORTAL_CSS = HERE.parent / "static" / "portal.css"
DATE, DATETIME = "d MMMM y", "d MMMM y, HH:mm"

# The words of the pages (msgids shared with the portal's pages where they say the same).
WORDS = {
    "skip": _("Skip to content"), "nav": _("Offline copy"), "contents": _("Contents"),
    "search": _("Search"), "files": _("Files"), "category": _("Category"),
    "published": _("Published"), "period": _("Period covered"),
    "next_update": _("Next update"), "keywords": _("Keywords"),
    "empty": _("No published materials."), "other_languages": _("This page in:"),
    "words": _("Words to find"), "languages": _("Languages"),
    "find": _("Find"), "none": _("Nothing found."), "found": _("Found: ${n}"),
    "truncated": _("The preview shows the beginning of the table; download the file for "
                   "all of it."),
    "footer": _("An offline copy of the portal's public materials. It opens from the disc "
                "without a network."),
    "made": _("Copy made on ${date}; it holds the materials published by then."),
}


def words_in(registry, lang, **mapping):
    return {key: translate_for(registry, message, lang, mapping=mapping or None)
            for key, message in WORDS.items()}


def page_name(number, material):
    slug = re.sub(r"[^a-z0-9-]+", "-", (material.__name__ or "").lower()).strip("-")[:40]
    return f"{number:03d}-{slug or 'material'}.html"


def file_name(filename):
    """The file's name on the disc, short enough for Joliet (a longer name would be
    renamed there, breaking the links to it); the extension kept."""
    name = filename.replace("/", "_").replace("\\", "_") or "file"
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    while joliet_name(name) != name and stem:
        stem = stem[:-1]
        name = f"{stem}.{ext}" if ext else stem
    return name


class Site:
    """The pages of one bundle: ``entries`` (relative path, bytes or a file path)."""

    def __init__(self, registry, tree, languages, title, now):
        self.registry, self.tree, self.languages = registry, tree, languages
        self.title, self.now = title, now
        self.zone = timezone(registry)
        self.numbers = {id(m): n for n, m in enumerate(tree.all_materials(), 1)}
        self.entries = []
        self.index = []

    # -- formatting in a page's language
    def date(self, value, lang):
        return format_date(value, DATE, locale=lang) if value else ""

    def datetime(self, value, lang):
        return format_datetime(value.astimezone(self.zone), DATETIME, locale=lang) \
            if value else ""

    def local_date(self, material, lang):
        when = published_on(material)
        return self.date(when.astimezone(self.zone).date(), lang) if when else ""

    def size(self, size, lang):
        if size < 1024:
            return translate_for(self.registry, _("${n} bytes"), lang, {"n": size})
        unit, n = (_("${n} KB"), size / 1024) if size < 1024 ** 2 else (_("${n} MB"),
                                                                          size / 1024 ** 2)
        return translate_for(self.registry, unit, lang,
                             {"n": format_decimal(round(n, 1), locale=lang)})

    def render(self, template, lang, root, **values):
        t = words_in(self.registry, lang, n="${n}",
                     date=self.date(self.now.astimezone(self.zone).date(), lang))
        t["portal"] = pick_in(self.title, lang)[0] or "statportal"
        page = TEMPLATES[template](layout=TEMPLATES["bundle_layout"], lang=lang, root=root,
                                  t=t, **values)
        return ("<!DOCTYPE html>\n" + page).encode("utf-8")

    # -- the pages
    def file_href(self, material, index, stored):
        return f"files/{self.numbers[id(material)]:03d}/{index + 1}-{file_name(stored.filename)}"

    def material_page(self, material, section, lang):
        from statportal.materials.categories import CATEGORY_TITLES

        title, title_lang = pick_in(material.title, lang)
        t = words_in(self.registry, lang)
        metadata = [(t["category"], translate_for(
            self.registry, CATEGORY_TITLES.get(material.category, material.category), lang))]
        if material.published_at:
            metadata.append((t["published"], self.datetime(published_on(material), lang)))
        if material.period_start or material.period_end:
            metadata.append((t["period"], f"{self.date(material.period_start, lang) or '…'} – "
                                          f"{self.date(material.period_end, lang) or '…'}"))
        if material.next_update:
            metadata.append((t["next_update"], self.date(material.next_update, lang)))
        keywords = material.keywords
        if hasattr(keywords, "items"):
            keywords = pick_in(keywords, lang)[0]
        if keywords:
            metadata.append((t["keywords"], ", ".join(keywords)))
        files, previews = [], []
        for index, stored in enumerate(material.files):
            href = "../" + self.file_href(material, index, stored)
            files.append({"href": href, "name": stored.filename, "lang": stored.language or lang,
                          "meta": f"{stored.extension.upper()}, {self.size(stored.size, lang)}"})
        for index, stored in shown_files(material, lang):
            preview = stored.preview
            html = preview.get("html") or {} if preview.get("kind") == "table" else {}
            previews.append({
                "id": f"preview-{index}", "kind": preview.get("kind"),
                "heading": translate_for(self.registry, _("Preview: ${file}"), lang,
                                         {"file": stored.filename}),
                "href": "../" + self.file_href(material, index, stored),
                "width": preview.get("width"), "height": preview.get("height"),
                "html": html.get(lang) or next(iter(html.values()), None),
                "truncated": preview.get("truncated")})
        body = [p for p in pick_in(material.body, lang)[0].split("\n\n") if p.strip()]
        description = pick_in(material.description, lang)[0]
        page = page_name(self.numbers[id(material)], material)
        others = [{"href": f"../{other}/{page}", "lang": other, "name": LANGUAGE_NAMES[other]}
                  for other in self.languages if other != lang]
        return self.render("bundle_material", lang, "../", page_title=title, title=title,
                           others=others,
                           title_lang=title_lang, description=description,
                           section_title=pick_in(section.title, lang)[0], metadata=metadata,
                           body=body, files=files, previews=previews), title, description

    def build(self, progress):
        materials = list(walk(self.tree))
        steps = len(materials) * len(self.languages) + len(self.languages) + 1
        done = 0
        for lang in self.languages:
            for section, material in materials:
                page, title, description = self.material_page(material, section, lang)
                url = f"{lang}/{page_name(self.numbers[id(material)], material)}"
                self.entries.append((url, page))
                self.index.append({"lang": lang, "url": url, "title": title,
                                   "text": description,
                                   "date": self.local_date(material, lang)})
                done += 1
                progress(done, steps, url)
            self.entries.append((f"{lang}/search.html", self.render(
                "bundle_search", lang, "../", page_title=words_in(self.registry, lang)["search"],
                only_lang=lang)))
            done += 1
            progress(done, steps, f"{lang}/search.html")
        self.entries.append(("index.html", self.index_page()))
        self.entries.append(("search.html", self.render(
            "bundle_search", self.languages[0], "", page_title=words_in(
                self.registry, self.languages[0])["search"], only_lang="")))
        from statportal.bundle.search import index_script

        self.entries.append(("search-index.js", index_script(self.index)))
        self.entries.append(("search.js", (HERE / "templates" / "search.js").read_bytes()))
        self.entries.append(("portal.css", PORTAL_CSS.read_bytes()))
        self.entries.append(("bundle.css", (HERE / "templates" / "bundle.css").read_bytes()))
        for _section, material in materials:
            for index, stored in enumerate(material.files):
                self.entries.append((self.file_href(material, index, stored), blob_of(stored)))
        progress(steps, steps, "index.html")
        return self.entries

    def index_page(self):
        first = self.languages[0]
        tocs = []
        for lang in self.languages:
            blocks = []
            for depth, node in toc_nodes(self.tree):
                blocks.append({
                    "level": min(depth + 2, 6),  # h2 is the language's contents
                    "title": pick_in(node.section.title, lang)[0] if depth else "",
                    "materials": [self.toc_entry(material, lang)
                                  for material in node.materials]})
            tocs.append({"lang": lang, "name": LANGUAGE_NAMES[lang], "blocks": blocks,
                         "t": words_in(self.registry, lang), "empty": not self.tree.count()})
        heading = pick_in(self.tree.section.title, first)[0]
        return self.render("bundle_index", first, "", page_title=heading, heading=heading,
                           tocs=tocs)

    def toc_entry(self, material, lang):
        title, title_lang = pick_in(material.title, lang)
        return {"title": title, "lang": title_lang,
                "href": f"{lang}/{page_name(self.numbers[id(material)], material)}",
                "date": self.local_date(material, lang)}


def shown_files(material, lang):
    """The files whose previews a page shows: those in its language, else those of the
    first language that has any (as the portal's material page chooses)."""
    with_preview = [(i, f) for i, f in enumerate(material.files)
                    if f.preview and f.preview.get("kind") in ("table", "image")]
    for wanted in (lang, *LANGUAGES):
        chosen = [(i, f) for i, f in with_preview if f.language == wanted]
        if chosen:
            return chosen
    return with_preview


def walk(node):
    for material in node.materials:
        yield node.section, material
    for child in node.children:
        yield from walk(child)


def toc_nodes(node, depth=0):
    """(depth, node) in reading order; sub-sections without public material left out."""
    yield depth, node
    for child in node.children:
        if child.count():
            yield from toc_nodes(child, depth + 1)


def blob_of(stored):
    """The stored file's blob on disk (copied from there), else its bytes."""
    try:
        return stored.blob.committed()
    except Exception:  # noqa: BLE001 (an uncommitted blob: read it)
        return stored.read()


def build_bundle(source, section, out, languages=LANGUAGES, since=None, progress=None, *,
                 registry=None, max_bytes=None, force=False):
    """Write the offline copy of ``section`` to ``out`` (a directory, ``*.zip`` or
    ``*.iso``); returns the number of bytes written.

    ``source``: a request (the CMS job: its registry and content) or a portal (the command:
    read-only, with ``registry``); ``section``: a Section or its path; ``languages``: kk, ru,
    en in the order wanted; ``since``: a date (or ``YYYY-MM-DD``) — only materials published
    on or after it; ``progress(done, total, what)``. Bad input raises ``BundleError``."""
    from statportal.bundle.writers import write_bundle
    from statportal.clock import now as clock_now
    from statportal.content.resources import get_portal

    registry = registry or source.registry
    portal = source if registry is not None and not hasattr(source, "registry") \
        else get_portal(source)
    if isinstance(section, str):
        section = find_section(portal, section)
    languages = check_languages(languages)
    tree = collect(section, registry, parse_since(since))
    progress = progress or (lambda done, total, what="": None)
    site = Site(registry, tree, languages, portal.title, clock_now())
    entries = site.build(lambda done, total, what: progress(done, total * 2, what))
    total = len(entries) + 2  # with README.txt and SHA256SUMS

    def written(done, what):
        progress(total + done, total * 2, what)

    return write_bundle(entries, out, languages=languages, force=force,
                        max_bytes=max_bytes, progress=written,
                        volume_id=(section.__name__ or "STATPORTAL"))


def check_languages(languages):
    if isinstance(languages, str):
        languages = [part.strip() for part in languages.split(",") if part.strip()]
    wrong = [lang for lang in languages if lang not in LANGUAGES]
    if wrong or not languages:
        raise BundleError(f"--lang {','.join(languages)}: choose among kk, ru, en "
                          "(comma-separated, e.g. kk,ru,en)")
    return tuple(dict.fromkeys(languages))
