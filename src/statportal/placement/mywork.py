""""My work": what waits for this person, oldest first, with the time left.

Everyone who logs in lands here. For now it lists placement requests on which
the person can act (submit, approve, register, place, …) and the questions from the
public they may route, answer, approve or publish; and, for whoever prepares requests
for a unit, the materials placed from that unit's requests (art. 10.1: the executor
watches what is on the portal).
"""

from pyramid.view import view_config

from statportal.content.base import utcnow
from statportal.content.catalog import allowed_principals
from statportal.content.paths import find_by_path, path_of
from statportal.content.resources import Portal, get_portal
from statportal.i18n import label
from statportal.placement.catalog import get_catalog
from statportal.placement.permissions import CREATE_REQUEST
from statportal.placement.schemas import CATEGORY_TITLES
from statportal.placement.workflow import PLACEMENT_WORKFLOW
from statportal.schedule.remaining import time_left
from statportal.security.permissions import MANAGE
from statportal.workflow import available_transitions, state_of, workflow_of

OPEN_STATES = ("draft", "awaiting_approval", "submitted", "registered")


def my_requests(request, limit=200):
    """The open requests the user may view (the catalog's ``allowed`` index) on which a
    transition is available to them (``available_transitions``: by permission)."""
    portal = get_portal(request)
    requests = portal["requests"]
    names, _total = get_catalog(requests).query(
        state=list(OPEN_STATES), sort="submitted_at", limit=2000,
        allowed=allowed_principals(request))
    now = utcnow()
    found = []
    for name in names:
        obj = requests[name]
        actions = available_transitions(request, obj)
        if not actions:
            continue
        state = PLACEMENT_WORKFLOW.state(state_of(obj, PLACEMENT_WORKFLOW))
        found.append({
            "obj": obj, "number": obj.number, "title": obj.title,
            "state": label(request, state.title, state.name),
            "category": label(request, CATEGORY_TITLES.get(obj.category), obj.category),
            "actions": [label(request, t.title, t.name) for t in actions],
            "due": obj.due, "overdue": bool(obj.due and obj.due < now),
            "time_left": request.localizer.translate(time_left(request, obj.due, now))
            if obj.due else "",
        })
        if len(found) >= limit:
            break
    found.sort(key=lambda item: (item["due"] is None, item["due"] or now))
    return found


def my_units(request):
    """The org units where this user prepares requests (by permission, not by role)."""
    portal = get_portal(request)
    found, stack = [], list(portal["orgunits"].values())
    while stack:
        unit = stack.pop()
        if request.has_permission(CREATE_REQUEST, unit):
            found.append(path_of(unit))
        stack.extend(unit.values())
    return sorted(found)


def placed_materials(request, limit=50):
    """The materials placed from the requests of the user's units, the latest placement
    first: ``(items, total)``, one item per material (a replaced one once, at its last
    placement), each with its public address, placement date and state now; ``total``
    counts the placements (from the catalog: a GET loads no more than it shows)."""
    portal = get_portal(request)
    units = my_units(request)
    if not units or "requests" not in portal:
        return [], 0
    requests = portal["requests"]
    names, total = get_catalog(requests).query(unit=units, state="placed",
                                               sort="executed_at", reverse=True,
                                               allowed=allowed_principals(request))
    items, seen = [], set()
    for name in names:
        if len(items) >= limit:
            break
        obj = requests.get(name)
        if obj is None or not obj.material or obj.material in seen:
            continue
        seen.add(obj.material)
        material = find_by_path(portal, obj.material)
        state = None
        if material is not None:
            workflow = workflow_of(request.registry, material)
            if workflow is not None:
                name_ = state_of(material, workflow)
                state = (name_, label(request, workflow.state(name_).title, name_))
        items.append({"request": obj, "material": material, "path": obj.material,
                      "url": request.application_url + obj.material, "title":
                      material.title if material is not None else obj.title,
                      "placed_at": obj.executed_at, "unit": obj.unit, "state": state})
    return items, total


@view_config(context=Portal, name="my-work", accept="text/html", permission=MANAGE,
             renderer="statportal.placement:templates/mywork.pt")
def my_work(context, request):
    from statportal.questions.mywork import my_questions

    placed, placed_total = placed_materials(request)
    return {"requests": my_requests(request),
            "questions": my_questions(request, context["questions"])
            if "questions" in context else [],
            "placed": placed, "placed_total": placed_total}
