"""The one batch helper: ``b_start`` and ``b_size`` read from a query, and one page's
numbers for the pages (``templates/batching.pt``) and the JSON API (``batching`` links,
plone.restapi's shape).

``read_batch(request)`` reads the two numbers (``statportal.batch_size`` by default, at
most ``statportal.batch_max``; ``statportal.api.content.batch_params`` gives the API's
error for a bad one); ``Batch(start, size, total, shown)`` says what the page
shows: items ``first``–``last`` of ``total``, the ``prev`` and ``next`` starts (None at an
end), the ``last_start`` of the final page.
"""

from dataclasses import dataclass


def read_batch(request, default_size=None):
    """``(b_start, b_size)`` from the query; ``NumberError`` naming the bad one."""
    from statportal.numbers import read_int
    from statportal.settings import as_int

    settings = request.registry.settings
    default = default_size or as_int(settings, "statportal.batch_size")
    maximum = as_int(settings, "statportal.batch_max")
    return (read_int(request.GET, "b_start", 0, low=0),
            read_int(request.GET, "b_size", default, low=1, high=maximum))


@dataclass(frozen=True)
class Batch:
    start: int
    size: int
    total: int
    shown: int | None = None  # items on this page; None: as many as the total allows

    @property
    def count(self):
        if self.shown is not None:
            return self.shown
        return max(0, min(self.size, self.total - self.start))

    @property
    def first(self):
        return self.start + 1 if self.count else 0

    @property
    def last(self):
        return self.start + self.count

    @property
    def prev(self):
        return max(0, self.start - self.size) if self.start > 0 else None

    @property
    def next(self):
        return self.start + self.size if self.start + self.size < self.total else None

    @property
    def last_start(self):
        return ((self.total - 1) // self.size) * self.size if self.total else 0

    def slice(self, sequence):
        return sequence[self.start:self.start + self.size]

    def page(self, query=""):
        """The dict ``batching.pt`` shows (``query``: the listing's other parameters)."""
        return {"total": self.total, "b_start": self.start, "b_size": self.size,
                "first": self.first, "last": self.last, "prev": self.prev,
                "next": self.next, "query": query}

    def links(self, base):
        """The JSON API's ``batching`` links, or None when everything fits one page."""
        if self.total <= self.size:
            return None

        def link(start):
            return f"{base}?b_start={start}&b_size={self.size}"

        return {"@id": link(self.start), "first": link(0), "last": link(self.last_start),
                **({"prev": link(self.prev)} if self.prev is not None else {}),
                **({"next": link(self.next)} if self.next is not None else {})}
