""""My work": what waits for this person, oldest first, with the time left.

Everyone who logs in lands here. For now it lists placement requests on which
the person can act (submit, approve, register, place, …) and the questions from the
public they may route, answer, approve or publish; and, for whoever prepares requests
for a unit, the materials placed from that unit's requests (art. 10.1: the executor
watches what is on the portal).

"My requests" is every request the user made, whatever its state: "hers" is the
request's ``creator`` (the login the add form or the API recorded; there is no Owner
role, and the free-text ``executor`` names a person, not an account), asked of the
catalog's ``creator`` index together with the ``allowed`` index, newest first.
"""

from pyramid.view import view_config

from statportal.batching import Batch, read_batch
from statportal.content.base import utcnow
from statportal.content.catalog import allowed_principals
from statportal.content.paths import find_by_path, path_of
from statportal.content.resources import Portal, get_portal
from statportal.i18n import _, label
from statportal.labels import state_title
from statportal.numbers import NumberError
from statportal.placement.catalog import get_catalog, has_index
from statportal.placement.permissions import CREATE_REQUEST
from statportal.placement.returned import returned_info
from statportal.placement.schemas import CATEGORY_TITLES
from statportal.placement.workflow import PLACEMENT_WORKFLOW
from statportal.schedule.remaining import time_left
from statportal.security.permissions import MANAGE
from statportal.workflow import available_transitions, state_of, workflow_of

OPEN_STATES = ("draft", "awaiting_approval", "submitted", "registered")
#: the states whose deadline (``due``) is the current one: a request returned and not yet
#: registered again keeps its old ``due``, which no longer binds anybody
DUE_STATES = ("registered", "placed")


def my_requests(request, limit=200):
    """The open requests the user may view (the catalog's ``allowed`` index) on which a
    transition is available to them (``available_transitions``: by permission)."""
    portal = get_portal(request)
    requests = portal["requests"]
    if getattr(requests, "_catalog", None) is None:
        return []  # no request was ever added (and a GET creates no catalog)
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
        returned = returned_info(request, obj) if state.name == "draft" else None
        due = obj.due if state.name in DUE_STATES else None  # a returned one's is past
        found.append({
            "obj": obj, "number": obj.number, "title": obj.title,
            "state": request.localizer.translate(_("Returned")) if returned
            else label(request, state.title, state.name), "returned": returned,
            "category": label(request, CATEGORY_TITLES.get(obj.category), obj.category),
            "actions": [label(request, t.title, t.name) for t in actions],
            "due": due, "overdue": bool(due and due < now),
            "time_left": request.localizer.translate(time_left(request, due, now))
            if due else "",
        })
        if len(found) >= limit:
            break
    found.sort(key=lambda item: (item["due"] is None, item["due"] or now))
    return found


def own_requests(request, b_start=0, b_size=25):
    """"My requests": the requests this user created (the ``creator`` index) that they
    may view (the ``allowed`` index), newest first: ``(items, total)`` for one page."""
    from itertools import islice

    portal = get_portal(request)
    userid = request.authenticated_userid
    requests = portal.get("requests")
    if not userid or requests is None or not has_index(requests, "creator"):
        return [], 0  # nothing made yet (or a database not yet evolved: no index to ask)
    names, total = get_catalog(requests).query(
        creator=userid, sort="created", reverse=True, limit=b_start + b_size,
        allowed=allowed_principals(request))
    now = utcnow()
    items = []
    for name in islice(names, b_start, b_start + b_size):
        obj = requests[name]
        state_id = state_of(obj, PLACEMENT_WORKFLOW)
        returned = returned_info(request, obj) if state_id == "draft" else None
        due = obj.due if state_id in DUE_STATES else None
        items.append({
            "obj": obj, "number": obj.number, "title": obj.title, "state_id": state_id,
            "state": request.localizer.translate(_("Returned")) if returned
            else state_title(request, PLACEMENT_WORKFLOW, state_id),
            "returned": returned,
            "due": due, "overdue": bool(state_id == "registered" and due and due < now),
            "time_left": request.localizer.translate(time_left(request, due, now))
            if state_id == "registered" and due else "",
            "material_url": request.application_url + obj.material
            if state_id == "placed" and obj.material else None,
            # named by its title (its path when it is gone)
            "material": find_by_path(portal, obj.material)
            if state_id == "placed" and obj.material else None,
        })
    return items, total


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
    if getattr(requests, "_catalog", None) is None:
        return [], 0  # no request was ever added (and a GET creates no catalog)
    names, total = get_catalog(requests).query(unit=units, state="placed",
                                               sort="executed_at", reverse=True,
                                               allowed=allowed_principals(request))
    items, seen = [], set()
    for name in names:
        if len(items) >= limit:
            break
        obj = requests.get(name)  # nosec B113 # the Requests folder, not the HTTP library
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

    try:
        b_start, b_size = read_batch(request, default_size=20)
    except NumberError as exc:  # a bad page number: said, and the first page shown
        request.response.status = 400
        b_start, b_size = 0, 20
        batch_error = f"{exc.field}: {request.localizer.translate(exc.message)}"
    else:
        batch_error = None
    own, own_total = own_requests(request, b_start, b_size)
    placed, placed_total = placed_materials(request)
    return {"requests": my_requests(request),
            "questions": my_questions(request, context["questions"])
            if "questions" in context else [],
            "placed": placed, "placed_total": placed_total,
            "own": own, "batch": Batch(b_start, b_size, own_total, len(own)).page(),
            "batch_error": batch_error}
