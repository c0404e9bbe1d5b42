import pytest
from pyramid.exceptions import ConfigurationError


class TestEnvName:
    def _callFUT(self, name):
        from statportal.settings import env_name

        return env_name(name)

    def test_dots_and_dashes(self):
        assert self._callFUT("zodbconn.uri") == "STATPORTAL_ZODBCONN_URI"
        assert self._callFUT("retry.attempts") == "STATPORTAL_RETRY_ATTEMPTS"
        assert self._callFUT("statportal.cookie-secure") == "STATPORTAL_STATPORTAL_COOKIE_SECURE"


class TestApplyEnvironment:
    def _callFUT(self, settings, environ):
        from statportal.settings import apply_environment

        return apply_environment(settings, environ)

    def test_defaults_filled(self):
        result = self._callFUT({}, {})
        assert result["retry.attempts"] == "10"
        assert result["statportal.default_locale"] == "kk"

    def test_environment_overrides_ini(self):
        result = self._callFUT({"zodbconn.uri": "file:///a"},
                               {"STATPORTAL_ZODBCONN_URI": "zeo://b", "OTHER": "x"})
        assert result["zodbconn.uri"] == "zeo://b"
        assert "OTHER" not in result

    def test_known_setting_without_value(self):
        result = self._callFUT({}, {"STATPORTAL_ZODBCONN_URI": "memory://"})
        assert result["zodbconn.uri"] == "memory://"

    def test_short_form_for_statportal_settings(self):
        result = self._callFUT({}, {"STATPORTAL_SECRET": "s", "STATPORTAL_BATCH_SIZE": "50"})
        assert result["statportal.secret"] == "s"
        assert result["statportal.batch_size"] == "50"

    def test_short_form_of_a_dotted_statportal_setting(self):
        result = self._callFUT({}, {"STATPORTAL_WORKER_IN_PROCESS": "false",
                                    "STATPORTAL_STATPORTAL_WORKER_INTERVAL_SECONDS": "5"})
        assert result["statportal.worker.in_process"] == "false"
        assert result["statportal.worker.interval_seconds"] == "5"
        assert "statportal.worker_in_process" not in result


def test_main_reads_environment(tmp_path, monkeypatch):
    from statportal.testing import close_app, make_app, make_settings

    settings = make_settings(tmp_path)
    monkeypatch.setenv("STATPORTAL_ZODBCONN_URI",
                       f"file://{tmp_path}/Other.fs?blobstorage_dir={tmp_path}/b2")
    app = make_app(settings)
    try:
        assert (tmp_path / "Other.fs").exists()
        assert not (tmp_path / "Data.fs").exists()
    finally:
        close_app(app)


def test_secret_is_required(tmp_path):
    from statportal.testing import make_app, make_settings

    settings = make_settings(tmp_path)
    del settings["statportal.secret"]
    with pytest.raises(ConfigurationError, match="statportal.secret"):
        make_app(settings)


def test_require_and_as_int():
    from statportal.settings import as_int, as_list, require

    with pytest.raises(ConfigurationError, match="STATPORTAL_X"):
        require({}, "x")
    with pytest.raises(ConfigurationError, match="integer"):
        as_int({"n": "ten"}, "n")
    assert as_list({"l": "a, b\n c"}, "l") == ["a", "b", "c"]
