"""The public's pace on the data API: past ``statportal.data.requests_per_minute`` from one
address, 429 with ``Retry-After`` and the JSON error; other addresses and the staff go on;
the allowance comes back when the minute has passed."""

import pytest
from webtest import TestApp

from statportal.testing import DEMO_PASSWORD, close_app, make_app, make_settings, open_portal
from tests.helpers.placement import as_user
from tests.helpers.taldau import REGIONS, dimension, make_indicator


@pytest.fixture
def limited(tmp_path):
    from statportal.demo import add_demo_content

    app = make_app(make_settings(tmp_path, **{"statportal.data.requests_per_minute": "3"}))
    with open_portal(app) as portal:
        add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                         materials=False)
    make_indicator(app, "data/population", values=[[1.0]] * 4, periods=(2025,),
                   dimensions=[dimension("region", ("Өңір", "Регион", "Region"), REGIONS)])
    yield app
    close_app(app)


def client(app, address):
    return TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en", "REMOTE_ADDR": address})


def test_too_many_requests_from_one_address(limited):
    from statportal.taldau.limits import get_limits

    clock = [1000.0]
    get_limits(limited.registry).by_address.clock = lambda: clock[0]
    api = client(limited, "192.0.2.7")
    for url in ("/data/@tables", "/data/population/@metadata", "/data/population/@data"):
        api.get(url, status=200)  # the three share one allowance
    refused = api.get("/data/population/@data", status=429)
    assert refused.content_type == "application/json"
    assert refused.json["errors"][0]["type"] == "throttled"
    assert "3" in refused.json["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    api.post_json("/data/population/@data", {}, status=429)
    client(limited, "192.0.2.8").get("/data/@tables", status=200)  # another address
    as_user(api, "dana")  # the office's staff are not limited
    for _n in range(5):
        api.get("/data/population/@data", status=200)
    as_user(api, None)
    clock[0] += 61
    api.get("/data/population/@data", status=200)
