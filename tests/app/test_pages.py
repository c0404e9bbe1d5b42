"""The HTML pages: the home lists only viewable sections, errors are pages, caches key on the
language and keep private pages private, the languages offered are a setting, and the
language switch returns only to a clean local address."""

from statportal.testing import login_html, open_portal

HTML = {"Accept": "text/html"}


def test_home_lists_only_viewable_sections(app, testapp, demo):
    from statportal.security.permissions import VIEW

    with open_portal(app) as portal:
        portal["bulletins"].__acl__ = [("Deny", "system.Everyone", VIEW)]
    page = testapp.get("/", headers=HTML)
    assert "Bulletins" not in page.text
    assert "bulletins" not in [i["id"] for i in testapp.get("/++api++/").json["items"]]


def test_html_errors_are_pages(testapp, demo):
    login_html(testapp, "admin")
    page = testapp.get("/official-statistics/@@add?type=Bogus",
                       headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
                       status=400)
    assert page.content_type == "text/html"
    assert "Unknown type Bogus." in page.text


def test_came_from_with_control_characters(testapp, demo):
    response = testapp.get("/@@set-language?lang=ru&came_from=/%0d%0aX:1")
    assert response.headers["Location"] == "http://localhost/"


def test_caches_key_on_language_and_keep_private_pages_private(testapp, demo):
    public = testapp.get("/official-statistics/", headers=HTML)
    assert {"Accept", "Accept-Language", "Cookie"} <= set(public.headers["Vary"].split(", "))
    assert "private" not in public.headers.get("Cache-Control", "")
    login_html(testapp, "dana")
    private = testapp.get("/official-statistics/", headers=HTML)
    assert "private" in private.headers["Cache-Control"]


def test_available_languages_setting(tmp_path):
    from webtest import TestApp

    from statportal.testing import close_app, make_app, make_settings

    app = make_app(make_settings(tmp_path, **{"statportal.available_languages": "kk ru"}))
    try:
        client = TestApp(app)
        page = client.get("/", headers={"Accept": "text/html", "Accept-Language": "en"})
        assert '<html lang="kk"' in page.text and "English" not in page.text
        client.set_cookie("_LOCALE_", "k")
        assert '<html lang="kk"' in client.get("/", headers=HTML).text
    finally:
        close_app(app)
