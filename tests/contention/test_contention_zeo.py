"""No 500 under contention across processes: two web applications (each its own
waitress server, its own ZODB.DB, its own numbering turn: as two processes) on one ZEO
server, a dozen editors registering through both (each editor's requests alternate
between the two; a request's own steps stay on the process that made it)."""

import pytest

from statportal.storage_servers import zeo_server
from statportal.testing import make_settings, open_portal
from tests.contention.clients import run_clients, serve
from tests.helpers.placement import payload

pytestmark = pytest.mark.storage


def test_a_dozen_editors_on_two_web_processes_on_zeo(tmp_path):
    with zeo_server(tmp_path / "zeo") as zeo:
        webs, stops = [], []
        try:
            for n in (1, 2):
                settings = make_settings(tmp_path / f"web{n}", **{
                    "zodbconn.uri": zeo.uri(), "statportal.retry_pause_ms": "20"})
                web, stop = serve(settings, threads=6, demo=n == 1)
                webs.append(web)
                stops.append(stop)
            registered = []

            def editor(i):
                for n in range(2):
                    web = webs[(i + n) % 2]
                    answer = web.call("aigerim", "POST", "/++api++/requests", payload(),
                                      retry_busy=2)
                    if answer.status != 201:
                        continue
                    path = answer.json["@id"].removeprefix(web.url)
                    # A request's steps on the process that made it (a ZEO client learns
                    # of another's commit a moment later: docs/operations.md).
                    for login, name in (("aigerim", "submit"), ("marat", "approve"),
                                        ("dana", "register")):
                        if web.call(login, "POST", f"{path}/@workflow/{name}", {},
                                    retry_busy=2).status != 200:
                            break
                    else:
                        registered.append(path.rsplit("/", 1)[-1])

            assert run_clients(editor, 12) == []
            for web in webs:
                assert not [key for key in web.server_errors() if key[2] != 503], \
                    web.statuses
            assert len(registered) >= 20, [web.statuses for web in webs]
            created = sum(web.statuses["POST", "requests", 201] for web in webs)
            with open_portal(webs[0].app) as portal:
                requests = portal["requests"]
                assert len(requests) == created
                numbers = sorted(int(r.number[5:]) for r in requests.values() if r.number)
                assert all(requests[name].number for name in registered)
            assert numbers == list(range(1, len(numbers) + 1))
            assert len(numbers) == len(registered)
        finally:
            for stop in stops:
                stop()
