"""Moving an object to another folder (folder contents' bulk "Move"), and the folders it
may go to.

A move is the folder's own remove and add, with their events: every catalog unindexes the
object at its old place and indexes it at the new one (its path, who may view it there),
and the workflow keeps its state and history (``initialize`` leaves an object that has
one alone). Everything that can refuse is checked before anything changes. The object
keeps its id; its address changes (links to the old one do not follow it).
"""

from statportal.content.editing import EditError
from statportal.content.folder import Folder, FolderKeyError
from statportal.content.paths import path_of
from statportal.i18n import _

#: the most folders a target list walks (a portal has tens; a bound all the same)
MAX_TARGETS = 2000


def within(obj, folder):
    """Whether ``folder`` is ``obj`` or inside it."""
    node = folder
    while node is not None:
        if node is obj:
            return True
        node = getattr(node, "__parent__", None)
    return False


def check_move(registry, obj, target):
    """Why ``obj`` cannot go to ``target`` (an ``EditError``), else None: the same place,
    into itself, a fixed place, a type the target does not take, an id already there."""
    from statportal.content.editing import check_addable

    if getattr(obj, "__is_fixed__", False):
        raise EditError(_("This place belongs to the portal and cannot be moved."), "ids",
                        status=409, type="fixed")
    if obj.__parent__ is target:
        raise EditError(_("It is already there."), "target", status=409, type="same_place")
    if within(obj, target):
        raise EditError(_("A folder cannot go into itself."), "target", status=409,
                        type="into_itself")
    check_addable(registry, target, getattr(obj, "__content_type__", None))
    if obj.__name__ in target:
        raise EditError(_("Something with the id ${name} already exists there.",
                          mapping={"name": obj.__name__}), "target", status=409,
                        type="duplicate_id")


def move(registry, obj, target):
    """Move ``obj`` into ``target`` under its id; checks first (``EditError``)."""
    check_move(registry, obj, target)
    source, name = obj.__parent__, obj.__name__
    try:
        target.check_name(name)
    except FolderKeyError as exc:
        raise EditError(exc.args[0], "target", status=409, type="duplicate_id") from None
    source.remove(name)
    target.add(name, obj)
    return obj


def targets(request, portal, types, exclude=()):
    """The folders, in tree order, that take an object of one of ``types`` and where this
    user may add it: ``([(folder, type names it takes)], complete)``; ``complete`` is
    False when the walk stopped at ``MAX_TARGETS`` folders. The walk enters ordered folders
    only: the big unordered ones (requests, questions, the calendar's years) hold no
    folders anything is moved to, and are not loaded child by child."""
    from statportal.content.registry import get_content_registry

    content = get_content_registry(request.registry)
    infos = [content.types[name] for name in types if name in content.types]
    found, stack, seen = [], [portal], 0
    while stack and seen < MAX_TARGETS:
        folder = stack.pop()
        seen += 1
        taken = tuple(info.name for info in infos
                      if info.is_addable_to(getattr(folder, "__content_type__", None))
                      and request.has_permission(info.add_permission, folder))
        if taken and not any(within(obj, folder) for obj in exclude):
            found.append((folder, taken))
        if folder.ordered:
            # type() of a ghost is its class: the children that are no folders stay unloaded
            children = [child for _name, child in folder.items()
                        if issubclass(type(child), Folder)]
            stack.extend(reversed(children))
    return found, not stack


__all__ = ["MAX_TARGETS", "check_move", "move", "path_of", "targets", "within"]
