"""Review 2, finding 3: the core's generic JSON and listings of an indicator (the type's
``serializer`` and ``visible`` hooks): the executor's e-mail only for the staff and those
who answer for it; an indicator whose data all wait for a release does not exist for the
public (404, left out of folder items, the topic page, the navigation and the sitemap)."""

import numpy as np

from tests.helpers.placement import as_user
from tests.helpers.taldau import REGIONS, dimension, make_indicator

REGION = dimension("region", ("Өңір", "Регион", "Region"), REGIONS[:2])
EMAIL = "labour@stat.example.kz"


def test_the_public_never_receives_the_executors_email(taldau):
    as_user(taldau, None)
    for url in ("/++api++/data/labour/wages", "/++api++/data/labour/wages?fullobjects=1",
                "/++api++/data/labour", "/++api++/data"):
        response = taldau.get(url)
        assert EMAIL not in response.text, url
    assert "executor_email" not in taldau.get("/++api++/data/labour/wages").json


def test_the_staff_and_its_editors_receive_it(taldau):
    for login in ("dana", "admin"):
        as_user(taldau, login)
        assert taldau.get("/++api++/data/labour/wages").json["executor_email"] == EMAIL


def _embargoed_only(app):
    make_indicator(app, "/data/births", dimensions=[REGION], values=np.array([[7.0], [8.0]]),
                   periods=[2025], embargoed=True,
                   title={"kk": "Туу", "ru": "Рождения", "en": "Births secret title"})


def test_an_indicator_with_nothing_public_does_not_exist_for_the_public(app, testapp, demo,
                                                                        frozen):
    _embargoed_only(app)
    as_user(testapp, None)
    body = testapp.get("/++api++/data/births", status=404).json
    assert body["message"]
    testapp.get("/++api++/data/births/@types", status=404)
    testapp.put_json("/++api++/data/births", {}, status=404)  # not a 405 telling it exists
    listed = testapp.get("/++api++/data").json
    assert "births" not in [item["id"] for item in listed["items"]]
    assert "Births secret title" not in testapp.get("/data", headers={"Accept": "text/html"}).text
    assert "/data/births" not in testapp.get("/sitemap.xml").text
    as_user(testapp, "dana")  # the office's staff see it, listed and read
    assert testapp.get("/++api++/data/births").json["id"] == "births"
    assert "births" in [item["id"] for item in testapp.get("/++api++/data").json["items"]]


def test_folder_contents_leave_it_out_for_whoever_may_not_see_it(app, testapp, demo, frozen):
    from pyramid.testing import DummyRequest

    from statportal.content.listing import may_view, visible
    from statportal.content.paths import find_by_path
    from statportal.testing import open_portal

    _embargoed_only(app)
    with open_portal(app) as portal:
        root = find_by_path(portal, "/data")
        request = DummyRequest(registry=app.registry)
        request.has_permission = lambda permission, context=None: permission == "view"
        assert not may_view(request, root["births"])
        assert "births" not in [name for name, _child in visible(request, root)]
        request.has_permission = lambda permission, context=None: True  # the staff
        assert may_view(request, root["births"])


def test_its_first_public_vintage_lists_it_at_once(app, testapp, demo, frozen):
    """The anonymous pages keep their tree-derived parts per tree serial: a vintage (no
    content event) bumps it, so the topic page lists the indicator as soon as it is public."""
    from statportal.content.paths import find_by_path
    from statportal.taldau.store import add_vintage
    from statportal.testing import open_portal
    from tests.helpers.clock import NOW
    from tests.helpers.taldau import columns_for

    _embargoed_only(app)
    as_user(testapp, None)
    html = {"Accept": "text/html"}
    assert "Births secret title" not in testapp.get("/data", headers=html).text
    with open_portal(app) as portal:
        indicator = find_by_path(portal, "/data/births")
        add_vintage(indicator, columns_for(indicator, np.array([[1.0], [2.0]]), [2024]),
                    filename="births.csv", actor="aigerim", now=NOW, embargoed=False)
    assert "Births secret title" in testapp.get("/data", headers=html).text
    assert "births" in [item["id"] for item in testapp.get("/++api++/data").json["items"]]
