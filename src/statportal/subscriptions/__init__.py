"""E-mail subscriptions (issue 21): an address subscribes to sections (with their
sub-sections), categories, Taldau indicators or the release calendar, in kk, ru or en,
immediately or as a daily digest, confirmed by a link (double opt-in) and left with one
click.

``resources`` (the store and its indexes), ``tokens`` (signed links), ``addresses``
(what an address may be), ``choices`` (the sections, categories and indicators one may
choose), ``schemas`` (one schema for the form and the JSON), ``limits`` (per client
address and per e-mail), ``messages`` (the confirmation mail), ``service`` (a request to
subscribe), ``api`` and ``views`` (thin), ``openapi``.
"""


def includeme(config):
    from statportal.subscriptions.limits import ISubscriptionLimits, SubscriptionLimits

    config.registry.registerUtility(
        SubscriptionLimits.from_settings(config.registry.settings), ISubscriptionLimits)
    # a choice of every section and indicator is a few KB: nothing larger is read
    config.include("statportal.security.bodylimit")
    pages = ("/subscriptions", "/subscriptions/confirm", "/subscriptions/unsubscribe",
             "/subscriptions/manage", "/@subscriptions", "/@subscriptions/confirm")
    config.add_body_limit("subscriptions", paths=pages, max_bytes=64 * 1024,
                          signed_in_max_bytes=64 * 1024)
    config.scan("statportal.subscriptions.api")
    config.scan("statportal.subscriptions.views")
    config.scan("statportal.subscriptions.privacy_views")  # export, erase (part D)
    config.include("statportal.subscriptions.openapi")
    config.include("statportal.worker")  # add_worker_task
    config.add_worker_task("subscriptions_unconfirmed", purge_task, interval=3600)
    # release mail and the daily digest (part B)
    config.include("statportal.subscriptions.announce")


def purge_task(request, now):
    """The worker's hourly task: the addresses whose confirmation link has expired unused
    are removed (``resources.purge_unconfirmed``)."""
    from datetime import timedelta

    from statportal.content.resources import get_portal
    from statportal.subscriptions.resources import purge_unconfirmed
    from statportal.subscriptions.service import confirm_hours

    hours = confirm_hours(request.registry.settings)
    return {"unconfirmed_removed": purge_unconfirmed(get_portal(request),
                                                     now - timedelta(hours=hours))}
