"""Numbers without gaps per year (``2026-000123``) for requests and questions."""

from BTrees.OOBTree import OOBTree
from persistent import Persistent


class YearCounter(Persistent):
    """The last number given in a year. Two numberings at once both write it, one
    conflicts and is retried: numbers stay unique and without gaps."""

    def __init__(self):
        self.value = 0


class YearNumbering:
    """A folder mixin: ``next_number(year)``."""

    _counters = None

    def next_number(self, year):
        counters = self._counters
        if counters is None:
            counters = self._counters = OOBTree()
        counter = counters.get(year)
        if counter is None:
            counter = counters[year] = YearCounter()
        counter.value += 1
        return f"{year}-{counter.value:06d}"
