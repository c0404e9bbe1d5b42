"""The rules of a release entry's date and status, on any object with the attributes
``status``, ``release`` (a :class:`~statportal.releases.timing.ReleaseTime`), ``changes``
(a tuple), ``notes`` (a tuple), ``cancel_notice`` and ``published_at``.

Statuses: ``provisional`` → ``confirmed`` → ``published``, or ``cancelled`` (with a public
notice). A confirmed date moved later shows as ``postponed``. Every change of a confirmed
date needs a reason and appends ``{previous, new, reason, by, at}`` to ``changes``; the log
is a tuple that is only ever extended, never edited. Each refusal is an ``EditError``
naming the field, raised before anything changes. A stored entry's status is its
workflow state (:mod:`statportal.releases.workflow`), changed by ``set_status``.
"""

from statportal.content.editing import EditError
from statportal.i18n import _
from statportal.releases.timing import ReleaseTime

STATUSES = ("provisional", "confirmed", "published", "cancelled")
#: the status a rule sets -> the transition of the entry's workflow that sets it
TRANSITIONS = {"confirmed": "confirm", "cancelled": "cancel", "published": "publish"}
MAX_REASON = 1000


def set_status(entry, status, actor=None, comment=""):
    """The status change itself: a stored entry moves by its workflow (history, events:
    :mod:`statportal.releases.workflow`); a plain object (these rules' own tests) takes
    the value."""
    if getattr(entry, "__content_type__", None) == "ReleaseEntry":
        from pyramid.threadlocal import get_current_registry

        from statportal.workflow import fire, request_for

        # the rules were checked here: the system fires, in the name of ``actor``; no
        # comment of its own (its status was one: the history's "To" says it in words)
        fire(request_for(get_current_registry()), entry, TRANSITIONS[status],
             comment, system=actor or True)
    else:
        entry.status = status


def shown_status(entry):
    """The status the public sees: ``postponed`` for a confirmed entry whose date was last
    moved later."""
    if entry.status == "confirmed" and entry.changes:
        last = entry.changes[-1]
        if last["new"].earliest() > last["previous"].earliest():
            return "postponed"
    return entry.status


def check_new(release: ReleaseTime, status, now, calendar, non_working_confirmed=False):
    """A new entry's time: not in the past; exact when confirmed; a non-working day only
    with ``non_working_confirmed``. Returns the notes to record (the non-working day)."""
    if status not in ("provisional", "confirmed"):
        raise EditError(_("A new entry is provisional or confirmed."), "status")
    if status == "confirmed" and not release.exact:
        raise EditError(_("A confirmed release needs a date and time, not only a month."),
                        "release_at")
    if release.latest() <= now:
        raise EditError(_("The release time is in the past."), "release_at")
    return _working_day(release, calendar, non_working_confirmed)


def _working_day(release, calendar, confirmed):
    if not release.exact:
        return ()
    day = release.at.astimezone(calendar.tz).date()
    if calendar.is_working_day(day):
        return ()
    if not confirmed:
        raise EditError(_("${day} is not a working day; confirm to release on it anyway.",
                          mapping={"day": day.isoformat()}), "release_at",
                        type="non_working_day")
    return (f"released on a non-working day ({day.isoformat()}), confirmed",)


def move(entry, release: ReleaseTime, reason, actor, now, calendar,
         non_working_confirmed=False):
    """Change the entry's time. A provisional entry moves freely; a confirmed one needs a
    ``reason`` and logs the change; published and cancelled entries do not move."""
    if entry.status in ("published", "cancelled"):
        raise EditError(_("A ${status} release cannot be moved.",
                          mapping={"status": entry.status}), "release_at", status=409,
                        type="conflict")
    if release == entry.release:
        raise EditError(_("The release time is unchanged."), "release_at")
    reason = reason_text(reason)
    if entry.status == "confirmed":
        if not release.exact:
            raise EditError(_("A confirmed release needs a date and time, not only a "
                              "month."), "release_at")
        if not reason:
            raise EditError(_("Moving a confirmed release needs a reason; it is shown to "
                              "the public."), "reason", type="required")
        if any(len(text) > MAX_REASON for text in
               (reason.values() if isinstance(reason, dict) else (reason,))):
            raise EditError(_("The reason is longer than ${n} characters.",
                              mapping={"n": MAX_REASON}), "reason")
    if release.latest() <= now:
        raise EditError(_("The release time is in the past."), "release_at")
    notes = _working_day(release, calendar, non_working_confirmed)
    if entry.status == "confirmed":
        entry.changes = (*entry.changes, {"previous": entry.release, "new": release,
                                          "reason": reason, "by": actor, "at": now})
    entry.release = release
    entry.notes = (*entry.notes, *notes)


def reason_text(reason):
    """A reason as kept in the log: one text, stripped, or ``{lang: text}`` of the
    languages given (kk, ru, en), without the empty ones; empty when none is given."""
    if isinstance(reason, dict):
        return {lang: text.strip() for lang, text in reason.items()
                if lang in ("kk", "ru", "en") and isinstance(text, str) and text.strip()}
    return (reason or "").strip() if isinstance(reason, str) else ""


def confirm(entry, now, calendar, release=None, non_working_confirmed=False):
    """Provisional → confirmed, at ``release`` (or the entry's own exact time)."""
    if entry.status != "provisional":
        raise EditError(_("Only a provisional release can be confirmed."), "status",
                        status=409, type="conflict")
    release = release or entry.release
    notes = check_new(release, "confirmed", now, calendar, non_working_confirmed)
    entry.release = release
    entry.notes = (*entry.notes, *notes)
    set_status(entry, "confirmed")


def cancel(entry, notice, actor, now):
    """Cancel with a public notice (``{lang: text}``, at least one language)."""
    if entry.status in ("published", "cancelled"):
        raise EditError(_("A ${status} release cannot be cancelled.",
                          mapping={"status": entry.status}), "status", status=409,
                        type="conflict")
    notice = {lang: text.strip() for lang, text in
              (notice.items() if isinstance(notice, dict) else ())
              if isinstance(text, str) and text.strip()}
    if not notice:
        raise EditError(_("Cancelling a release needs a public notice."), "cancel_notice",
                        type="required")
    entry.cancel_notice = notice
    entry.changes = (*entry.changes, {"previous": entry.release, "new": None,
                                      "reason": notice, "by": actor, "at": now})
    set_status(entry, "cancelled", actor, next(iter(notice.values())))


def mark_published(entry, at):
    """The release went out at ``at``; returns its delay (negative: early), for a
    provisional period from the end of the period."""
    if entry.status not in ("provisional", "confirmed"):
        raise EditError(_("A ${status} release cannot be published.",
                          mapping={"status": entry.status}), "status", status=409,
                        type="conflict")
    entry.published_at = at
    set_status(entry, "published")
    return at - entry.release.latest()
