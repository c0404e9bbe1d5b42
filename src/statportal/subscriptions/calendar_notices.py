"""Mail to the release calendar's subscribers: a confirmed release whose time is moved,
and a release cancelled (with its public notice). A new entry is not mailed (the calendar's
feed and page announce it; mail is for changes of what people planned around). These go
to every calendar subscriber at once, whatever its frequency: a changed date is news only
before it."""

from pyramid.traversal import resource_path

from statportal.i18n import LANGUAGES, _, format_datetime, timezone_name, translate_for
from statportal.subscriptions.compose import footer, in_language, literal, portal_url


class _LangRequest:
    """What statportal.i18n's formatting reads of a request, in another language (the
    calendar's own pattern, copied: features do not import each other)."""

    def __init__(self, registry, lang):
        self.registry, self.locale_name = registry, lang


def release_text(registry, release, language):
    """A release time as the calendar shows it in ``language``: an exact moment with its
    zone, else the month(s)."""
    from babel.dates import format_date

    if release is None:
        return ""
    if getattr(release, "at", None):
        return (f"{format_datetime(_LangRequest(registry, language), release.at)} "
                f"({timezone_name(registry)})")
    months = [format_date(month, "LLLL y", locale=language)
              for month in dict.fromkeys((release.first_month, release.last_month))]
    return " – ".join(months)


def notice_parts(registry, entry, url, base, cancelled):
    parts = {}
    change = entry.changes[-1] if getattr(entry, "changes", None) else None
    for language in LANGUAGES:
        title = literal(in_language(entry.title, language))
        if cancelled:
            subject = translate_for(registry, _("Release cancelled: ${title}"), language,
                                    {"title": title})
            said = literal(in_language(getattr(entry, "cancel_notice", None) or "", language))
        else:
            subject = translate_for(registry, _("Release moved: ${title}"), language,
                                    {"title": title})
            said = translate_for(registry, _("New release time: ${time}"), language,
                                 {"time": release_text(registry, entry.release, language)})
            if change is not None and change.get("new") is not None:
                # the calendar's own line: previous time, new time, the moderator's reason
                said += "\n" + translate_for(
                    registry, _("Moved from ${previous} to ${new}: ${reason}"), language, {
                        "previous": release_text(registry, change["previous"], language),
                        "new": release_text(registry, change["new"], language),
                        "reason": literal(in_language(change.get("reason"), language))})
        lines = [title, "", said, "", url, "", "--", footer(registry, language, base), ""]
        parts[language] = {"subject": subject.replace("\n", " "), "text": "\n".join(lines)}
    return parts


def tell(request, entry, cancelled):
    from statportal.content.resources import get_portal
    from statportal.subscriptions.compose import queue_to_subscribers
    from statportal.subscriptions.resources import recipient_ids

    portal = get_portal(request)
    people = recipient_ids(portal, calendar=True)
    if not people:
        return None
    base = portal_url(request)
    parts = notice_parts(request.registry, entry, base + resource_path(entry), base, cancelled)
    return queue_to_subscribers(request, "calendar", parts, people)


def _request():
    from pyramid.threadlocal import get_current_request

    return get_current_request()


def on_cancelled(event):
    """AfterTransition ``release_entry``/``cancel``."""
    request = event.request or _request()
    if request is not None:
        tell(request, event.object, cancelled=True)


def on_modified(event):
    """ObjectModified of a confirmed release entry whose time changed."""
    entry = event.object
    if getattr(entry, "__content_type__", None) != "ReleaseEntry" or \
            "release_at" not in event.changed or getattr(entry, "status", "") != "confirmed":
        return
    request = _request()
    if request is not None:
        tell(request, entry, cancelled=False)


def includeme(config):
    from statportal.content.events import ObjectModified
    from statportal.workflow.events import AfterTransition

    config.add_subscriber(on_cancelled, AfterTransition, workflow="release_entry",
                          transition="cancel")
    config.add_subscriber(on_modified, ObjectModified)
