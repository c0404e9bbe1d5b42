"""Another feature's schema extension cannot take over the confidentiality declaration
(issue 17 review): a node named like a field the type already has (from its schema or an
extension), or a setter for a field the extension does not add, is a ConfigurationError,
at the start when the type is known, so an add-on cannot silently give ``primary_data`` a
default (tables would publish without a basis) or take over how it is stored."""

import sys
from pathlib import Path

import colander
import pytest
from pyramid import testing
from pyramid.exceptions import ConfigurationError, ConfigurationExecutionError

from statportal.testing import close_app, make_app, make_settings

PKGS = str(Path(__file__).parents[1] / "pkgs")


class Report:
    pass


def report_schema():
    schema = colander.MappingSchema()
    schema.add(colander.SchemaNode(colander.String(), name="title"))
    return schema


def code_node():
    return colander.SchemaNode(colander.String(), name="code", missing="")


def title_node():
    return colander.SchemaNode(colander.String(), name="title", missing="")


def test_an_addon_naming_the_declarations_fields_stops_the_start(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(PKGS)
    sys.modules.pop("shadow_ext", None)
    with pytest.raises(ConfigurationExecutionError) as refused:
        app = make_app(make_settings(tmp_path, **{"statportal.includes": "shadow_ext"}))
        close_app(app)  # not reached on the fixed code
    message = str(refused.value)
    assert "add_schema_extension 'shadow'" in message
    assert "primary_data, primary_data_reason" in message


@pytest.mark.parametrize("clash", [code_node, title_node], ids=["another extension's",
                                                                 "the schema's own"])
def test_a_node_named_like_a_field_already_there_is_refused(clash):
    with testing.testConfig(autocommit=False) as config:
        config.include("statportal.content.registry")
        config.add_content_type("Report", Report, report_schema)
        config.add_schema_extension("first", "Report", code_node)
        config.commit()
        config.add_schema_extension("second", "Report", clash)
        with pytest.raises(ConfigurationExecutionError) as refused:
            config.commit()
        assert isinstance(refused.value.evalue, ConfigurationError)
        assert f"already has the field(s) {clash().name}" in str(refused.value)


def other_node():
    return colander.SchemaNode(colander.String(), name="other", missing="")


def test_a_setter_for_a_field_the_extension_does_not_add_is_refused():
    """The first setter found for a field writes it: a setter for another extension's
    field (``primary_data``'s, say) would take over how that field is stored."""
    with testing.testConfig(autocommit=False) as config:
        config.include("statportal.content.registry")
        config.add_content_type("Report", Report, report_schema)
        config.add_schema_extension("first", "Report", code_node)
        config.commit()
        config.add_schema_extension("second", "Report", other_node,
                                    setters={"code": lambda obj, value: None})
        with pytest.raises(ConfigurationExecutionError) as refused:
            config.commit()
        assert "setters for code, which the extension's nodes do not add" in str(
            refused.value)


def test_extensions_registered_before_their_type_are_checked_when_the_schema_is_made():
    from statportal.content.registry import get_content_registry

    with testing.testConfig(autocommit=False) as config:
        config.include("statportal.content.registry")
        config.add_schema_extension("first", "Report", code_node)
        config.add_schema_extension("second", "Report", code_node)
        config.add_content_type("Report", Report, report_schema)
        config.commit()
        content = get_content_registry(config.registry)
        with pytest.raises(ConfigurationError, match="already has the field"):
            content.make_schema(content["Report"])


def test_an_addon_with_fields_of_its_own_keeps_the_declaration(tmp_path):
    """The worked path still works: an extension adding its own field is let in, and the
    Material's schema keeps the declaration and its check."""
    from statportal.content.registry import get_content_registry

    app = make_app(make_settings(tmp_path))
    try:
        content = get_content_registry(app.registry)
        names = [n.name for n in content.make_schema(content["Material"]).children]
        assert {"primary_data", "primary_data_reason", "bases"} <= set(names)
        assert len(names) == len(set(names))
    finally:
        close_app(app)
