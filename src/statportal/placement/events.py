"""Events of Place that other features subscribe to (placement imports none of them).

``Placing`` is sent before Place makes or changes the material: a feature that holds
placements back until a time (the release calendar's embargo) says so by ``hold``.
``Placed`` is sent once the material is placed (or, held back, waits): that feature
keeps its record of it (the release's bundle)."""


class Placing:
    """Place of ``request_obj`` is about to happen at ``now``; ``held_by`` (set by
    ``hold``) is what it waits for, ``why`` the history's words for it."""

    def __init__(self, request, request_obj, now):
        self.request = request
        self.request_obj = request_obj
        self.now = now
        self.held_by = None
        self.why = ""

    def hold(self, holder, why):
        self.held_by, self.why = holder, why


class Placed:
    """``material`` was placed for ``request_obj`` (``placing``: the ``Placing`` event
    it was decided with; ``placing.held_by`` set: it waits)."""

    def __init__(self, request, request_obj, material, placing):
        self.request = request
        self.request_obj = request_obj
        self.material = material
        self.placing = placing
        self.now = placing.now
