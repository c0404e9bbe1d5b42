"""Confidentiality is self-contained (issue 17, items 4-6): materials and placement do not
import it, it adds its fields to their one schema by registration, its cache belongs to
the application, and files stored before their digest was kept get it from an evolve step,
never from a GET."""

import ast
import hashlib
from pathlib import Path

import colander
import pytest
from pyramid import testing

from statportal.testing import last_transaction, open_portal
from tests.helpers.basis_tables import material_with
from tests.helpers.disclosure_samples import basis_xlsx, published_xlsx
from tests.helpers.materials import add as add_material
from tests.helpers.materials import as_user, upload

SRC = Path(__file__).resolve().parents[2] / "src" / "statportal"
#: modules of other features that used to import statportal.confidentiality
WITHOUT = [*sorted((SRC / "materials").glob("*.py")), *sorted((SRC / "placement").glob("*.py")),
           SRC / "releases" / "embargo.py", SRC / "views" / "workflow.py"]


def imported(path):
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("path", WITHOUT, ids=lambda p: str(p.relative_to(SRC)))
def test_materials_and_placement_do_not_import_confidentiality(path):
    assert not [n for n in imported(path) if n.startswith("statportal.confidentiality")]


@pytest.mark.parametrize("type_name", ["Material", "PlacementRequest"])
def test_the_declaration_and_bases_come_after_the_files(app, type_name):
    from statportal.content.registry import get_content_registry

    content = get_content_registry(app.registry)
    names = [node.name for node in content.make_schema(content[type_name]).children]
    at = names.index("files")
    assert names[at + 1:at + 4] == ["primary_data", "primary_data_reason", "bases"]


# -- the directive itself, on a type of its own ------------------------------------------
class Report:
    pass


@colander.deferred
def own_check(node, kw):
    def validate(node, value):
        if value.get("title") == "refused":
            raise colander.Invalid(node, "the schema's own check")
    return validate


def report_schema():
    schema = colander.MappingSchema(validator=own_check)
    schema.add(colander.SchemaNode(colander.String(), name="title"))
    schema.add(colander.SchemaNode(colander.String(), name="files", missing=""))
    schema.add(colander.SchemaNode(colander.String(), name="note", missing=""))
    return schema


def extra_nodes():
    return [colander.SchemaNode(colander.String(), name="code", missing=""),
            colander.SchemaNode(colander.String(), name="secret", missing="")]


def extra_check(node, value):
    if value.get("code") == "bad":
        raise colander.Invalid(node, "the extension's check")


def test_an_extension_adds_nodes_a_check_and_a_setter():
    from statportal.content.editing import apply_fields
    from statportal.content.registry import get_content_registry

    with testing.testConfig(autocommit=False) as config:
        config.include("statportal.content.registry")
        config.add_content_type("Report", Report, report_schema)
        written = []
        config.add_schema_extension("extra", "Report", extra_nodes, validator=extra_check,
                                    after="files",
                                    setters={"secret": lambda obj, v: written.append(v)})
        config.commit()
        content = get_content_registry(config.registry)
        schema = content.make_schema(content["Report"]).bind(request=None)
        assert [n.name for n in schema.children] == ["title", "files", "code", "secret", "note"]
        with pytest.raises(colander.Invalid, match="the schema's own check"):
            schema.deserialize({"title": "refused", "code": "bad"})  # its own check first
        with pytest.raises(colander.Invalid, match="the extension's check"):
            schema.deserialize({"title": "fine", "code": "bad"})
        obj = content.create("Report")
        changed = apply_fields(obj, schema.deserialize({"title": "fine", "secret": "s3"}),
                               config.registry)
        assert written == ["s3"] and not hasattr(obj, "secret") and "secret" in changed
        assert obj.title == "fine"


# -- the cache is the application's; a GET writes nothing -------------------------------
def test_the_cache_belongs_to_the_application(app, testapp, demo, tmp_path):
    from statportal.confidentiality.cache import DisclosureCache, disclosure_cache
    from statportal.testing import close_app, make_app, make_settings

    (tmp_path / "other").mkdir()
    other = make_app(make_settings(tmp_path / "other"))
    try:
        url = add_material(testapp, **material_with(
            [upload("wages-en.xlsx", published_xlsx(), "en")],
            [upload("wages.basis.xlsx", basis_xlsx())], languages=("en",)))
        disclosure_cache(app.registry).clear()
        as_user(testapp, "dana")
        testapp.get("/++api++/")           # a user's first request keeps when they were seen
        before = last_transaction(app)
        report = testapp.get(f"/++api++{url}/@disclosure").json
        assert last_transaction(app) == before   # the check is computed, nothing stored
        assert len(disclosure_cache(app.registry)) > 0
        assert len(disclosure_cache(other.registry)) == 0
        assert testapp.get(f"/++api++{url}/@disclosure").json == report  # from the cache
    finally:
        close_app(other)
    bounded = DisclosureCache(size=2)
    for key in "abc":
        bounded.get(key, lambda key=key: key.upper())
    assert len(bounded) == 2 and bounded.get("a", lambda: "again") == "again"


def test_an_evolve_step_gives_older_files_their_digest(app, testapp, demo):
    from statportal.files.storage import fill_digests

    url = add_material(testapp, **material_with(
        [upload("wages-en.xlsx", published_xlsx(), "en")],
        [upload("wages.basis.xlsx", basis_xlsx())], languages=("en",)))
    from pyramid.traversal import find_resource

    with open_portal(app) as portal:      # as files stored before the digest was kept
        material = find_resource(portal, url)
        for stored in [*material.files, *material.bases]:
            del stored.sha256
    with open_portal(app) as portal:
        assert fill_digests(portal, app.registry) == 2
    with open_portal(app) as portal:
        material = find_resource(portal, url)
        for stored in [*material.files, *material.bases]:
            assert stored.sha256 == hashlib.sha256(stored.read()).hexdigest()
        assert fill_digests(portal, app.registry) == 0   # once is enough
