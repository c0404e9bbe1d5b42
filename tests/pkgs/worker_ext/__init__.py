"""An add-on with a worker task (tests/worker, tests/app): each run stamps the portal and
says so in the pass's result; ``worker_ext.fail = true`` makes it fail."""

from pyramid.settings import asbool


def stamp(request, now):
    """Writes when it last ran on the portal."""
    from statportal.content.resources import get_portal

    if asbool(request.registry.settings.get("worker_ext.fail")):
        raise RuntimeError("worker_ext cannot stamp today")
    get_portal(request).worker_ext_stamped = now
    return {"stamped": 1}


def includeme(config):
    config.include("statportal.worker")
    config.add_worker_task("stamp", "worker_ext.stamp")
