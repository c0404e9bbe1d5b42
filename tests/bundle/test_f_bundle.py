"""``statportal bundle`` (issue 21, item 4): the offline copy of a section holds only what
the public sees (nothing scheduled, private or withdrawn; no basis), checksums that hold,
relative links only; an existing output, a path that is not a section and a disc over its
size limit are refused with a message and nothing written; it runs read-only beside the
portal that holds the FileStorage."""

import hashlib
import re
import subprocess
import sys
import zipfile
from datetime import date, timedelta

import pytest

from statportal.bundle.collect import BundleError
from statportal.bundle.site import build_bundle
from statportal.files import StoredFile
from statportal.testing import DEMO_PASSWORD, close_app, make_app, make_settings, open_portal
from tests.helpers.processes import environ, portal_ini

INDUSTRY = "/official-statistics/economy/industry"
HIDDEN = {"scheduled": "Scheduledsecret figures", "private": "Privatedraft figures",
          "withdrawn": "Withdrawnold figures"}
BASIS_NAME = "output_2026_10.basis.xlsx"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo on FileStorage, held open by this app (the writer) for the whole module,
    with a scheduled, a private and a withdrawn material (each with a file) beside the
    published ones; the bundle of /official-statistics written by the command in a
    process of its own meanwhile."""
    from statportal.content.paths import find_by_path
    from statportal.content.registry import get_content_registry
    from statportal.demo import add_demo_content
    from statportal.workflow import state_of

    tmp = tmp_path_factory.mktemp("bundle-f")
    settings = make_settings(tmp)
    app = make_app(settings)
    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD)
        section = find_by_path(portal, INDUSTRY)
        for state, title in HIDDEN.items():
            material = get_content_registry(app.registry).create(
                "Material", title={"en": title, "ru": title, "kk": title},
                description={"en": title}, creator="yerlan")
            material.files.append(StoredFile(f"{state}-secret.csv", b"a,b\n1,2\n",
                                             language="en"))
            section.add(f"hidden-{state}", material)
            material.__workflow_state__["material"] = state
            assert state_of(material, "material") == state
        bases = [stored.sha256 for m in _materials(portal) for stored in m.bases]
    ini = portal_ini(tmp / "etc", settings["zodbconn.uri"])
    out = tmp / "disc"
    result = subprocess.run(  # noqa: S603 (our own CLI)
        [sys.executable, "-m", "statportal.scripts.cli", "bundle", str(ini),
         "/official-statistics", "--out", str(out)],
        capture_output=True, text=True, env=environ(), timeout=120)
    with open_portal(app) as portal:  # the writer writes on, after the reader
        portal.bundle_test_mark = 1
    yield {"app": app, "ini": ini, "out": out, "result": result, "bases": bases,
           "tmp": tmp}
    close_app(app)


def _materials(portal):
    from statportal.content.resources import Section

    stack = [portal["official-statistics"]]
    while stack:
        for obj in stack.pop().values():
            if isinstance(obj, Section):
                stack.append(obj)
            elif getattr(obj, "__content_type__", None) == "Material":
                yield obj


def _files(root):
    return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}


def test_written_beside_the_portal_holding_the_database_with_progress(site):
    result = site["result"]
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(r"\[\d+/(\d+)\] .*\n.*\[(\d+)/\2\] SHA256SUMS", result.stderr, re.S)
    assert (site["out"] / "index.html").is_file()
    assert not [p for p in site["out"].parent.iterdir() if p.name.startswith(".disc")]


def test_only_public_material_and_no_basis(site):
    files = _files(site["out"])
    text = "\n".join(p.read_text("utf-8") for name, p in files.items()
                     if name.endswith((".html", ".js")))
    for title in HIDDEN.values():
        assert title not in text
    assert not [name for name in files if "secret" in name or "basis" in name]
    assert "Industrial production index" in text and "Consumer price index" in text
    digests = {line.split()[0] for line in (site["out"] / "SHA256SUMS").read_text().splitlines()}
    assert site["bases"] and not digests & set(site["bases"])
    # each language's page of a material, and its files
    assert {name.split("/")[0] for name in files} >= {"kk", "ru", "en", "files"}


def test_sha256sums_cover_every_file_and_hold(site):
    out = site["out"]
    listed = {}
    for line in (out / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = _files(out)
    assert set(listed) == set(files) - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256(files[name].read_bytes()).hexdigest() == digest, name
    readme = (out / "README.txt").read_text("utf-8")
    assert "index.html" in readme and "Чтобы открыть" in readme and "Ашу үшін" in readme


def test_links_are_relative_and_lead_to_files_of_the_bundle(site):
    out = site["out"]
    checked = 0
    for name, path in _files(out).items():
        if not name.endswith(".html"):
            continue
        for link in re.findall(r'(?:href|src)="([^"]*)"', path.read_text("utf-8")):
            assert not link.startswith(("/", "http:", "https:", "file:", "//")), (name, link)
            target = link.split("#")[0].split("?")[0]
            if target:
                assert (path.parent / target).resolve().is_file(), (name, link)
                checked += 1
    assert checked > 50


def test_since_keeps_the_materials_published_from_that_day(site):
    """The demo's materials were published within the last nine days."""
    out = site["tmp"]
    with open_portal(site["app"]) as portal:
        for name, days in (("later", 2), ("earlier", -10)):
            build_bundle(portal, "/official-statistics", out / name, ("en",),
                         (date.today() + timedelta(days=days)).isoformat(),
                         registry=site["app"].registry)
    index = (out / "later" / "index.html").read_text("utf-8")
    assert "No published materials." in index and not (out / "later" / "files").exists()
    assert len(list((out / "earlier" / "en").glob("0*.html"))) == 5


def _cli(*argv):
    from statportal.scripts.cli import main

    return main(["bundle", *map(str, argv)])


def test_an_existing_output_is_refused_without_force(site, capsys):
    out = site["tmp"] / "taken.zip"
    out.write_bytes(b"keep me")
    assert _cli(site["ini"], "/official-statistics", "--out", out) == 2
    err = capsys.readouterr().err
    assert f"{out} exists" in err and "--force" in err and "Traceback" not in err
    assert out.read_bytes() == b"keep me"
    with open_portal(site["app"]) as portal:
        build_bundle(portal, INDUSTRY, out, ("ru", "en"), registry=site["app"].registry,
                     force=True)
    names = zipfile.ZipFile(out).namelist()
    assert "index.html" in names and "SHA256SUMS" in names and "ru/search.html" in names
    assert not [name for name in names if name.startswith("kk/")]


def test_refusals_say_why_and_write_nothing(site, capsys):
    out = site["tmp"] / "refused"
    material = INDUSTRY + "/hidden-private"
    assert _cli(site["ini"], material, "--out", out) == 2
    err = capsys.readouterr().err
    assert "not a section" in err and material in err and "Traceback" not in err
    assert _cli(site["ini"], "/no/such/place", "--out", out) == 2
    assert "no such path" in capsys.readouterr().err
    assert _cli(site["ini"], INDUSTRY, "--out", out, "--lang", "kk,de") == 2
    assert "--lang" in capsys.readouterr().err
    assert _cli(site["ini"], INDUSTRY, "--out", out, "--since", "yesterday") == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    iso = site["tmp"] / "small.iso"
    with open_portal(site["app"]) as portal, pytest.raises(BundleError, match="size limit"):
        build_bundle(portal, INDUSTRY, iso, registry=site["app"].registry, max_bytes=100_000)
    assert not out.exists() and not iso.exists()
    assert not [p for p in site["tmp"].iterdir() if p.name.startswith((".refused", ".small"))]
