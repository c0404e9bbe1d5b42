"""The moderator's queue, ``/requests/@queue`` in HTML and JSON."""

from pyramid.view import view_config

from statportal.api.serialize import url_of
from statportal.content.base import utcnow
from statportal.i18n import format_datetime, label
from statportal.placement.catalog import may_view
from statportal.placement.queue import declaration, queued
from statportal.placement.resources import Requests
from statportal.placement.schemas import CATEGORY_TITLES
from statportal.schedule.remaining import time_left

QUEUE = "statportal.request.queue"


def rows(request, context):
    now = utcnow()
    found = []
    # from the catalog's allowed index, not the policy request by request; looked up per
    # row (a set of every name the user may view cost a walk over all requests stored)
    viewable = may_view(request, context)
    for position, item in queued(context, limit=500):
        if not viewable(item.__name__):
            continue
        found.append({
            "@id": url_of(request, item), "position": position, "number": item.number,
            "title": dict(item.title), "category": item.category, "unit": item.unit,
            "section": item.section, "placement_type": item.placement_type,
            "registered_at": item.registered_at.isoformat(), "due": item.due.isoformat(),
            "seconds_left": int((item.due - now).total_seconds()),
            "overdue": item.due < now, "obj": item,
            "time_left": request.localizer.translate(time_left(request, item.due, now)),
            **declaration(request.registry, item),
        })
    return found


@view_config(context=Requests, name="@queue", accept="application/json", renderer="json",
             permission=QUEUE)
def queue_json(context, request):
    items = [{k: v for k, v in row.items() if k != "obj"} for row in rows(request, context)]
    return {"@id": f"{url_of(request, context)}/@queue", "items": items,
            "items_total": len(items)}


@view_config(context=Requests, name="@queue", accept="text/html", permission=QUEUE,
             renderer="statportal.placement:templates/queue.pt")
def queue_page(context, request):
    return {"rows": rows(request, context),
            "category_title": lambda c: label(request, CATEGORY_TITLES.get(c), c),
            "when": lambda value: format_datetime(request, value)}
