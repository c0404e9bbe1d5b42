"""Two editors add to one folder at the same moment: both succeed, and without a retry since
issue 19 (an ordered folder's new positions are distinct keys, which BTrees merge; before,
both took the last position + 1 and one always conflicted)."""

import threading

from pyramid.threadlocal import get_current_request
from pyramid_retry import IBeforeRetry
from webtest import TestApp

from statportal.content.events import ObjectAdded
from statportal.testing import basic_auth, open_portal


def test_concurrent_adds_to_one_folder_both_succeed(app, demo):
    barrier = threading.Barrier(2, timeout=10)
    retries = []

    def hold_first_attempts(event):
        # Both requests have added their section and wait here, so both commit
        # against the same starting state: their changes must merge.
        if get_current_request().environ.get("retry.attempt") == 0:
            barrier.wait()

    app.registry.registerHandler(hold_first_attempts, (ObjectAdded,))
    app.registry.registerHandler(lambda event: retries.append(event), (IBeforeRetry,))

    results = {}

    def add(name):
        client = TestApp(app, extra_environ={"REMOTE_ADDR": "127.0.0.1"})
        client.authorization = basic_auth("admin")
        response = client.post_json("/++api++/official-statistics/economy", {
            "@type": "Section", "id": name, "title": {"en": name}}, status="*")
        results[name] = response.status_int

    threads = [threading.Thread(target=add, args=(name,)) for name in ("energy", "tourism")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert results == {"energy": 201, "tourism": 201}
    assert retries == [], "two adds to one folder should merge, not conflict"
    with open_portal(app) as portal:
        economy = portal["official-statistics"]["economy"]
        names = list(economy.keys())
        assert len(economy) == 8
    assert names[:6] == ["national-accounts", "industry", "agriculture", "prices", "trade",
                         "construction"]
    assert sorted(names[6:]) == ["energy", "tourism"]
