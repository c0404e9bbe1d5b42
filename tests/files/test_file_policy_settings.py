"""The file policy settings reach the uploads; a bad one stops the start."""

from statportal.testing import basic_auth, open_portal
from tests.helpers.placement import REQUESTS, payload


def test_file_policy_settings_reach_uploads(tmp_path):
    """statportal.file_formats = methodology: the twelve formats of art. 5 only."""
    from webtest import TestApp

    from statportal.demo import add_demo_content
    from statportal.testing import DEMO_PASSWORD, close_app, make_app, make_settings

    app = make_app(make_settings(tmp_path, **{"statportal.file_formats": "methodology"}))
    try:
        with open_portal(app) as portal:
            add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                             materials=False)
        client = TestApp(app, extra_environ={"REMOTE_ADDR": "127.0.0.1",
                                             "HTTP_ACCEPT_LANGUAGE": "en"})
        client.authorization = basic_auth("aigerim")
        response = client.post_json(REQUESTS, payload(), status=400)  # payload sends .xlsx
        assert ".xlsx files are not accepted" in response.json["errors"][0]["message"]
    finally:
        close_app(app)


def test_bad_file_policy_setting_stops_start_up(tmp_path):
    import pytest
    from pyramid.exceptions import ConfigurationError

    from statportal.testing import make_app, make_settings

    with pytest.raises(ConfigurationError, match="unknown formats"):
        make_app(make_settings(tmp_path, **{"statportal.file_formats": "xlsx exe"}))
