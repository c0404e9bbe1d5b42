"""Settings from the environment: disclosure settings keep their dots, the presumed categories
narrow the presumption, and a wrong setting is one line and exit 2."""

import pytest


@pytest.mark.parametrize("name", ["DISCLOSURE_PRESUMED_CATEGORIES", "DISCLOSURE_THRESHOLD"])
def test_a_disclosure_setting_from_the_environment_keeps_its_dots(name):
    """STATPORTAL_DISCLOSURE_PRESUMED_CATEGORIES names statportal.disclosure.presumed_
    categories (the docs' short form), not an unknown statportal.disclosure_presumed_…"""
    from statportal.settings import apply_environment

    result = apply_environment({}, {f"STATPORTAL_{name}": "3"})
    dotted = "statportal." + name.lower().replace("_", ".", 1)
    assert result[dotted] == "3"
    assert "statportal." + name.lower() not in result


def test_the_presumed_categories_from_the_environment_narrow_the_presumption(tmp_path,
                                                                             monkeypatch):
    from statportal.confidentiality.checks import DisclosureSettings
    from statportal.testing import close_app, make_app, make_settings

    monkeypatch.setenv("STATPORTAL_DISCLOSURE_PRESUMED_CATEGORIES", "bulletin")
    app = make_app(make_settings(tmp_path))
    try:
        settings = DisclosureSettings.from_settings(app.registry.settings)
        assert settings.presumed_categories == frozenset({"bulletin"})
    finally:
        close_app(app)


@pytest.mark.parametrize("setting, said", [
    ("statportal.disclosure.presumed_categories = bulletin rumour",
     "statportal.disclosure.presumed_categories: unknown categories ['rumour']"),
    ("statportal.upload_keep_minutes = 0",
     "The setting 'statportal.upload_keep_minutes' must be at least 1."),
])
@pytest.mark.parametrize("command", [["init"], ["worker", "--once"]])
def test_a_wrong_setting_is_one_line_and_exit_2(tmp_path, capsys, setting, said, command):
    """Issue 15's settings stop a command with the message, not a traceback."""
    from statportal.scripts.cli import main
    from statportal.testing import TEST_SECRET

    ini = tmp_path / "test.ini"
    ini.write_text(f"[app:main]\nuse = egg:statportal\n"
                   f"zodbconn.uri = file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/b\n"
                   f"statportal.secret = {TEST_SECRET}\n{setting}\n")
    assert main([command[0], str(ini), *command[1:]]) == 2
    err = capsys.readouterr().err
    assert err == f"statportal: error: {ini}: {said}\n"
