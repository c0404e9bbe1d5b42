"""Mail to the release calendar's subscribers: a confirmed release whose time is moved,
and a release cancelled (with its public notice). A new entry is not mailed (the calendar's
feed and page announce it; mail is for changes of what people planned around). These go
to every calendar subscriber at once, whatever its frequency: a changed date is news only
before it."""

from pyramid.traversal import resource_path

from statportal.i18n import LANGUAGES, _, timezone, translate_for
from statportal.subscriptions.compose import footer, in_language, literal, portal_url


def notice_parts(registry, entry, url, base, cancelled):
    parts = {}
    when = entry.release.at if getattr(entry.release, "at", None) else entry.release.latest()
    local = when.astimezone(timezone(registry)).strftime("%d.%m.%Y %H:%M")
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
                                 {"time": local})
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
