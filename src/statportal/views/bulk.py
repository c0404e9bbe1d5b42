"""Bulk actions of folder contents: move to a folder, delete, and a workflow transition
(publish, withdraw: whatever the items' workflows let this user take), on the items
ticked in ``@@contents``.

Two POSTs, both with the CSRF token: the first (``@@bulk``) writes nothing and shows what
will happen to each item (or why it cannot), with the target folder to choose or the
reason to give; the second (``confirmed=1``) does it. Per item, as Plone's folder
contents: each item is checked on its own (the delete permission, the add permission on
the target, the transition's permission and state); those that may are done, the others
are reported by name with the reason, and the summary says both. Bad input (no item, an
id not in the folder, an unknown action or target) is a 400 naming the field; a
selection of which the user may act on nothing is a 403; either changes nothing.
"""

import json

from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPSeeOther
from pyramid.view import view_config

from statportal.content import editing, moving
from statportal.content.folder import Folder
from statportal.content.paths import canonical_path, find_by_path, path_of
from statportal.content.registry import get_content_registry
from statportal.content.resources import get_portal
from statportal.i18n import _, label
from statportal.security.permissions import DELETE, MANAGE, VIEW
from statportal.views.folder_contents import state_title
from statportal.workflow import WorkflowError, available_transitions, fire, workflow_of
from statportal.workflow.messages import confirmation

KINDS = ("move", "delete", "transition")


def _bad(request, field, message):
    """400 naming the field (the page says ``field: message``)."""
    return HTTPBadRequest(f"{field}: {request.localizer.translate(message)}")


def read_action(request):
    """``(kind, transition name)`` from ``action``: move, delete or transition:<name>."""
    action = request.POST.get("action", "")
    kind, _sep, name = action.partition(":")
    if kind not in KINDS or (kind == "transition") != bool(name):
        raise _bad(request, "action", _("Unknown action ${action}.", mapping={"action": action}))
    return kind, name


def read_items(request, folder):
    """The ticked items, in the order given, each once; 400 for none or an unknown id."""
    names = list(dict.fromkeys(request.POST.getall("ids")))
    if not names:
        raise _bad(request, "ids", _("Select at least one item."))
    for name in names:
        # one the user may not view is as unknown as none (its title is not shown)
        if name not in folder or not request.has_permission(VIEW, folder[name]):
            raise _bad(request, "ids", _("Nothing with the id ${name} is here.",
                                         mapping={"name": name[:200]}))
    return [(name, folder[name]) for name in names]


def refusal(request, kind, name, obj):
    """Why this user cannot take the action on ``obj`` (before a target is known), as
    ``(message, is_permission)``, or None."""
    if kind in ("move", "delete"):
        if getattr(obj, "__is_fixed__", False):
            return _("This place belongs to the portal and cannot be removed."), False
        if not request.has_permission(DELETE, obj):
            return (_("You may not move this.") if kind == "move"
                    else _("You may not delete this.")), True
        return None
    workflow = workflow_of(request.registry, obj)
    chosen = workflow.transition(name) if workflow is not None else None
    if chosen is None or chosen.system:
        return _("This has no such step."), False
    if any(t.name == name for t in available_transitions(request, obj)):
        return None
    from statportal.workflow import state_of

    state = state_of(obj, workflow)
    if state not in chosen.from_states:
        return _("Not possible in the state ${state}.",
                 mapping={"state": state_title(request, obj) or state}), False
    return _("You may not do this."), True


def target_refusal(request, obj, target):
    """Why ``obj`` cannot go to ``target`` as ``(message, is_permission)``, or None."""
    info = get_content_registry(request.registry).typeof(obj)
    if info is None or not request.has_permission(info.add_permission, target):
        return _("You may not add this there."), True
    try:
        moving.check_move(request.registry, obj, target)
    except editing.EditError as exc:
        return exc.message, False
    return None


def transition_of(request, items, name):
    """The transition ``name`` as the items' workflows define it (title, comment)."""
    for _name, obj in items:
        workflow = workflow_of(request.registry, obj)
        chosen = workflow.transition(name) if workflow is not None else None
        if chosen is not None and not chosen.system:
            return chosen
    return None


def read_target(request, context, items):
    """The chosen folder for a move (``target_address``, a path or a pasted address of
    this portal, before ``target``, the list's choice): 400 when missing or no folder."""
    from statportal.content.references import ReferenceError as BadAddress
    from statportal.content.references import portal_path

    value = request.POST.get("target_address", "").strip() or \
        request.POST.get("target", "").strip()
    if not value:
        raise _bad(request, "target", _("Choose the folder to move to."))
    try:
        path = portal_path(request, value)
    except BadAddress as exc:
        raise _bad(request, "target", exc.args[0]) from None
    target = find_by_path(get_portal(request), canonical_path(path))
    if not isinstance(target, Folder):
        shown = value if len(value) <= 200 else value[:200] + "…"  # junk is not echoed whole
        raise _bad(request, "target", _("No folder at ${path}.", mapping={"path": shown}))
    return target


def plan(request, context, kind, name, items, target=None):
    """Each item with what will be done, or why not: ``[{name, obj, refused, denied}]``."""
    rows = []
    for item_name, obj in items:
        found = refusal(request, kind, name, obj)
        if found is None and target is not None:
            found = target_refusal(request, obj, target)
        rows.append({"name": item_name, "obj": obj, "state": state_title(request, obj),
                     "refused": found[0] if found else None,
                     "denied": bool(found and found[1]),
                     "count": len(obj) if isinstance(obj, Folder) else 0})
    if not any(row["refused"] is None for row in rows) and any(r["denied"] for r in rows):
        raise HTTPForbidden(request.localizer.translate(
            _("You may not do this with any of the selected items.")))
    return rows


def targets_for(request, context, items):
    """The folders the selected items may go to, as ``(path, title)``, and whether that
    is all of them (a very big tree is listed in part: then one pastes the address)."""
    types = {getattr(obj, "__content_type__", None) for _name, obj in items}
    found, complete = moving.targets(request, get_portal(request), types,
                                     exclude=[obj for _name, obj in items])
    return [(path_of(folder), label(request, getattr(folder, "title", None),
                                    folder.__name__ or "/"))
            for folder, _taken in found if folder is not context], complete


def back_url(request, context):
    query = {key: request.POST[key] for key in ("filter", "b_start") if request.POST.get(key)}
    return request.resource_url(context, "@@contents", query=query)


@view_config(context=Folder, name="bulk", request_method="POST", permission=MANAGE,
             renderer="statportal.views:templates/bulk.pt")
def bulk(context, request):
    kind, name = read_action(request)
    items = read_items(request, context)
    chosen = transition_of(request, items, name) if kind == "transition" else None
    if kind == "transition" and chosen is None:
        raise _bad(request, "action", _("Unknown action ${action}.",
                                        mapping={"action": name}))
    confirmed = request.POST.get("confirmed") == "1"
    target = read_target(request, context, items) if kind == "move" and confirmed else None
    comment = request.POST.get("comment", "").strip()
    if confirmed and chosen is not None and chosen.requires_comment and not comment:
        raise _bad(request, "comment", _("Give the reason in the comment."))
    rows = plan(request, context, kind, name, items, target)
    title = label(request, chosen.title, name) if chosen is not None else None
    possible = any(row["refused"] is None for row in rows)
    if confirmed and target is not None and not possible:
        raise _bad(request, "target", _("None of the selected items can go to ${path}.",
                                        mapping={"path": path_of(target)}))
    if not confirmed or not possible:
        if not possible:
            request.response.status = 409  # nothing selected can take it now
        targets, complete = targets_for(request, context, items) if kind == "move" \
            else ([], True)
        if chosen is not None and chosen.confirm:
            # what will happen to each, as the item's own button asks (Withdraw: the
            # public no longer sees it ...)
            for row in rows:
                if row["refused"] is None:
                    row["asked"] = confirmation(request, row["obj"], workflow_of(
                        request.registry, row["obj"]), chosen)["text"]
        return {"kind": kind, "action": request.POST["action"], "rows": rows,
                "title": title, "needs_comment": bool(chosen and chosen.requires_comment),
                "irreversible": bool(chosen and chosen.irreversible),
                "targets": targets, "all_targets": complete,
                "back": back_url(request, context),
                "possible": possible}
    return carry_out(request, context, kind, name, rows, target, comment, title)


#: the message names this many items, then says how many more (the session is a cookie:
#: 200 titles would not fit in its 4 KB, and nobody reads them in a message)
NAMES_SHOWN = 3
#: the messages' JSON size in the session beyond which they give counts only
MESSAGE_BUDGET = 1500


def names_of(request, rows, names=True):
    """The first items' titles (each cut at 60 characters) and how many more."""
    if not names:
        return request.localizer.translate(_("${n} items", mapping={"n": len(rows)}))
    shown = []
    for row in rows[:NAMES_SHOWN]:
        text = label(request, getattr(row["obj"], "title", None), row["name"])
        shown.append(text if len(text) <= 60 else text[:59] + "…")
    text = ", ".join(shown)
    if len(rows) > NAMES_SHOWN:
        text = request.localizer.translate(_("${items} and ${n} more", mapping={
            "items": text, "n": len(rows) - NAMES_SHOWN}))
    return text


def summary(request, kind, title, target, done, refused, names=True):
    """The messages after a bulk action, ``[(text, queue)]``: what was done, and what was
    not, once per reason."""
    translate = request.localizer.translate
    items = names_of(request, done, names)
    said = []
    if done and kind == "delete":
        said.append(_("Deleted (${n}): ${items}.", mapping={"n": len(done), "items": items}))
    elif done and kind == "move":
        said.append(_("Moved to ${target} (${n}): ${items}.", mapping={
            "target": label(request, getattr(target, "title", None), path_of(target)),
            "n": len(done), "items": items}))
    elif done:
        said.append(_("${action} (${n}): ${items}.", mapping={
            "action": title, "n": len(done), "items": items}))
    said = [(translate(text), "success") for text in said]
    by_reason = {}
    for row, reason in refused:
        by_reason.setdefault(translate(reason), []).append(row)
    reasons = list(by_reason.items())
    shown = reasons if names else reasons[:3]  # a reason naming each item's id: not 200
    for reason, rows in shown:
        said.append((translate(_("Not done for ${item}: ${reason}", mapping={
            "item": names_of(request, rows, names), "reason": reason})), "error"))
    more = sum(len(rows) for _reason, rows in reasons[len(shown):])
    if more:
        said.append((translate(_("Not done for ${n} more items.", mapping={"n": more})),
                     "error"))
    if not done:
        said.append((translate(_("Nothing was changed.")), "error"))
    return said


def carry_out(request, context, kind, name, rows, target, comment, title):
    """Do it for every item that may; report the others; back to the contents."""
    translate = request.localizer.translate
    done, refused = [], [(row, row["refused"]) for row in rows if row["refused"]]
    for row in rows:
        if row["refused"]:
            continue
        # an item refused half-way (a subscriber after the state changed) keeps nothing
        savepoint = request.tm.savepoint()
        try:
            if kind == "delete":
                editing.remove(context, row["name"], recursive=True,
                               actor=request.authenticated_userid)
            elif kind == "move":
                moving.move(request.registry, row["obj"], target)
            else:
                fire(request, row["obj"], name, comment)
        except (editing.EditError, WorkflowError) as exc:
            savepoint.rollback()
            reasons = [translate(exc.message),
                       *(translate(f.message) for f in getattr(exc, "findings", ()))]
            refused.append((row, " ".join(reasons)))
        else:
            done.append(row)
    said = summary(request, kind, title, target, done, refused)
    if len(json.dumps(said)) > MESSAGE_BUDGET:  # long titles in kk/ru: counts only
        said = summary(request, kind, title, target, done, refused, names=False)
    for text, queue in said:
        request.session.flash(text, queue)
    return HTTPSeeOther(back_url(request, context))
