"""The embargo: placements tied to a release of the calendar wait for its time.

- ``schedule``: the moderator's Place of a request whose release is still to come. A new
  material is made in the ``scheduled`` state (nobody without the right sees it); a
  Replace leaves the published version alone and keeps the new one on its request. Both
  join the entry's ``bundle``.
- ``release_entry``: at the release time (the worker), every waiting placement of the
  bundle goes public in one transaction, and the entry is marked published.
- ``request_early`` / ``confirm_early``: "publish now" before the time needs the
  material's id typed as confirmation and a second person with the right; both are
  recorded in the material's history and the entry's notes.

Two workers releasing the same entry both write the entry: the second one's commit
conflicts and is retried against the new state, where nothing is pending any more.
"""

from statportal.content.editing import EditError
from statportal.content.paths import find_by_path, path_of, root_of
from statportal.i18n import _, interpolate
from statportal.releases import entries
from statportal.workflow import state_of

WORKER = "system:worker"


def entry_of(request_obj):
    """The release entry a placement request is tied to, or None."""
    path = getattr(request_obj, "release", "") or ""
    if not path:
        return None
    entry = find_by_path(root_of(request_obj), path)
    if getattr(entry, "__content_type__", None) != "ReleaseEntry":
        return None
    return entry


def waits(entry, now):
    """Whether a placement for ``entry`` waits: the entry is still to come out and its
    time (or, for a provisional month, its confirmation) has not come."""
    if entry.status not in ("provisional", "confirmed"):
        return False
    return entry.status == "provisional" or entry.release.at > now


def add_to_bundle(entry, material, request_obj, action, done=None):
    """Items name the material by its uid (a rename does not lose it) and by its path."""
    entry.bundle.append({"material": path_of(material), "uid": material.uid,
                         "request": path_of(request_obj), "action": action, "done": done})


def material_of(portal, item):
    """The item's material: by uid through the catalog, else by its path."""
    from statportal.materials.catalog import get_catalog

    uid = item.get("uid")
    if uid:
        catalog = get_catalog(portal)
        docid = catalog.docids.get(uid)
        found = catalog.objects.get(docid) if docid is not None else None
        if found is not None:
            return found
    found = find_by_path(portal, item["material"])
    return found if getattr(found, "__content_type__", None) == "Material" else None


class Refused(Exception):
    """The checks of publishing refuse a waiting placement at its release time."""

    def __init__(self, findings):
        super().__init__(findings)
        self.findings = tuple(findings)


def _checks_request(registry):
    """The request the material validators read: the worker's (or the placing one's)
    when there is one, else the registry alone (a script)."""
    from types import SimpleNamespace

    from pyramid.threadlocal import get_current_request

    request = get_current_request()
    if request is None or request.registry is not registry:
        request = SimpleNamespace(registry=registry, locale_name=None,
                                  authenticated_userid=WORKER)
    return request


def check_publishable(registry, candidate):
    """Nothing reaches the public unchecked: the material validators (the disclosure check
    among them) run again when a waiting placement goes public — its files, bases or the
    portal's rules may have changed since the Place that scheduled it."""
    from statportal.materials.validators import get_validators

    findings = get_validators(registry).check(candidate, _checks_request(registry))
    if findings:
        raise Refused(findings)


def candidate_of(portal, item):
    """What the checks judge for a waiting placement: the scheduled material (a new one),
    or the material as the waiting Replace would make it; None when it no longer waits."""
    material = material_of(portal, item)
    if material is None:
        return None
    if item["action"] == "new":
        return material
    from statportal.placement.placing import placed_candidate

    request_obj = find_by_path(portal, item["request"])
    return placed_candidate(request_obj) if request_obj is not None else None


def prepare_entry(registry, entry):
    """Run the checks of the entry's waiting placements ahead of its time (the caller
    aborts: nothing is written). The disclosure check caches what it computes by content,
    so at the release's second it finds them done — a table as large as 220 districts × 88
    activities took 14 s to check cold, and the release would have been that late. What
    changes meanwhile has other content, and is checked again at the second. Returns the
    number of placements checked."""
    from statportal.materials.validators import get_validators

    portal = root_of(entry)
    checked = 0
    for item in entry.pending():
        candidate = candidate_of(portal, item)
        if candidate is None:
            continue
        get_validators(registry).check(candidate, _checks_request(registry))
        checked += 1
    return checked


def _publish_item(registry, portal, entry, item, now, actor, action_name, comment):
    """Make one waiting placement public by the material's system transition
    ``action_name`` (``release`` or ``publish_now``); returns the material, or None when
    it no longer waits (withdrawn or removed before its time): the caller records that.
    Raises ``Refused`` when the checks of publishing refuse it (nothing is changed).
    ``published_at`` and the catalog are the transition's subscribers'."""
    from statportal.workflow import fire, request_for

    material = material_of(portal, item)
    if material is None:
        return None
    state = state_of(material, "material")
    if item["action"] == "new":
        if state != "scheduled":
            return None
        check_publishable(registry, material)
    else:
        from statportal.placement.placing import apply_replace, place_comment, placed_candidate

        request_obj = find_by_path(portal, item["request"])
        if request_obj is None or state != "published":
            return None
        check_publishable(registry, placed_candidate(request_obj))
        apply_replace(material, request_obj, actor)
        comment = place_comment(request_obj, "replace", comment)  # in the reader's language
    material.pending_release = None
    material.early_release = None
    fire(request_for(registry), material, action_name, comment, system=actor, at=now)
    return material


def _mark_done(entry, item, now, skipped=None):
    index = list(entry.bundle).index(item)
    done = {**item, "done": now}   # a new dict: persistence sees the change
    if skipped:
        done["skipped"] = skipped
    entry.bundle[index] = done


def release_entry(registry, entry, now, actor=WORKER):
    """Publish the entry's waiting placements together and mark it published; returns the
    materials released. A placement that no longer waits is recorded as skipped in the
    bundle and the entry's notes."""
    portal = root_of(entry)
    released = []
    for item in entry.pending():
        try:
            material = _publish_item(registry, portal, entry, item, now, actor, "release",
                                     path_of(entry))
        except Refused as refused:
            _refused_at_release(registry, portal, entry, item, now, actor, refused)
            continue
        if material is None:
            _mark_done(entry, item, now, skipped="no longer waiting")
            entry.notes = (*entry.notes, f"{item['material']}: not released, it no longer "
                                         "waited (withdrawn or removed)")
            left = material_of(portal, item)
            if left is not None:
                left.pending_release = left.early_release = None
        else:
            _mark_done(entry, item, now)
            released.append(material)
    if released:  # a bundle whose materials were all withdrawn meanwhile is not a release
        entries.mark_published(entry, now)
    _reindex_entry(portal, entry)
    return released


#: findings whose text carries values of a basis (primary data) or of the refused table
VALUE_CODES = frozenset({"confidential_shown", "differs_from_basis", "exposed"})


def _recorded(finding):
    """A finding as the history and the entry's notes keep it: those who see them need
    not see the basis (the disclosure page, for those who may, shows the cells)."""
    return interpolate(_recorded_message(finding))


def _recorded_message(finding):
    """``_recorded``'s words as a ``_()`` message: the history shows it in the reader's
    language."""
    if finding.code in VALUE_CODES:
        return _("${file}: refused by the confidentiality check (${code}); its "
                 "disclosure page shows the cells.", mapping={
                     "file": (finding.location or {}).get("file") or "",
                     "code": finding.code})
    return finding.message


def _refused_at_release(registry, portal, entry, item, now, actor, refused):
    """A waiting placement the checks refuse stays where it is (a new material scheduled,
    a Replace's published version unchanged); the bundle, the entry's notes and the
    material's history say why, for the moderator to correct and publish it."""
    from statportal.workflow import note

    texts = "; ".join(_recorded(f) for f in refused.findings)
    _mark_done(entry, item, now, skipped="refused by the checks of publishing")
    entry.notes = (*entry.notes, f"{item['material']}: not released, the checks of "
                                 f"publishing refuse it: {texts}")
    material = material_of(portal, item)
    if material is not None:
        material.pending_release = material.early_release = None
        said = path_of(entry)  # then each finding, in the reader's language
        for number, finding in enumerate(refused.findings):
            mapping = {"before": said, "finding": _recorded_message(finding)}
            said = _("${before}; ${finding}", mapping=mapping) if number else \
                _("${before}: ${finding}", mapping=mapping)
        note(material, "release_refused", said, actor=actor)


def still_waiting(entry):
    """The bundle's new materials still scheduled for the entry (not withdrawn meanwhile):
    cancelling the entry would leave them hidden for good. A waiting Replace is not among
    them: cancelling drops it, and the published version stays."""
    portal = root_of(entry)
    waiting = []
    for item in entry.pending():
        material = material_of(portal, item)
        if material is None or item["action"] != "new":
            continue
        if state_of(material, "material") == "scheduled":
            waiting.append(item)
    return waiting


def close_bundle(entry, now, why):
    """The entry will not come out (cancelled): what is left in its bundle is skipped, and
    its materials no longer wait for it."""
    portal = root_of(entry)
    for item in entry.pending():
        _mark_done(entry, item, now, skipped=why)
        material = material_of(portal, item)
        if material is not None:
            material.pending_release = material.early_release = None


def on_withdrawn(event):
    """A new material withdrawn while it waits stays tied to the release: publishing it
    again before the release time is refused (``embargo_guard``), and at the release time
    it is skipped (after which it may be published as any other). Recorded in the entry's
    notes."""
    material = event.object
    if getattr(material, "__content_type__", None) != "Material" or \
            event.transition.name != "withdraw":
        return
    entry, item = waiting_item(material)
    if entry is not None:
        entry.notes = (*entry.notes, f"{item['material']}: withdrawn before the release")


def _reindex_entry(portal, entry):
    from statportal.releases.catalog import get_release_catalog

    get_release_catalog(portal).index(entry)


def placed_at_once(registry, entry, material, request_obj, action, now):
    """A placement for an entry whose time has come (a late placement): it is public at
    once, and so is whatever was already waiting in the bundle (the worker had not come
    yet); it joins the bundle as done, and the entry is published with its delay."""
    if entry.status == "confirmed" and entry.pending():
        release_entry(registry, entry, now)
    add_to_bundle(entry, material, request_obj, action, done=now)
    if entry.status in ("provisional", "confirmed"):
        entries.mark_published(entry, now)
    _reindex_entry(root_of(entry), entry)


# -- Place held back (placement's events) ---------------------------------------------------
def on_placing(event):
    """Place of a request tied to a release still to come waits for it."""
    entry = entry_of(event.request_obj)
    if entry is not None and waits(entry, event.now):
        # the history's words, shown in the reader's language (a _() message)
        event.hold(entry, _("waits for the release ${path} at ${time}", mapping={
            "path": path_of(entry), "time": str(entry.release_at)}))


def on_placed(event):
    """A held placement joins the release's bundle; one whose release time has come
    (a late placement) publishes the release with its delay."""
    entry = event.placing.held_by
    kind = event.request_obj.placement_type
    if entry is not None:
        add_to_bundle(entry, event.material, event.request_obj, kind)
        event.material.pending_release = path_of(entry)
        return
    entry = entry_of(event.request_obj) if kind != "delete" else None
    if entry is not None:
        placed_at_once(event.request.registry, entry, event.material, event.request_obj,
                       kind, event.now)


# -- publish now ----------------------------------------------------------------------------
def waiting_item(material):
    """``(entry, item)`` of the bundle in which ``material`` waits, or ``(None, None)``."""
    path = getattr(material, "pending_release", None)
    if not path:
        return None, None
    entry = find_by_path(root_of(material), path)
    for item in entry.pending() if entry is not None else ():
        if item.get("uid") == material.uid or item["material"] == path_of(material):
            return entry, item
    return None, None


def _check_typed(material, typed):
    if (typed or "").strip() != material.__name__:
        raise EditError(_("Type the material's id, ${id}, to confirm.",
                          mapping={"id": material.__name__}), "confirm", type="confirmation")


def request_early(material, actor, typed, reason, now):
    """The first person asks to publish before the release time: recorded, not done."""
    entry, item = waiting_item(material)
    if entry is None:
        raise EditError(_("This material does not wait for a release."), None, status=409,
                        type="conflict")
    _check_typed(material, typed)
    reason = (reason or "").strip()
    if not reason:
        raise EditError(_("Publishing before the release time needs a reason."), "reason",
                        type="required")
    material.early_release = {"requested_by": actor, "requested_at": now, "reason": reason,
                              "entry": path_of(entry)}
    return material.early_release


def confirm_early(registry, material, actor, typed, now):
    """A second person confirms: the material goes public now; recorded on both sides."""
    entry, item = waiting_item(material)
    pending = getattr(material, "early_release", None)
    if entry is None or not pending or pending.get("entry") != path_of(entry):
        # An ask made for another release (cancelled, or already out) does not count.
        raise EditError(_("Nobody has asked to publish this material early."), None,
                        status=409, type="conflict")
    if pending["requested_by"] == actor:
        raise EditError(_("A second person must confirm publishing before the release "
                          "time."), None, status=403, type="second_person")
    _check_typed(material, typed)
    comment = _("${entry}: published before ${time}; asked by ${asker} (${reason}), "
                "confirmed by ${actor}", mapping={
                    "entry": path_of(entry), "time": str(entry.release_at),
                    "asker": pending["requested_by"], "reason": pending["reason"],
                    "actor": actor})  # the history shows it in the reader's language
    try:
        published = _publish_item(registry, root_of(material), entry, item, now, actor,
                                  "publish_now", comment)
    except Refused as refused:
        raise EditError(_("Publishing is refused: see the findings."), None, status=409,
                        type="refused", findings=refused.findings) from None
    if published is None:
        raise EditError(_("This material does not wait for a release."), None, status=409,
                        type="conflict")
    _mark_done(entry, item, now)
    entry.notes = (*entry.notes, comment)
    material.early_release = None
    if not entry.pending() and entry.status in ("provisional", "confirmed"):
        entries.mark_published(entry, now)
    _reindex_entry(root_of(entry), entry)
    return comment


def embargo_guard(material, request, transition):
    """Publishing by the workflow is refused while the material waits for a release: its
    time, or "publish now" by two people, decides."""
    from statportal.workflow import Finding

    entry, item = waiting_item(material)
    if entry is not None and item["action"] == "new":
        return [Finding(_("This material waits for the release ${path}; it is published "
                          "at its time, or earlier by two people (publish now).",
                          mapping={"path": material.pending_release}), code="embargo")]
    return []


def replace_guard(request_obj, request, transition):
    """A Replace is refused while another Replace of the same material waits for a
    release: applied later, the older version would land on top of the newer one."""
    from statportal.workflow import Finding

    if request_obj.placement_type != "replace":
        return []
    from statportal.placement.placing import target_material

    material = target_material(request_obj)
    entry, item = waiting_item(material) if material is not None else (None, None)
    if entry is None or item["action"] != "replace" or item.get("request") == path_of(
            request_obj):
        return []
    return [Finding(_("A replacement of this material already waits for the release "
                      "${path}; place this one after it, or tie it to the same release.",
                      mapping={"path": path_of(entry)}), field="replaces", code="embargo")]
