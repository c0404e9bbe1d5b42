"""What the moderator's Place does, in the same transaction as the transition (art. 9–13)."""

from statportal.content.base import utcnow
from statportal.content.names import name_from_title
from statportal.content.paths import find_by_path, path_of, root_of
from statportal.content.registry import get_content_registry
from statportal.i18n import _
from statportal.workflow import Finding

#: the placement's kind as the add form names it ("New", not "new"): the request's page,
#: the register and Place's history entry
PLACEMENT_TITLES = {"new": _("New"), "replace": _("Replace"), "delete": _("Delete")}


def target_material(request_obj):
    material = find_by_path(root_of(request_obj), request_obj.replaces)
    if material is None or getattr(material, "__content_type__", None) != "Material":
        return None
    return material


def placement_guard(request_obj, request, transition):
    """The references that Place needs must still hold when it is done."""
    findings = []
    root = root_of(request_obj)
    section = find_by_path(root, request_obj.section)
    if request_obj.placement_type == "new" and (
            section is None or getattr(section, "__content_type__", None) != "Section"):
        findings.append(Finding(_("The target section ${path} no longer exists.",
                                  mapping={"path": request_obj.section}), field="section",
                                code="missing_section"))
    if request_obj.placement_type in ("replace", "delete") and target_material(request_obj) is None:
        findings.append(Finding(_("The material ${path} to replace or remove does not exist.",
                                  mapping={"path": request_obj.replaces}), field="replaces",
                                code="missing_material"))
    if request_obj.placement_type in ("new", "replace") and not findings:
        from statportal.materials.validators import get_validators

        findings.extend(get_validators(request.registry).check(
            placed_candidate(request_obj), request))
    return findings


def placed_candidate(request_obj):
    """What the material will be once placed: for a Replace, the new title over the old
    one and the new files beside the kept ones (as ``Material.new_version`` makes it)."""
    from types import SimpleNamespace

    if request_obj.placement_type != "replace":
        return request_obj
    material = target_material(request_obj)
    brought = {f.language for f in request_obj.files}
    # The request's declaration when it makes one, else the material's (None: presumed).
    declaring = getattr(request_obj, "primary_data", None) is not None
    source = request_obj if declaring else material
    return SimpleNamespace(
        title={**material.title, **request_obj.title},
        languages=tuple(request_obj.languages or material.languages),
        category=getattr(material, "category", None),
        files=[*request_obj.files, *(f for f in material.files if f.language not in brought)],
        bases=list(request_obj.bases or material.bases or ()),
        primary_data=getattr(source, "primary_data", None),
        primary_data_reason=getattr(source, "primary_data_reason", "") or "",
        disclosure_override=request_obj.disclosure_override)


def copy_dates(material, request_obj):
    """The period covered and the next update the request gives (issue 18) go to the
    material; a request that gives none (or one stored before they existed) keeps the
    material's."""
    from statportal.placement.period import period_bounds

    start, end = period_bounds(getattr(request_obj, "period", ""))
    if start is not None:
        material.period_start, material.period_end = start, end
    next_update = getattr(request_obj, "next_update", None)
    if next_update is not None:
        material.next_update = next_update


def apply_replace(material, request_obj, actor, request=None):
    """A Replace's new version on ``material`` (at Place, or at its release: the one
    place this is written): the title and files, what other features copy
    (``TookRequest``: the declaration), the override, the request's number."""
    from statportal.materials.events import TookRequest

    material.new_version(request_obj.title, request_obj.files, request_obj.number,
                         bases=request_obj.bases)
    copy_dates(material, request_obj)
    registry = request.registry if request is not None else None
    if registry is None:
        from pyramid.threadlocal import get_current_registry

        registry = get_current_registry()
    registry.notify(TookRequest(material, request_obj, actor, request))
    override = getattr(request_obj, "disclosure_override", None)
    if override:
        material.disclosure_override = dict(override)
    material.placed_by = (*getattr(material, "placed_by", ()), request_obj.number)


def place(request, request_obj):
    """New: a published Material in the section; Replace: a new version, the old one kept;
    Delete: the material withdrawn, kept for the record. Returns the material.

    A feature may hold the placement back (``Placing``: the release calendar's embargo,
    :mod:`statportal.releases.embargo`): a new material is then ``scheduled``, a Replace
    waits on its request; both go public at the release time. The material moves by its
    workflow's system transition ``place``; publishing's effects (``published_at``, the
    catalog) are its subscribers'."""
    from statportal.materials.events import TookRequest
    from statportal.placement.events import Placed, Placing
    from statportal.workflow import fire, note

    registry = request.registry
    actor = request.authenticated_userid
    kind = request_obj.placement_type
    placing = Placing(request, request_obj, utcnow())
    if kind != "delete":
        registry.notify(placing)
    waiting = placing.held_by is not None
    if kind == "new":
        section = find_by_path(root_of(request_obj), request_obj.section)
        material = get_content_registry(registry).create(
            "Material", title=dict(request_obj.title), category=request_obj.category,
            creator=actor)
        material.files.extend(request_obj.files)
        material.bases = list(request_obj.bases or ())
        material.languages = tuple(sorted(request_obj.languages or ()))
        material.unit = request_obj.unit
        material.executor = request_obj.executor
        copy_dates(material, request_obj)
        section.add(name_from_title(request_obj.title, section, section.reserved_names),
                    material)
        to_state = "scheduled" if waiting else "published"
    else:
        material = target_material(request_obj)
        to_state = "published" if kind == "replace" else "withdrawn"
    if kind != "delete":
        material.executor_email = request_obj.executor_email
    comment = place_comment(request_obj, kind, placing.why if waiting else None)
    request_obj.material = path_of(material)
    if waiting and kind == "replace":
        # The published version stays as it is, its history too: the new version, its
        # override and its record come with the release (embargo._publish_item).
        registry.notify(Placed(request, request_obj, material, placing))
        return material
    override = getattr(request_obj, "disclosure_override", None)
    if override and kind != "delete":
        material.disclosure_override = dict(override)
        note(material, "disclosure_override", override["reason"], actor=override["actor"],
             request=request)
    if kind == "replace":
        apply_replace(material, request_obj, actor, request)
    else:
        if kind == "new":  # e.g. the declaration, whose history entry names who declared it
            registry.notify(TookRequest(material, request_obj, actor, request))
        material.placed_by = (*getattr(material, "placed_by", ()), request_obj.number)
    fire(request, material, "place", comment, system=True, to_state=to_state,
         at=placing.now)  # a late placement's release shares its moment
    registry.notify(Placed(request, request_obj, material, placing))
    return material


def place_comment(request_obj, kind, why=None):
    """Place's history words, shown in the reader's language: the request's number, its
    placement type (stored as its code), what holds it back, the sheets removed."""
    from statportal.workflow import Term

    comment = _("${number} (${kind})", mapping={
        "number": request_obj.number, "kind": Term(kind, PLACEMENT_TITLES.get(kind))})
    if why:
        comment = _("${placement}; ${why}", mapping={"placement": comment, "why": why})
    removed = [f"{f.filename}: {', '.join(f.removed_sheets)}" for f in request_obj.files
               if f.removed_sheets and kind != "delete"]
    if removed:
        comment = _("${placement}; sheets without data removed: ${sheets}",
                    mapping={"placement": comment, "sheets": "; ".join(removed)})
    return comment
