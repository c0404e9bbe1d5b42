"""A release with placements waiting for it; two workers racing."""

import threading
from datetime import UTC, datetime

from statportal.releases.worker import run_pass

# Tuesday 1 December 2026, 09:00 in Almaty; the release is on Monday 14th at 10:00.
RELEASE = datetime(2026, 12, 14, 5, 0, tzinfo=UTC)


def race_two_passes(app, module, name):
    """Two worker passes at once, each holding after ``module.name`` until the other has
    done it too, so both commit the same change: returns their results."""
    barrier = threading.Barrier(2)
    original = getattr(module, name)

    def held(*args, **kw):
        value = original(*args, **kw)
        try:
            barrier.wait(timeout=5)   # both did it in their transaction; now both commit
        except threading.BrokenBarrierError:
            pass
        return value

    results = []
    setattr(module, name, held)
    try:
        threads = [threading.Thread(target=lambda: results.append(run_pass(app.registry)))
                   for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        setattr(module, name, original)
    return results
