"""The daily digest: at ``statportal.subscriptions.digest_time`` (``HH:MM``, default
08:00) in ``statportal.timezone``, the worker task ``subscriptions_digest`` sends each
confirmed daily subscriber the releases published since the last digest that match its
interests (section or ancestor, category). Subscribers with the same language and the
same items share one bulk mailing. Nothing is sent to a subscriber with no such item."""

from datetime import datetime, time, timedelta

from statportal.i18n import timezone

DEFAULT_TIME = time(8, 0)


def digest_time(registry):
    value = (registry.settings or {}).get("statportal.subscriptions.digest_time") or ""
    try:
        hours, minutes = (int(part) for part in str(value).split(":"))
        return time(hours, minutes)
    except ValueError:
        return DEFAULT_TIME


def last_moment(registry, now):
    """The latest digest moment at or before ``now`` (UTC)."""
    zone = timezone(registry)
    local = now.astimezone(zone)
    moment = datetime.combine(local.date(), digest_time(registry), zone)
    if moment > local:
        moment = datetime.combine(local.date() - timedelta(days=1), digest_time(registry),
                                  zone)
    return moment.astimezone(now.tzinfo)


def digest_due(registry, now):
    """The next digest moment after ``now``."""
    return last_moment(registry, now + timedelta(days=1))


def _matches(subscriber, item):
    section = item["section"] or ""
    if item.get("indicator"):  # new figures of an indicator (``DataPublished``)
        return item["indicator"] in subscriber.indicators
    return (item["category"] in subscriber.categories
            or any(section == path or section.startswith(path.rstrip("/") + "/")
                   for path in subscriber.sections))


def digest_task(request, now):
    """The worker's task: the digest of the releases since the last one, once per day's
    moment; returns ``{"digests": mailings queued}``."""
    from statportal.content.resources import get_portal
    from statportal.subscriptions.announce import get_record
    from statportal.subscriptions.compose import digest_parts, portal_url, queue_to_subscribers
    from statportal.subscriptions.resources import get_store

    portal = get_portal(request)
    record = get_record(portal)
    moment = last_moment(request.registry, now)
    if record is None or record.digests.get("last") == moment:
        return {"digests": 0}
    since = record.digests.get("last")
    record.digests["last"] = moment
    window = list(record.published.items(min=(since, "") if since else None,
                                         max=(moment, "\uffff"), excludemin=False))
    # an item once (an indicator's two vintages made public the same day: one entry)
    items = list({item["uid"]: item for (at, _uid), item in window
                  if since is None or at > since}.values())
    store = get_store(portal)
    if not items or store is None:
        return {"digests": 0}
    groups = {}
    for subscriber in store.by_id.values():
        if subscriber.confirmed is None or subscriber.frequency != "daily":
            continue
        mine = tuple(item["uid"] for item in items if _matches(subscriber, item))
        if mine:
            groups.setdefault((subscriber.language, mine), []).append(subscriber)
    by_uid = {item["uid"]: item for item in items}
    day = moment.astimezone(timezone(request.registry)).strftime("%d.%m.%Y")
    sent = 0
    for (_language, uids), subscribers in groups.items():
        parts = digest_parts(request.registry, [by_uid[uid] for uid in uids],
                             portal_url(request), day)
        queue_to_subscribers(request, "digest", parts, [s.id for s in subscribers],
                             frequency="daily")
        sent += 1
    return {"digests": sent}


def includeme(config):
    config.add_worker_task("subscriptions_digest", digest_task, due=digest_due, order=30)
