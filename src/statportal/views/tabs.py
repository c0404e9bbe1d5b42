"""``config.add_object_tab``: a staff tab a feature adds to the pages of a content type.

    config.add_object_tab("bundle", "Section", "@@bundle", _("Offline copy"),
                          "statportal.material.add")

The layout's tabs (View, Contents, Edit, …) are the core's; a feature's page on an object of
another package's type (the offline copy of a section) is reached from the same row, shown
to those who hold ``permission`` on the object, in ``order`` after the core's own tabs
(before Sharing and Delete).
"""

from pyramid.exceptions import ConfigurationError

from statportal.interfaces import IObjectTabs


class ObjectTabs:
    def __init__(self):
        self.tabs = {}   # name -> (content type, view name, title, permission, order)


def add_object_tab(config, name, content_type, view_name, title, permission, order=100):
    from statportal.directives import check_name, utility

    directive = "add_object_tab"
    check_name(directive, name)
    for what, value in (("the content type", content_type), ("the view name", view_name),
                        ("the permission", permission)):
        if not isinstance(value, str) or not value.strip():
            raise ConfigurationError(f"{directive} {name!r}: {what} must be a non-empty "
                                     f"string, not {value!r}")
    if not title or not isinstance(title, str):
        raise ConfigurationError(f"{directive} {name!r}: the title must be a text, "
                                 f"not {title!r}")
    if isinstance(order, bool) or not isinstance(order, int):
        raise ConfigurationError(f"{directive} {name!r}: order must be a whole number, "
                                 f"not {order!r}")

    def register():
        utility(config.registry, IObjectTabs, ObjectTabs).tabs[name] = (
            content_type, view_name, title, permission, order)

    intr = config.introspectable("statportal object tabs", name, name, "statportal object tab")
    intr.update(content_type=content_type, view_name=view_name, title=title,
                permission=permission, order=order)
    config.action(("statportal-object-tab", name), register, introspectables=(intr,))


def object_tabs(context, registry):
    """``(title, view name, permission)`` of the tabs registered for ``context``'s type."""
    registered = registry.queryUtility(IObjectTabs)
    kind = getattr(context, "__content_type__", None)
    if registered is None or kind is None:
        return []
    found = sorted((order, name, view_name, title, permission)
                   for name, (content_type, view_name, title, permission, order)
                   in registered.tabs.items() if content_type == kind)
    return [(title, view_name, permission) for _o, _n, view_name, title, permission in found]


def includeme(config):
    config.add_directive("add_object_tab", add_object_tab)
