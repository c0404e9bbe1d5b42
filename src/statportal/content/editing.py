"""Adding, editing, renaming and removing content: the rules, without HTTP.

Views (HTML and JSON) call these after the permission check; every refusal
is an ``EditError`` naming the field and the reason, raised before anything
is changed, so stored data stays exactly as it was.
"""

import colander

from statportal.content.base import multilingual, utcnow
from statportal.content.events import ObjectModified
from statportal.content.folder import Folder, FolderKeyError
from statportal.content.names import InvalidName, name_from_title
from statportal.content.registry import get_content_registry
from statportal.i18n import _
from statportal.interfaces import IContentRegistry


class EditError(Exception):
    """A refused change. ``status``: 400 bad input, 404 unknown, 409 state conflict."""

    def __init__(self, message, field=None, status=400, type="invalid", findings=()):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status
        self.type = type
        self.findings = tuple(findings)  # statportal.workflow.Finding, when guards refuse


def type_info(registry, type_name):
    info = get_content_registry(registry).get(type_name)
    if info is None:
        raise EditError(_("Unknown type ${name}.", mapping={"name": type_name}), "@type",
                        type="unknown_type")
    return info


def check_addable(registry, container, type_name):
    info = type_info(registry, type_name)
    container_info = get_content_registry(registry).typeof(container)
    container_type = container_info.name if container_info else None
    if not isinstance(container, Folder) or not info.is_addable_to(container_type):
        raise EditError(
            _("A ${type} cannot be added here.", mapping={"type": type_name}), "@type",
            status=409 if isinstance(container, Folder) else 400, type="not_addable")
    return info


def choose_name(container, info, name, appstruct):
    if name:
        try:
            return container.check_name(name)
        except InvalidName as exc:
            raise EditError(exc.args[0], "id", type="invalid_id") from None
        except FolderKeyError as exc:
            raise EditError(exc.args[0], "id", status=409, type="duplicate_id") from None
    if info.meta.get("id_required"):
        raise EditError(_("Required"), "id", type="required")
    if info.meta.get("name_factory"):
        return info.meta["name_factory"]()
    return name_from_title(appstruct.get("title"), container, container.reserved_names)


def create(registry, container, type_name, name, appstruct, creator=None):
    """Create, fill and add an object; returns it.

    A type registered with ``create=callable`` (``add_content_type(..., create=…)``) owns
    its creation: ``create(registry, container, name, appstruct, creator)`` applies its
    rules (where it goes, what must hold) and returns the added object."""
    info = check_addable(registry, container, type_name)
    custom = info.meta.get("create")
    if custom is not None:
        return custom(registry, container, name, appstruct, creator)
    name = choose_name(container, info, name, appstruct)
    obj = get_content_registry(registry).create(type_name)
    obj.creator = creator
    apply_fields(obj, appstruct, registry)
    container.add(name, obj)
    return obj


def apply_fields(obj, appstruct, registry=None):
    """Write the values that changed (only those, to keep the database lean). A field
    another feature added to the type's schema is written by that feature's setter
    (``add_schema_extension(..., setters=)``; ``registry``: the current one by default)."""
    changed = []
    if registry is None:  # a type's own create/update rules may not pass it
        from pyramid.threadlocal import get_current_registry

        registry = get_current_registry()
    content = registry.queryUtility(IContentRegistry)
    for key, value in appstruct.items():
        setter = getattr(obj, f"set_{key}", None)
        if setter is None and content is not None:
            owned = content.field_setter(obj, key)
            setter = (lambda value, owned=owned: owned(obj, value)) if owned else None
        if setter is not None:
            if value not in (None, colander.null, ""):
                setter(value)
                changed.append(key)
            continue
        value = normalise(value)
        if isinstance(getattr(type(obj), key, None), property):
            continue
        if getattr(obj, key, _MISSING) != value:
            setattr(obj, key, value)
            changed.append(key)
    return changed


def update(registry, obj, appstruct, actor=None):
    """Write the changed fields; a type registered with ``update=callable`` owns its
    rules: ``update(registry, obj, appstruct, actor)`` returns the changed names."""
    info = get_content_registry(registry).typeof(obj)
    custom = info.meta.get("update") if info is not None else None
    if custom is not None:
        return custom(registry, obj, appstruct, actor)
    changed = apply_fields(obj, appstruct, registry)
    if changed:
        obj.modified = utcnow()
        registry.notify(ObjectModified(obj, changed))
    return changed


def normalise(value):
    if isinstance(value, set | frozenset):
        return tuple(sorted(value))
    if isinstance(value, dict) and set(value) <= {"kk", "ru", "en"}:
        return multilingual(value)
    return value


def remove(container, name, recursive=False, actor=None):
    obj = container.get(name)
    if obj is None:
        raise EditError(_("Nothing with the id ${name} is here.", mapping={"name": name}), "id",
                        status=404, type="not_found")
    if actor is not None and getattr(obj, "__content_type__", None) == "User" and name == actor:
        raise EditError(_("You cannot remove your own account."), None, status=409,
                        type="own_account")
    if getattr(obj, "__is_fixed__", False):
        raise EditError(_("This place belongs to the portal and cannot be removed."), None,
                        status=409, type="fixed")
    if isinstance(obj, Folder) and len(obj) and not recursive:
        raise EditError(
            _("${title} is not empty (${n} items). Confirm to remove it with everything in it.",
              mapping={"title": name, "n": len(obj)}),
            "confirm", status=409, type="not_empty")
    return container.remove(name)


def rename(container, old, new):
    if old not in container:
        raise EditError(_("Nothing with the id ${name} is here.", mapping={"name": old}), "id",
                        status=404, type="not_found")
    if getattr(container[old], "__is_fixed__", False) or not container.renamable:
        raise EditError(_("This id cannot be changed."), "id", status=409, type="fixed")
    try:
        return container.rename(old, new)
    except InvalidName as exc:
        raise EditError(exc.args[0], "id", type="invalid_id") from None
    except FolderKeyError as exc:
        raise EditError(exc.args[0], "id", status=409, type="duplicate_id") from None


_MISSING = object()
