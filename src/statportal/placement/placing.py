"""What the moderator's Place does, in the same transaction as the transition (art. 9–13)."""

from statportal.content.base import utcnow
from statportal.content.names import name_from_title
from statportal.content.paths import find_by_path, path_of, root_of
from statportal.content.registry import get_content_registry
from statportal.i18n import _
from statportal.materials.catalog import get_catalog
from statportal.workflow import Finding


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


def place(request, request_obj):
    """New: a published Material in the section; Replace: a new version, the old one kept;
    Delete: the material withdrawn, kept for the record. Returns the material.

    A request tied to a release of the calendar whose time has not come is placed under
    embargo (:mod:`statportal.releases.embargo`): a new material is ``scheduled``, a
    Replace waits on its request; both go public at the release time."""
    from statportal.confidentiality.declaration import (
        declaration_comment,
        declarer,
        take_declaration,
    )
    from statportal.releases import embargo
    from statportal.workflow import note, state_of, step, workflow_of

    registry = request.registry
    declaration_changed = False
    actor = request.authenticated_userid
    now = utcnow()
    entry = embargo.entry_of(request_obj) if request_obj.placement_type != "delete" else None
    waiting = entry is not None and embargo.waits(entry, now)
    if request_obj.placement_type == "new":
        section = find_by_path(root_of(request_obj), request_obj.section)
        material = get_content_registry(registry).create(
            "Material", title=dict(request_obj.title), category=request_obj.category,
            creator=actor)
        material.files.extend(request_obj.files)
        material.bases = list(request_obj.bases or ())
        material.languages = tuple(sorted(request_obj.languages or ()))
        material.unit = request_obj.unit
        material.executor = request_obj.executor
        section.add(name_from_title(request_obj.title, section, section.reserved_names),
                    material)
        # taken once added: its history names who declared it (the request's executor),
        # not the moderator who places it
        declaration_changed = take_declaration(material, request_obj)
        to_state = "scheduled" if waiting else "published"
    else:
        material = target_material(request_obj)
        if request_obj.placement_type == "replace":
            if not waiting:
                material.new_version(request_obj.title, request_obj.files, request_obj.number,
                                     bases=request_obj.bases)
                declaration_changed = take_declaration(material, request_obj)
            to_state = "published"
        else:
            to_state = "withdrawn"
    if request_obj.placement_type != "delete":
        material.executor_email = request_obj.executor_email
    workflow = workflow_of(registry, material)
    from_state = state_of(material, workflow)
    comment = f"{request_obj.number} ({request_obj.placement_type})"
    if waiting:
        comment += f"; waits for the release {path_of(entry)} at {entry.release_at}"
    removed = [f"{f.filename}: {', '.join(f.removed_sheets)}" for f in request_obj.files
               if f.removed_sheets and request_obj.placement_type != "delete"]
    if removed:
        comment += "; sheets without data removed: " + "; ".join(removed)
    request_obj.material = path_of(material)
    if waiting and request_obj.placement_type == "replace":
        # The published version stays as it is, its history too: the new version, its
        # override and its record come with the release (embargo._publish_item).
        embargo.add_to_bundle(entry, material, request_obj, "replace")
        material.pending_release = path_of(entry)
        return material
    override = getattr(request_obj, "disclosure_override", None)
    if override and request_obj.placement_type != "delete":
        material.disclosure_override = dict(override)
        step(material, workflow, "disclosure_override", from_state, override["actor"],
             override["reason"])
    if declaration_changed:
        note(material, "primary_data",
             f"{declaration_comment(material)} ({request_obj.number})",
             actor=declarer(request_obj) or actor, request=request)
    step(material, workflow, "place", to_state, actor, comment)
    if to_state == "published" and not waiting:
        material.published_at = now
    material.placed_by = (*getattr(material, "placed_by", ()), request_obj.number)
    if waiting:
        embargo.add_to_bundle(entry, material, request_obj, request_obj.placement_type)
        material.pending_release = path_of(entry)
    elif entry is not None:
        embargo.placed_at_once(registry, entry, material, request_obj,
                               request_obj.placement_type, now)
    get_catalog(root_of(material)).index(material)
    return material
