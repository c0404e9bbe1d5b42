"""The embargo probe: ask, as an anonymous client over HTTP, for every URL and file of every
scheduled material; anything but 404 is a leak.

For a new material under embargo: its page, its JSON (``/++api++``), its history, and each
file's download. For a Replace waiting for its release: the downloads the new files would
have, and the material's page and JSON, which must not show the new version's title or
file names. Search, the section's listing, the category's page of the menu, the home page,
the sitemap and the feeds of its section and of the sections above must not name it either.
"""

from dataclasses import dataclass, field
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode
from urllib.request import Request, urlopen

from statportal.content.paths import find_by_path, path_of
from statportal.interfaces import IEmbargoProbeTargets
from statportal.materials.categories import category_page_of
from statportal.releases.catalog import get_release_catalog


@dataclass
class Target:
    """What to ask for: URLs that must answer 404, and pages that must not contain words."""

    material: str
    must_404: list = field(default_factory=list)
    must_not_contain: list = field(default_factory=list)   # (url, [words])
    #: ``(url, check)``: ``check(body)`` of a 200 answer returns what it shows that it must
    #: not (a list of texts, empty when all is well): values compared with the public ones
    checks: list = field(default_factory=list)


def add_embargo_probe_targets(config, name, provider):
    """``config.add_embargo_probe_targets(name, provider)``: the probe also asks for the
    addresses another feature keeps under embargo (the data service's indicators):
    ``provider(portal)`` yields :class:`Target` objects. The releases import no feature."""
    from statportal.directives import check_name, resolve, utility

    directive = "add_embargo_probe_targets"
    check_name(directive, name)
    provider = resolve(config, directive, name, provider, "the provider")
    registry = config.registry
    discriminator = ("statportal-embargo-probe-targets", name)
    intr = config.introspectable("statportal embargo probe targets", discriminator, name,
                                 "statportal embargo probe targets")
    intr["provider"] = provider
    config.action(discriminator, lambda: utility(registry, IEmbargoProbeTargets, dict)
                  .__setitem__(name, provider), introspectables=(intr,))


def registered_targets(portal, registry):
    """What the registered providers yield for ``portal``."""
    providers = registry.queryUtility(IEmbargoProbeTargets) if registry is not None else None
    return [target for _name, provider in sorted((providers or {}).items())
            for target in provider(portal)]


def targets(portal, registry=None):
    """The probe's targets for every placement waiting in the calendar, and those of the
    registered providers (``registry``: the portal's configuration)."""
    found = registered_targets(portal, registry)
    catalog = get_release_catalog(portal)
    entries, _total = catalog.query(statuses=("provisional", "confirmed", "postponed"))
    for entry in entries:
        for item in entry.pending():
            material = find_by_path(portal, item["material"])
            if material is None:
                continue
            path = item["material"]
            quoted = quote(path)
            if item["action"] == "new":
                urls = [quoted, f"/++api++{quoted}", f"{quoted}/@@history",
                        f"{quoted}/@@download/0"]
                urls += [f"{quoted}/@@download/{i}/{quote(f.filename)}"
                         for i, f in enumerate(material.files)]
                words = [t for t in material.title.values() if t]
                words += [f.filename for f in material.files]
                section = path.rsplit("/", 1)[0] or "/"
                # A search echoes its words: there only the address must not appear.
                search = "/@search?" + urlencode({"SearchableText": words[0]}) if words \
                    else "/@search"
                listings = [
                    (section, [*words, quoted]), (f"/++api++{quote(section)}", [*words, quoted]),
                    (search, [quoted]), ("/sitemap.xml", [quoted]),
                    # the home page names the next releases' titles (the calendar is
                    # public): there only the address must not appear
                    ("/", [quoted])]
                page = category_page_of(portal, material.category)
                if page is not None:  # the category's page of the menu lists it by title
                    listings.append((quote(path_of(page)), [*words, quoted]))
                    listings += _feeds(path_of(page), [quoted])
                # a feed's entry always links to the material (its title alone may be a
                # section's: the feed's own title); a section's feed holds its
                # sub-sections': every one above would name it
                listings += _feeds(section, [quoted])
                above = section
                while above.count("/") > 1:
                    above = above.rsplit("/", 1)[0]
                    listings += _feeds(above, [quoted], kinds=("atom",))
                found.append(Target(path, urls, listings))
            else:
                request_obj = find_by_path(portal, item["request"])
                if request_obj is None:
                    continue
                current = {f.filename for f in material.files}
                new_files = [f for f in request_obj.files if f.filename not in current]
                urls = [f"{quoted}/@@download/{i}/{quote(f.filename)}"
                        for i in range(len(material.files) + len(request_obj.files))
                        for f in new_files]
                words = [t for lang, t in request_obj.title.items()
                         if t and t != material.title.get(lang)]
                words += [f.filename for f in new_files]
                pages = [quoted, f"/++api++{quoted}", "/sitemap.xml"]
                section = path.rsplit("/", 1)[0] or "/"
                found.append(Target(path, urls, [(url, words) for url in pages]
                                    + _feeds(section, words)))
    return found


def _feeds(section, words, kinds=("rss", "atom")):
    """The section's feeds in each language (a title is in one language per feed)."""
    return [(f"{quote(section)}/@{kind}?lang={lang}", words)
            for kind in kinds for lang in ("kk", "ru", "en")]


def fetch(url, timeout):
    """``(status, body)`` of an anonymous GET."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an HTTP address: {url}")
    request = Request(url, headers={"User-Agent": "statportal-embargo-probe"})  # noqa: S310
    try:
        with urlopen(request, timeout=timeout) as response:  # noqa: S310  # nosec B310 # http(s) only, checked above
            return response.status, response.read()
    except HTTPError as exc:
        return exc.code, exc.read()


def probe(portal, base_url, timeout=10, progress=None, registry=None):
    """Run the probe; returns ``(checked, leaks)``, each leak ``(url, what)``."""
    base_url = base_url.rstrip("/")
    leaks, checked = [], 0
    plan = targets(portal, registry)
    for number, target in enumerate(plan, 1):
        if progress is not None:
            progress(number, len(plan), target.material)
        for url in target.must_404:
            status, _body = fetch(base_url + url, timeout)
            checked += 1
            if status != 404:
                leaks.append((url, f"answered {status}"))
        for url, words in target.must_not_contain:
            status, body = fetch(base_url + url, timeout)
            checked += 1
            text = body.decode("utf-8", "replace")
            shown = [word for word in words if word and word in text]
            if status == 200 and shown:
                leaks.append((url, "shows " + ", ".join(shown)))
        for url, check in target.checks:
            status, body = fetch(base_url + url, timeout)
            checked += 1
            if status == 200:
                leaks.extend((url, what) for what in check(body))
    return checked, leaks


def run(config_uri, base_url, out, err, timeout=10):
    """The command: 0 when everything scheduled answers 404, 1 on a leak, 2 on an error."""
    from statportal.scripts.app import open_read_only

    try:
        portal, close = open_read_only(config_uri)
    except Exception as exc:  # noqa: BLE001 (reported to the user)
        print(f"statportal: error: cannot open {config_uri}: {exc}", file=err)
        return 2
    try:
        def progress(number, total, path):
            print(f"[{number}/{total}] {path}", file=err)

        try:
            registry = configuration_of(config_uri)
        except Exception as exc:  # noqa: BLE001 (reported to the user)
            print(f"statportal: error: cannot configure {config_uri}: {exc}", file=err)
            return 2
        try:
            checked, leaks = probe(portal, base_url, timeout, progress, registry)
        except URLError as exc:
            print(f"statportal: error: {base_url}: {exc.reason}", file=err)
            return 2
    finally:
        close()
    for url, what in leaks:
        print(f"LEAK {url}: {what}", file=out)
    print(f"{checked} requests, {len(leaks)} leaks", file=out)
    return 1 if leaks else 0


def configuration_of(config_uri):
    """The registry of CONFIG's application over a throw-away memory database (the
    portal's own database stays opened read-only beside a running portal)."""
    from statportal.scripts.app import configured_registry

    return configured_registry(config_uri)
