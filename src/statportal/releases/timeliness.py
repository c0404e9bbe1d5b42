"""The timeliness figures (art. 9, 16, 19–20), without HTTP: punctuality of the calendar's
releases, the moderators' placement deadlines met by category and month, and the open
currency findings and notices. The dashboard page draws them; ``/@timeliness`` gives them
as JSON. Everything comes from the catalogs.
"""

from collections import defaultdict

from statportal.releases.catalog import get_release_catalog
from statportal.releases.currency import findings, open_findings
from statportal.views.charts import bar_chart  # noqa: F401 (where it was first)


def punctuality(portal, tz, punctual_minutes=1, year=None):
    """Published releases: count, on time, share, mean and worst delay (minutes), and the
    same by month of release (``YYYY-MM``, Asia/Almaty)."""
    entries, _total = get_release_catalog(portal).query(statuses=("published",))
    months = defaultdict(lambda: {"releases": 0, "on_time": 0})
    delays = []
    for entry in entries:
        local = entry.release.latest().astimezone(tz)
        if year is not None and local.year != year:
            continue
        delay = (entry.published_at - entry.release.latest()).total_seconds() / 60
        delays.append(delay)
        month = months[local.strftime("%Y-%m")]
        month["releases"] += 1
        month["on_time"] += delay <= punctual_minutes
    on_time = sum(m["on_time"] for m in months.values())
    return {
        "releases": len(delays), "on_time": on_time,
        "share_on_time": round(on_time / len(delays), 4) if delays else None,
        "mean_delay_minutes": round(sum(max(d, 0) for d in delays) / len(delays), 1)
        if delays else None,
        "worst_delay_minutes": round(max(delays), 1) if delays else None,
        "by_month": [{"month": key, **value} for key, value in sorted(months.items())],
    }


def placement_deadlines(portal, tz, year=None):
    """Placed requests against their deadlines, by category and by month of placement."""
    from statportal.placement.catalog import get_catalog

    requests = portal["requests"]
    names, _total = get_catalog(requests).query(state="placed", year=year)
    by_category = defaultdict(lambda: {"placed": 0, "in_time": 0})
    by_month = defaultdict(lambda: {"placed": 0, "in_time": 0})
    for name in names:
        obj = requests[name]
        if obj.due is None or obj.executed_at is None:
            continue
        in_time = obj.executed_at <= obj.due
        for bucket in (by_category[obj.category],
                       by_month[obj.executed_at.astimezone(tz).strftime("%Y-%m")]):
            bucket["placed"] += 1
            bucket["in_time"] += in_time
    placed = sum(b["placed"] for b in by_category.values())
    in_time = sum(b["in_time"] for b in by_category.values())
    return {"placed": placed, "in_time": in_time,
            "share_in_time": round(in_time / placed, 4) if placed else None,
            "by_category": [{"category": key, **value} for key, value in
                            sorted(by_category.items())],
            "by_month": [{"month": key, **value} for key, value in sorted(by_month.items())]}


def findings_summary(portal):
    current = open_findings(portal)
    return {"open": len(current),
            "missing": sum(f.kind == "missing" for f in current),
            "outdated": sum(f.kind == "outdated" for f in current),
            "notices_sent": sum(f.notice is not None for f in current),
            "escalated": sum(f.escalated_at is not None for f in current),
            "resolved": len(findings(portal)) - len(current)}


def figures(portal, tz, punctual_minutes=1, year=None):
    return {"punctuality": punctuality(portal, tz, punctual_minutes, year),
            "placement_deadlines": placement_deadlines(portal, tz, year),
            "findings": findings_summary(portal)}
