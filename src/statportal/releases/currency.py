"""Currency monitoring (art. 10, 14, 15): what is missing or outdated on the portal.

The worker's pass (``scan``) finds

- *missing*: a release of the calendar past its time with nothing published for it
  (catalog ``open_due``), and
- *outdated*: a published material past its next-update date (material catalog
  ``next_update``),

and records each once as a :class:`Finding` in the portal's ``__currency_findings__``
(key ``missing:<entry uid>:<due timestamp>`` or
``outdated:<material's catalog docid>:<date ordinal>``; two workers making the same
finding insert the same key, and one of them conflicts).
A pass reads keys from the catalogs' indexes and loads only what is new or due: the open
findings that still hold are not loaded, and the notices waiting for their deadline are
kept by deadline (``__currency_deadlines__``). The coordinator sends
the responsible executor a written notice (one click, or at once with the setting
``statportal.currency.auto_notice``): an e-mail with the deadline of one working day
(``WorkCalendar``), recorded on the finding. A placement request registered for the
release or the material resolves it; so does the release going out or the material
being updated. A notice not answered by its deadline is escalated to the unit's heads.
"""

from dataclasses import dataclass
from datetime import UTC, date

from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent

from statportal.content.paths import find_by_path, path_of
from statportal.i18n import LANGUAGES, _
from statportal.interfaces import ICurrencyWatches

FINDINGS_KEY = "__currency_findings__"
OPEN_KEY = "__currency_open__"
DEADLINES_KEY = "__currency_deadlines__"

# The notices go to staff in each reader's own language (``_mail``: ``queue_staff_mail``).
SUBJECTS = {
    "notice": _("Notice: information on the portal is not current"),
    "escalation": _("A currency notice was not answered in time"),
}
BODIES = {
    "missing": _("“${title}” was due on ${when} and has not been published on the portal."),
    "outdated": _("“${title}” was due to be updated on ${when}."),
    "deadline": _("Send a placement request by ${deadline}.\n${url}"),
    "escalation": _("The notice sent to the executor on ${sent} was not answered by "
                    "${deadline}."),
}


class Finding(Persistent):
    notice = None          # {"sent_at", "by", "to", "deadline"}
    escalated_at = None
    escalated_to = ()
    resolved_at = None
    resolved_by = None

    def __init__(self, key, kind, target, title, unit, executor_email, since, found_at):
        self.key, self.kind, self.target = key, kind, target
        self.title, self.unit, self.executor_email = dict(title), unit, executor_email
        self.since, self.found_at = since, found_at

    @property
    def is_open(self):
        return self.resolved_at is None

    def as_json(self):
        def iso(value):
            return value.isoformat() if value is not None else None

        notice = dict(self.notice or {}) or None
        if notice:
            notice = {**notice, "sent_at": iso(notice["sent_at"]),
                      "deadline": iso(notice["deadline"])}
        return {"key": self.key, "kind": self.kind, "target": self.target,
                "title": dict(self.title), "unit": self.unit, "since": iso(self.since),
                "found_at": iso(self.found_at), "notice": notice,
                "escalated_at": iso(self.escalated_at), "resolved_at": iso(self.resolved_at),
                "resolved_by": self.resolved_by}


def _kept(portal, name, factory):
    """The portal's structure ``name``, made on first use."""
    value = getattr(portal, name, None)
    if value is None:
        value = factory()
        setattr(portal, name, value)
    return value


def findings(portal):
    """key -> :class:`Finding`, every finding ever made."""
    return _kept(portal, FINDINGS_KEY, OOBTree)


def open_keys(portal):
    return _kept(portal, OPEN_KEY, OOTreeSet)


def deadlines(portal):
    """``(deadline timestamp, key)`` of the notices not yet answered, soonest first."""
    return _kept(portal, DEADLINES_KEY, OOTreeSet)


def open_findings(portal):
    store = findings(portal)
    return [store[key] for key in open_keys(portal)]


@dataclass
class ScanResult:
    new: int = 0
    notices: int = 0
    escalations: int = 0
    resolved: int = 0


def _responsible(portal, entry):
    item = find_by_path(portal, entry.plan_item) if entry.plan_item else None
    if item is None:
        return "", ""
    return item.unit, item.executor_email


def _add(portal, finding, result):
    store = findings(portal)
    if finding.key in store:
        return None
    store[finding.key] = finding
    open_keys(portal).insert(finding.key)
    result.new += 1
    return finding


def resolve(portal, key, by, now):
    store = findings(portal)
    finding = store.get(key)
    if finding is None or finding.resolved_at is not None:
        return None
    finding.resolved_at, finding.resolved_by = now, by
    keys = open_keys(portal)
    if key in keys:
        keys.remove(key)
    if finding.notice is not None:
        waiting = deadlines(portal)
        entry = (finding.notice["deadline"].timestamp(), key)
        if entry in waiting:
            waiting.remove(entry)
    return finding


def scan(request, portal, now):
    """Record new findings, resolve the ones that no longer hold, send automatic notices
    and escalate overdue ones. Returns a :class:`ScanResult`."""
    from pyramid.settings import asbool

    from statportal.materials.catalog import get_catalog
    from statportal.releases.catalog import get_release_catalog
    from statportal.schedule.exceptions import calendar_of

    result = ScanResult()
    calendar = calendar_of(portal, request.registry.settings)
    store = findings(portal)
    holding = set()
    new = []
    for entry in get_release_catalog(portal).due(now):
        # Confirmed entries with placements waiting were released just before; a
        # provisional one past its period is missing whatever waits for it.
        if entry.status == "provisional" or (entry.status == "confirmed"
                                             and not entry.pending()):
            # The due time is in the key: moved and missed again, it is a new finding.
            key = f"missing:{entry.uid}:{int(entry.release.latest().timestamp())}"
            holding.add(key)
            if key in store:
                continue
            unit, email = _responsible(portal, entry)
            new.append(_add(portal, Finding(key, "missing", path_of(entry), entry.title, unit,
                                            email, entry.release.latest(), now), result))
    today = calendar.local(now).date()
    catalog = get_catalog(portal)
    for docid, ordinal in catalog.outdated_keys(today):
        key = f"outdated:{docid}:{ordinal}"
        holding.add(key)
        if key in store:
            continue
        material = catalog.objects[docid]
        since = calendar.at(date.fromordinal(ordinal), calendar.hours.opening).astimezone(UTC)
        new.append(_add(portal, Finding(key, "outdated", path_of(material), material.title,
                                        material.unit, material.executor_email, since, now),
                        result))
    for watch in watches_of(request.registry):  # other features' (the data service's)
        for key, kind, target, title, unit, email, since in watch(request, portal, now):
            holding.add(key)
            if key not in store:
                new.append(_add(portal, Finding(key, kind, target, title, unit, email,
                                                since, now), result))
    for key in [key for key in open_keys(portal) if key not in holding]:
        resolve(portal, key, "worker", now)   # released, placed, updated or withdrawn
        result.resolved += 1
    waiting = deadlines(portal)
    for entry in list(waiting.keys(max=(now.timestamp(), "\uffff"))):
        waiting.remove(entry)
        escalate(request, portal, store[entry[1]], now)
        result.escalations += 1
    if asbool(request.registry.settings.get("statportal.currency.auto_notice", False)):
        for finding in new:
            if finding.executor_email:
                send_notice(request, portal, finding, "worker", now)
                result.notices += 1
    return result


def add_currency_watch(config, name, watch):
    """``config.add_currency_watch(name, watch)``: the monitor also watches what another
    feature keeps current (the releases import no feature). ``watch(request, portal, now)``
    yields ``(key, kind, target path, title {lang: text}, unit, executor_email, since)``
    for each finding that holds now; a key no longer yielded is resolved."""
    from statportal.directives import check_name, utility
    from statportal.directives import resolve as resolved

    directive = "add_currency_watch"
    check_name(directive, name)
    watch = resolved(config, directive, name, watch, "the watch")
    registry = config.registry
    discriminator = ("statportal-currency-watch", name)
    intr = config.introspectable("statportal currency watches", discriminator, name,
                                 "statportal currency watch")
    intr["watch"] = watch
    config.action(discriminator, lambda: utility(registry, ICurrencyWatches, dict)
                  .__setitem__(name, watch), introspectables=(intr,))


def watches_of(registry):
    watches = registry.queryUtility(ICurrencyWatches) or {}
    return [watches[name] for name in sorted(watches)]


def _notice_body(request, finding, then, values, language):
    """The finding and ``then`` (what to do, or what was not done) in ``language`` (the
    recipient's), with the finding's title in that language."""
    from statportal.i18n import translate_for

    registry = request.registry
    return (translate_for(registry, BODIES[finding.kind], language, values) + "\n" +
            translate_for(registry, BODIES[then], language, values))


def send_notice(request, portal, finding, actor, now):
    """E-mail the responsible executor; the deadline is one working day (art. 15)."""
    from statportal.content.editing import EditError
    from statportal.i18n import _
    from statportal.schedule.exceptions import calendar_of

    if not finding.is_open:
        raise EditError(_("This finding is resolved."), None, status=409, type="conflict")
    if finding.notice is not None:
        raise EditError(_("The notice was already sent."), None, status=409, type="conflict")
    if not finding.executor_email:
        raise EditError(_("Nobody responsible is known: give the release a plan item with "
                          "an executor's e-mail."), "executor_email", status=409,
                        type="no_address")
    calendar = calendar_of(portal, request.registry.settings)
    deadline = calendar.add_working_days(now, 1).astimezone(UTC)
    _mail(request, portal, [finding.executor_email], "notice", lambda lang: _notice_body(
        request, finding, "deadline", _values(request, finding, calendar, deadline,
                                              lang=lang), lang))
    finding.notice = {"sent_at": now, "by": actor, "to": finding.executor_email,
                      "deadline": deadline}
    deadlines(portal).insert((deadline.timestamp(), finding.key))
    return finding.notice


def _values(request, finding, calendar, deadline, sent=None, lang="kk"):
    def local(moment):
        return calendar.local(moment).strftime("%d.%m.%Y %H:%M") if moment else ""

    title = finding.title.get(lang) or next(
        (finding.title[other] for other in LANGUAGES if finding.title.get(other)), "")
    base = request.application_url.removesuffix("/++api++")
    return {"title": title, "when": local(finding.since), "deadline": local(deadline),
            "sent": local(sent), "url": base + finding.target}


def heads_of(portal, unit_path):
    """E-mail addresses of the heads of ``unit_path``."""
    from statportal.security.principals import addresses_in_unit

    return addresses_in_unit(portal, unit_path, "group:unit_heads")


def escalate(request, portal, finding, now):
    from statportal.schedule.exceptions import calendar_of

    heads = heads_of(portal, finding.unit)
    finding.escalated_at, finding.escalated_to = now, tuple(heads)
    if not heads:
        return finding
    calendar = calendar_of(portal, request.registry.settings)
    _mail(request, portal, heads, "escalation", lambda lang: _notice_body(
        request, finding, "escalation", _values(
            request, finding, calendar, finding.notice["deadline"],
            finding.notice["sent_at"], lang=lang), lang))
    return finding


def _mail(request, portal, recipients, subject, body):
    """To staff: each in their own language (``queue_staff_mail``); ``body(language)``."""
    from statportal.i18n import translate_for
    from statportal.mail import queue_staff_mail

    queue_staff_mail(request, recipients, lambda language: (
        translate_for(request.registry, SUBJECTS[subject], language), body(language)),
        portal=portal)


def on_request_registered(event):
    """Registering a placement request for the release or the material resolves its
    finding."""
    from statportal.content.base import utcnow
    from statportal.content.paths import root_of
    from statportal.placement.resources import PlacementRequest

    obj = event.object
    if not isinstance(obj, PlacementRequest) or event.transition.name != "register":
        return
    portal = root_of(obj)
    now = utcnow()
    by = f"request {obj.number}"
    entry = find_by_path(portal, obj.release) if obj.release else None
    if entry is not None and hasattr(entry, "uid"):
        prefix = f"missing:{entry.uid}:"
        for key in list(open_keys(portal).keys(prefix, prefix + "\uffff")):
            resolve(portal, key, by, now)
    material = find_by_path(portal, obj.replaces) if obj.replaces else None
    if material is not None and hasattr(material, "uid"):
        from statportal.materials.catalog import get_catalog

        docid = get_catalog(portal).docids.get(material.uid)
        prefix = f"outdated:{docid}:"
        for key in list(open_keys(portal).keys(prefix, prefix + "\uffff")):
            resolve(portal, key, by, now)
