"""Events of materials that other features subscribe to (they are not imported here)."""


class TookRequest:
    """``material`` took what the placement request ``request_obj`` brings: a new material
    made from it, or a Replace's new version, at Place or at its release. ``actor`` places
    or releases it; ``request`` is the web request, or None (the worker). Subscribers copy
    what their feature keeps on both (confidentiality: the declaration)."""

    def __init__(self, material, request_obj, actor=None, request=None):
        self.material = material
        self.request_obj = request_obj
        self.actor = actor
        self.request = request
