"""The release calendar as iCalendar (RFC 5545), written with the ``icalendar`` library.

One VEVENT per entry, every status included so a subscribed calendar learns of
postponements and cancellations: ``STATUS`` is TENTATIVE (provisional), CONFIRMED
(confirmed, postponed, published) or CANCELLED; ``X-STATPORTAL-STATUS`` carries the
calendar's own status. An exact time is a moment in UTC; a provisional month or range of
months is an all-day span. ``SEQUENCE`` counts the logged changes of the date, so
clients replace the older version of an event.
"""

from datetime import UTC, timedelta

from icalendar import Calendar, Event

from statportal.releases.entries import shown_status

ICAL_STATUS = {"provisional": "TENTATIVE", "confirmed": "CONFIRMED", "postponed": "CONFIRMED",
               "published": "CONFIRMED", "cancelled": "CANCELLED"}


def text_in(value, lang):
    value = value or {}
    return value.get(lang) or next((value[k] for k in ("kk", "ru", "en") if value.get(k)), "")


def event_for(entry, url, lang, host, category_title, change_line):
    event = Event()
    event.add("uid", f"{entry.uid}@{host}")
    event.add("dtstamp", (entry.modified or entry.created).astimezone(UTC))
    event.add("last-modified", (entry.modified or entry.created).astimezone(UTC))
    event.add("summary", text_in(entry.title, lang))
    release = entry.release
    if release.exact:
        event.add("dtstart", release.at.astimezone(UTC))
        event.add("dtend", release.at.astimezone(UTC) + timedelta(minutes=30))
    else:
        event.add("dtstart", release.first_month)
        event.add("dtend", release.latest().date())
    status = shown_status(entry)
    event.add("status", ICAL_STATUS[status])
    event.add("x-statportal-status", status)
    event.add("sequence", len(entry.changes))
    event.add("categories", [category_title(entry.category)])
    event.add("url", url)
    lines = [text_in(entry.description, lang)]
    if entry.cancel_notice:
        lines.append(text_in(entry.cancel_notice, lang))
    lines.extend(change_line(change) for change in entry.changes if change["new"] is not None)
    description = "\n\n".join(line for line in lines if line)
    if description:
        event.add("description", description)
    return event


def calendar_for(entries, title, lang, url_of, host, category_title, change_line,
                 tz_name="Asia/Almaty"):
    calendar = Calendar()
    calendar.add("prodid", "-//statportal//release calendar//" + lang.upper())
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-timezone", tz_name)  # statportal.timezone: where the times are shown
    for entry in entries:
        calendar.add_component(event_for(entry, url_of(entry), lang, host, category_title,
                                         change_line))
    return calendar.to_ical()
