"""The add_body_limit directive refuses what it would misread."""

import pytest


class TestAddBodyLimit:
    def _config(self):
        from pyramid.config import Configurator

        config = Configurator(settings={})
        config.include("statportal.security.bodylimit")
        return config

    @pytest.mark.parametrize("kw", [
        {"paths": "/questions", "max_bytes": 10},             # a string: its letters
        {"paths": ("/questions",), "max_bytes": 10, "methods": "POST"},
        {"paths": (), "max_bytes": 10},
        {"paths": ("/questions",), "max_bytes": "10"},
        {"paths": ("/questions",), "max_bytes": -1},
    ])
    def test_what_it_would_misread_is_a_configuration_error(self, kw):
        from pyramid.exceptions import ConfigurationError

        config = self._config()
        with pytest.raises(ConfigurationError, match="add_body_limit 'x'"):
            config.add_body_limit("x", **kw)

    def test_a_limit_is_registered_with_its_introspectable(self):
        from statportal.security.bodylimit import get_body_limits

        config = self._config()
        config.add_body_limit("x", paths=("/questions",), max_bytes=10, methods=("post",))
        config.commit()
        limits = get_body_limits(config.registry)
        assert limits.refusing("POST", "/questions", 11).name == "x"
        assert limits.refusing("POST", "/questions", 10) is None
        intr = config.registry.introspector.get("statportal body limits", "x")
        assert intr["paths"] == ("/questions",) and intr["max_bytes"] == 10

    def test_a_double_star_stands_for_one_or_more_segments(self):
        from statportal.security.bodylimit import get_body_limits

        config = self._config()
        config.add_body_limit("deep", paths=("/data/**/@import", "/data/**/@@import"),
                              max_bytes=10)
        config.commit()
        limits = get_body_limits(config.registry)
        for path in ("/data/gdp/@import", "/data/topic/sub/gdp/@import",
                     "/data/gdp/@@import", "/data/t/gdp/import", "/++api++/data/gdp/@import"):
            assert limits.refusing("POST", path, 11).name == "deep", path
            assert limits.refusing("POST", path, 10) is None, path
        for path in ("/data/@import", "/data/gdp", "/data/gdp/@data", "/other/gdp/@import",
                     "/data/gdp/@import/more"):
            assert limits.refusing("POST", path, 11) is None, path
