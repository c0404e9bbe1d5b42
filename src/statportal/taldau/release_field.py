"""The import's ``release``: which releases of the calendar an import of an indicator is
offered (the import page's choices), and what a client may write for one.

- ``upcoming``: the entries still to come (provisional or confirmed, their time not yet
  past) that the import may name (``embargo.section_fits``: of the indicator's section or
  a section above it) and the asker may view, earliest first.
- ``release_path``: a path of the calendar (``/calendar/2027/gdp-q1``) as it is, or the
  portal's own address of an entry (its page, or its JSON under ``/++api++``, as copied
  from the browser or from an API answer's ``@id``) read as that path. Anything else is
  left for ``embargo.binding`` to refuse.
"""

from urllib.parse import urlsplit

from statportal.security.permissions import VIEW

UPCOMING = ("provisional", "confirmed")


def upcoming(request, indicator, now=None):
    """The releases an import of ``indicator`` may be bound to (see the module)."""
    from statportal import clock
    from statportal.content.resources import get_portal
    from statportal.releases.catalog import get_release_catalog
    from statportal.taldau.embargo import section_fits

    portal = get_portal(request)
    if getattr(portal, "__release_catalog__", None) is None:
        return []
    now = now or clock.now()
    entries, _total = get_release_catalog(portal).query(statuses=UPCOMING)
    return [entry for entry in entries
            if section_fits(indicator, entry) and entry.release.latest() > now
            and request.has_permission(VIEW, entry)]


def choices(request, indicator, now=None):
    """``[{"value": path, "title": text, "when": text}]`` of ``upcoming``: the title in
    the page's language and the time as the calendar says it (a date and time, or the
    month(s) of a provisional one)."""
    from statportal.content.paths import path_of
    from statportal.i18n import pick
    from statportal.releases.views import when

    return [{"value": path_of(entry), "title": pick(request, entry.title)[0],
             "when": when(request, entry)} for entry in upcoming(request, indicator, now)]


def release_path(request, value):
    """The calendar path ``value`` names: itself, or the path of the portal's own address
    (``request.application_url`` stripped, then ``/++api++``; no query, no fragment)."""
    from statportal.api import API_PREFIX

    if not isinstance(value, str) or not value.strip().startswith(("http://", "https://")):
        return value
    if request is None:            # no request (the demo's own binding): no address of ours
        return value
    value = value.strip()
    base = request.application_url.rstrip("/")
    if base.endswith(API_PREFIX):   # a request of the JSON API has it in its script name
        base = base[:-len(API_PREFIX)]
    if not value.startswith(base + "/"):
        return value               # another site's address: binding refuses it
    value = urlsplit(value).path[len(urlsplit(base).path):]
    if value.startswith(API_PREFIX + "/"):
        value = value[len(API_PREFIX):]
    return value.rstrip("/") or "/"
