"""The release entry's workflow, as data: provisional → confirmed → published, or
cancelled (with a public notice).

Its rules stay in :mod:`statportal.releases.entries` (who may, what a confirmed time
needs, the public change log); they move a stored entry by firing these transitions
(``entries.set_status``), so an
entry's status is its workflow state, with its history and events, and ``GET
<entry>/@workflow`` shows it. ``POST <entry>/@workflow/confirm`` and ``…/cancel`` run
the same rules as guards; ``publish`` is the system's (its materials went out).

Entries stored before the workflow keep their status in the attribute ``status``: the
evolve step ``adopt_entries`` ("statportal.releases" 1) makes it their workflow state;
until it runs (``statportal.evolve.pending = serve``), ``ReleaseEntry.__legacy_state__``
reads it, and their first transition writes the state.
"""

from statportal.i18n import _
from statportal.security.permissions import EDIT
from statportal.workflow import Finding, State, Transition, Workflow

NAME = "release_entry"


def confirm_guard(entry, request, transition):
    """By ``@workflow``, the rules of a confirmed time (exact, to come, a working day)."""
    from statportal import clock
    from statportal.content.editing import EditError
    from statportal.releases import entries
    from statportal.releases.service import work_calendar_for

    if getattr(request, "workflow_system", False):  # the rules' own caller checked them
        return []
    try:
        entries.check_new(entry.release, "confirmed", clock.now(),
                          work_calendar_for(request.registry, entry))
    except EditError as refused:
        return [Finding(refused.message, field=refused.field, code=refused.type or "invalid")]
    return []


def cancel_guard(entry, request, transition):
    """A release whose new materials still wait for it is not cancelled."""
    from statportal.releases.embargo import still_waiting

    waiting = still_waiting(entry)
    if waiting:
        return [Finding(_("${n} placements wait for this release: the moderator withdraws "
                          "them, or they are published, before it is cancelled.",
                          mapping={"n": len(waiting)}), field="status", code="conflict")]
    return []


RELEASE_ENTRY_WORKFLOW = Workflow(
    name=NAME,
    title=_("Release"),
    initial_state="provisional",
    # the type's permission map decides who sees and edits an entry, in every state
    states=(
        State("provisional", _("Provisional")),
        State("confirmed", _("Confirmed")),
        State("published", _("Published")),
        State("cancelled", _("Cancelled")),
    ),
    transitions=(
        Transition("confirm", ("provisional",), "confirmed", EDIT, _("Confirm"),
                   guards=(confirm_guard,), message=_("The release is confirmed: ${title}.")),
        Transition("cancel", ("provisional", "confirmed"), "cancelled", EDIT, _("Cancel"),
                   requires_comment=True, guards=(cancel_guard,),
                   message=_("The release is cancelled: ${title}."),
                   confirm=_("Cancel the release ${title}: the calendar shows it cancelled "
                             "with your reason, and it cannot be confirmed again."),
                   irreversible=True),
        Transition("publish", ("provisional", "confirmed"), "published", None, _("Publish"),
                   system=True),
    ),
)


def on_transition(event):
    """What a status change causes: a cancellation by ``@workflow`` keeps its public notice
    and log as PATCH does; every change is a modification of the entry (the release
    catalog reindexes it, the waiting worker wakes)."""
    from statportal.content.events import ObjectModified

    entry = event.object
    if getattr(entry, "__content_type__", None) != "ReleaseEntry":
        return
    if event.transition.name == "cancel" and not entry.cancel_notice:
        from statportal.releases.embargo import close_bundle

        lang = getattr(event.request, "locale_name", None) or "en"
        entry.cancel_notice = {lang if lang in ("kk", "ru", "en") else "en": event.comment}
        entry.changes = (*entry.changes, {"previous": entry.release, "new": None,
                                          "reason": dict(entry.cancel_notice),
                                          "by": event.entry["actor"],
                                          "at": event.entry["time"]})
        close_bundle(entry, event.entry["time"], "cancelled")
    event.request.registry.notify(ObjectModified(entry, ("status",)))


def adopt_entries(portal, registry):
    """Release entries: the status kept before their workflow becomes its state."""
    from statportal.releases.catalog import entries_in
    from statportal.workflow import adopt

    calendar = portal.get("calendar") if hasattr(portal, "get") else None
    adopted = 0
    for entry in entries_in(calendar) if calendar is not None else ():
        entry._p_activate()  # a ghost's __dict__ is empty
        status = entry.__dict__.get("status")
        if status is None:
            continue
        if adopt(registry, entry, status, entry.creator, entry.created) is not None:
            adopted += 1
        del entry.__dict__["status"]  # the state is the workflow's now
        entry._p_changed = True
    return adopted
