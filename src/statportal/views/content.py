"""Content pages and the staff forms: view, contents, add, edit, delete, move, rename."""

import colander
import deform
from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPFound
from pyramid.view import view_config

from statportal.api.content import batch_params
from statportal.api.serialize import PayloadError, bound_schema, json_value
from statportal.content import editing
from statportal.content.base import Content
from statportal.content.folder import Folder
from statportal.content.listing import visible_batch
from statportal.content.registry import get_content_registry
from statportal.i18n import _, label
from statportal.security.permissions import DELETE, EDIT, MANAGE, VIEW
from statportal.security.session import BUDGET as FLASH_BUDGET
from statportal.views.actions import said
from statportal.views.forms import (
    SAVE_AND_FIRE,
    fire_after_save,
    form_schema,
    make_form,
    save_transition,
    set_field_error,
    validate,
)

HTML = "text/html"


def flash(request, message, queue="success"):
    request.session.flash(request.localizer.translate(message), queue)


#: how much of the lists of removed sheets the messages quote, all files together (the
#: history has them all): the messages wait in the session cookie, 4 KB
SHEETS_SHOWN = 300


def flash_removed_sheets(request):
    left = SHEETS_SHOWN
    for note in getattr(request, "removed_sheets_notice", ()):
        if left <= 0:
            break
        if len(note) > left:
            note = note[:left - 1] + "…"
        left -= len(note)
        flash(request, _("Sheets without data were removed: ${sheets}",
                         mapping={"sheets": note}), "info")


def page_batch(request, folder):
    try:
        b_start, b_size = batch_params(request)
    except PayloadError:
        b_start, b_size = 0, 25
    from statportal.batching import Batch

    items, total = visible_batch(request, folder, b_start, b_size)
    return {"items": items, **Batch(b_start, b_size, total, len(items)).page()}


@view_config(context=Folder, accept=HTML, permission=VIEW,
             renderer="statportal.views:templates/folder.pt")
def folder_view(context, request):
    return {"batch": page_batch(request, context)}


@view_config(context=Content, accept=HTML, permission=VIEW,
             renderer="statportal.views:templates/object.pt")
def object_view(context, request):
    info = get_content_registry(request.registry).typeof(context)
    fields = []
    if info is not None:
        for node in bound_schema(request, context, info).children:
            if getattr(node, "writeonly", False) or node.name in ("title",):
                continue
            fields.append((node.title, json_value(node, getattr(context, node.name, None))))
    return {"fields": fields}


@view_config(context=Folder, name="contents", accept=HTML, permission=MANAGE,
             renderer="statportal.views:templates/contents.pt")
def contents(context, request):
    content = get_content_registry(request.registry)
    addable = [info for info in content.addable_types(context)
               if request.has_permission(info.add_permission, context)]
    from statportal.views import folder_contents as listing

    rows = []
    batch, text = listing.page_batch(request, context)  # ?filter= by id or title
    for name, obj in batch["items"]:
        rows.append({
            "name": name, "obj": obj, "info": content.typeof(obj),
            "can_delete": request.has_permission(DELETE, obj)
            and not getattr(obj, "__is_fixed__", False),
            "can_rename": request.has_permission(EDIT, obj),
            "state": listing.state_title(request, obj),
        })
    return {"batch": batch, "rows": rows, "addable": addable, "filter": text,
            "transitions": listing.offered_transitions(request, [r["obj"] for r in rows]),
            "with_states": any(row["state"] for row in rows),
            "can_rename_here": context.ordered and request.has_permission(EDIT, context),
            "can_order": context.ordered and request.has_permission(EDIT, context)
            and not text}  # moving up and down in a filtered list would mislead


@view_config(context=Folder, name="add", accept=HTML, permission=MANAGE,
             renderer="statportal:templates/form.pt")
def add(context, request):
    registry = request.registry
    type_name = request.params.get("type", "")
    try:
        info = editing.check_addable(registry, context, type_name)
    except editing.EditError as exc:
        raise HTTPBadRequest(request.localizer.translate(exc.message)) from None
    if not request.has_permission(info.add_permission, context):
        raise HTTPForbidden()
    schema = form_schema(bound_schema(request, context, info, adding=True), request,
                         with_id=None if info.meta.get("name_factory") else (
                             info.meta.get("id_title", _("Id")),
                             info.meta.get("id_required", False)))
    transition = save_transition(request, info)
    form = make_form(schema, request, _("Add"), transition=transition)
    heading = _("Add ${type}", mapping={"type": request.localizer.translate(info.title)})
    if "submit" in request.POST or (transition and SAVE_AND_FIRE in request.POST):
        try:
            appstruct = validate(form, request)
            name = appstruct.pop("id", None) or None
            obj = editing.create(registry, context, type_name, name, appstruct,
                                 creator=request.authenticated_userid)
        except deform.ValidationFailure as failure:
            return {"form": failure.render(), "heading": heading}
        except editing.EditError as exc:
            request.tm.doom()
            failure = set_field_error(form, exc.field, exc.message)
            return {"form": failure.render(), "heading": heading}
        if transition and SAVE_AND_FIRE in request.POST:
            return saved_and_fired(request, obj, transition)
        flash(request, _("Added."))
        flash_removed_sheets(request)
        return HTTPFound(request.resource_url(obj))
    return {"form": form.render(), "heading": heading}


@view_config(context=Content, name="edit", accept=HTML, permission=EDIT,
             renderer="statportal:templates/form.pt")
def edit(context, request):
    registry = request.registry
    info = get_content_registry(registry).typeof(context)
    schema = form_schema(bound_schema(request, context, info), request)
    transition = save_transition(request, info, context)
    form = make_form(schema, request, _("Save"), transition=transition)
    # the heading names what is edited (a form of many fields otherwise says nothing of it)
    title = getattr(context, "title", None)
    title = label(request, title) if isinstance(title, dict) else ""
    heading = (_("Edit: ${title}", mapping={"title": title or context.__name__})
               if title or context.__name__ else _("Edit"))
    if "submit" in request.POST or (transition and SAVE_AND_FIRE in request.POST):
        try:
            appstruct = validate(form, request)
            editing.update(registry, context, appstruct,
                           actor=request.authenticated_userid)
        except deform.ValidationFailure as failure:
            return {"form": failure.render(), "heading": heading}
        except editing.EditError as exc:  # a guard refused the change: nothing is kept
            request.tm.doom()
            request.response.status = exc.status
            translate = request.localizer.translate
            message = " ".join([translate(exc.message),
                                *(translate(f.message) for f in exc.findings)])
            failure = set_field_error(form, exc.field, message)
            return {"form": failure.render(), "heading": heading}
        if transition and SAVE_AND_FIRE in request.POST:
            return saved_and_fired(request, context, transition)
        flash(request, _("Saved."))
        flash_removed_sheets(request)
        return HTTPFound(request.resource_url(context))
    current = {node.name: getattr(context, node.name, None)
               for node in schema.children if node.name not in ("csrf_token",)
               and not getattr(node, "writeonly", False)}
    current = {k: (v if v is not None else colander.null) for k, v in current.items()}
    return {"form": form.render(current), "heading": heading}


#: the reasons of a refused "Save and submit" its message quotes
REASONS_SHOWN = 3
#: the session cookie's JSON one quoted reason may take (a Cyrillic letter is six bytes):
#: the three leave room for the heading and "And N more." within the flash budget, whose
#: guard drops the oldest message, the heading, when the queue outgrows it
REASON_BYTES = (FLASH_BUDGET - 600) // REASONS_SHOWN


def quoted_reason(reason, limit=200):
    """``reason`` cut to ``limit`` letters and to ``REASON_BYTES`` of the cookie's JSON."""
    import json

    cut = reason if len(reason) <= limit else reason[:limit - 1] + "…"
    while len(json.dumps(cut)) > REASON_BYTES:
        cut = cut[:-2] + "…"
    return cut


def saved_and_fired(request, obj, transition):
    """After "Save and submit": the transition taken, or the object kept as saved (a
    draft) with the reasons the transition was refused, on its page."""
    entry, refused = fire_after_save(request, obj, transition)
    flash_removed_sheets(request)
    if refused is None:  # the step's own words ("Submitted for approval: <title>.")
        said(request, obj, entry)
        return HTTPFound(request.resource_url(obj))
    flash(request, _("Saved as a draft, not submitted:"), "error")
    # the first reasons, each cut so that the heading above stays in the session cookie
    # (4 KB); the request's Submit button shows them all
    for reason in refused[:REASONS_SHOWN]:
        request.session.flash(quoted_reason(reason), "error")
    if len(refused) > REASONS_SHOWN:
        flash(request, _("And ${n} more.", mapping={"n": len(refused) - REASONS_SHOWN}),
              "error")
    return HTTPFound(request.resource_url(obj, "@@edit"))


@view_config(context=Content, name="delete", accept=HTML, permission=DELETE,
             renderer="statportal.views:templates/delete.pt")
def delete(context, request):
    parent = context.__parent__
    if parent is None or getattr(context, "__is_fixed__", False):
        raise HTTPBadRequest(request.localizer.translate(
            _("This place belongs to the portal and cannot be removed.")))
    count = len(context) if isinstance(context, Folder) else 0
    error = None
    if request.method == "POST":
        try:
            editing.remove(parent, context.__name__, recursive=bool(request.POST.get("confirm")),
                           actor=request.authenticated_userid)
        except editing.EditError as exc:
            error = exc.message
        else:
            flash(request, _("Removed."))
            return HTTPFound(request.resource_url(parent, "@@contents"))
    return {"count": count, "error": error}


@view_config(context=Folder, name="move", request_method="POST", permission=EDIT)
def move(context, request):
    name = request.POST.get("name", "")
    if name not in context or not context.ordered:
        raise HTTPBadRequest(request.localizer.translate(
            _("Nothing with the id ${name} is here.", mapping={"name": name})))
    delta = -1 if request.POST.get("direction") == "up" else 1
    if context.move(name, delta):  # the order shows in navigation: say it changed
        from statportal.content.events import ObjectModified

        request.registry.notify(ObjectModified(context, ("order",)))
    return HTTPFound(request.resource_url(context, "@@contents",
                                          query={"b_start": request.POST.get("b_start", 0)}))


@view_config(context=Folder, name="rename", accept=HTML, permission=EDIT,
             renderer="statportal.views:templates/rename.pt")
def rename(context, request):
    old = request.params.get("name", "")
    if old not in context:
        raise HTTPBadRequest(request.localizer.translate(
            _("Nothing with the id ${name} is here.", mapping={"name": old})))
    if not request.has_permission(EDIT, context[old]):  # rights on the object itself
        raise HTTPForbidden(request.localizer.translate(
            _("You may not rename ${name}.", mapping={"name": old})))
    error = None
    if request.method == "POST":
        new = request.POST.get("new_name", "").strip()
        try:
            editing.rename(context, old, new)
        except editing.EditError as exc:
            error = exc.message
        else:
            flash(request, _("Renamed."))
            return HTTPFound(request.resource_url(context, "@@contents"))
    return {"old": old, "error": error, "value": request.POST.get("new_name", old)}

