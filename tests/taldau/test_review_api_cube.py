"""Review 2 of the cube (finding 13): concurrent readers of a cold indicator build its
cube once."""

import threading
import time

import numpy as np

from statportal.content.paths import find_by_path
from statportal.testing import open_portal
from tests.helpers.taldau import WAGES


def test_concurrent_readers_build_one_cube(taldau, app, monkeypatch):
    from statportal.taldau import cube as cube_mod

    builds = []
    real = cube_mod.apply_vintages

    def slow(*args, **kw):
        builds.append(1)
        time.sleep(0.3)  # long enough for every reader to arrive during the build
        return real(*args, **kw)

    monkeypatch.setattr(cube_mod, "apply_vintages", slow)
    cube_mod.get_cube_cache(app.registry).clear()
    found, errors = [], []

    def read():
        try:
            with open_portal(app) as portal:
                cube = cube_mod.cube_of(app.registry, find_by_path(portal, WAGES))
                found.append((cube.vintages, float(np.nansum(cube.values))))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not errors
    assert len(found) == 6 and len(set(found)) == 1
    assert len(builds) == 1


def test_a_failed_build_lets_the_waiters_build():
    from statportal.taldau.cube import CubeCache

    cache, started, calls = CubeCache(4), threading.Event(), []

    def failing():
        calls.append("fail")
        started.set()
        time.sleep(0.2)
        raise RuntimeError("blob unreadable")

    outcome = []

    def first():
        try:
            cache.get_or_build("k", failing)
        except RuntimeError:
            outcome.append("raised")

    thread = threading.Thread(target=first)
    thread.start()
    started.wait(5)
    second = cache.get_or_build("k", lambda: calls.append("ok") or "cube")
    thread.join(5)
    assert outcome == ["raised"] and second == "cube" and calls == ["fail", "ok"]
    assert cache.get_or_build("k", lambda: "other") == "cube"  # kept once built
