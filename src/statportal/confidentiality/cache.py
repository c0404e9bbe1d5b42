"""The confidentiality check's cache: bases read, tables read and audits, by content.

One per registry (the ``IDisclosureCache`` utility), so two applications in one process
(tests, an integrator's second app) never share what they computed; bounded (least
recently used first out), because a basis of 100,000 cells is large. Keys carry the
files' digests (kept when a file is stored) and the settings, so nothing in it goes
stale; a lock guards the cache, not the computation.
"""

import threading
from collections import OrderedDict

from statportal.directives import utility
from statportal.interfaces import IDisclosureCache

SIZE = 64


class DisclosureCache:
    def __init__(self, size=SIZE):
        self.size = size
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, compute):
        """The value under ``key``, computed (outside the lock) when it is not there."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = compute()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self):
        with self._lock:
            self._entries.clear()

    def __len__(self):
        return len(self._entries)


def disclosure_cache(registry):
    """The registry's cache (made the first time it is asked for)."""
    return utility(registry, IDisclosureCache, DisclosureCache)
