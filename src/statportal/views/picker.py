"""Reference pickers: a text field for a portal path that also searches as one types.

Without JavaScript the field is a text input that takes a path or a pasted address of
this portal (``statportal.content.references``). ``static/picker.js`` makes it a
combobox (WAI-ARIA 1.2 pattern: ``role=combobox``, a ``listbox`` of options, arrow keys,
Enter, Escape) that asks ``@@references?type=…&q=…`` for matches. The matches come from
the ``IReferenceSearch`` utility of the type, registered by the feature that keeps its
catalog and filtered by the catalog's ``allowed`` index (what the user may view).
"""

import deform.widget
from pyramid.view import view_config
from zope.interface import Interface

from statportal.content.resources import Portal
from statportal.i18n import _, pick
from statportal.interfaces import IReferenceSearch
from statportal.security.permissions import STAFF

LIMIT = 10


class IReferenceFill(Interface):
    """A feature's ``fill(request, obj) -> {field: value}``: what a chosen object of its
    type tells a form (a plan item: title, section, category, languages, its one upcoming
    release). Named by the type; a feature asks for it here instead of importing the one
    that keeps the type (features do not import each other)."""


class PickerWidget(deform.widget.TextInputWidget):
    """``types``: the content type names the field refers to (the first one is searched)."""

    template = "picker"
    types = ()
    search_url = ""


def picker(*types):
    """A deferred widget (bound with the request) searching ``types[0]``."""
    import colander

    @colander.deferred
    def widget(node, kw):
        from statportal.content.resources import get_portal

        request = kw["request"]
        return PickerWidget(types=tuple(types), search_url=request.resource_url(
            get_portal(request), "@@references", query={"type": types[0]}))
    return widget


def register_reference_search(config, type_name, search):
    """A feature's search for ``type_name`` (``search(request, text, limit)``)."""
    config.registry.registerUtility(search, IReferenceSearch, name=type_name)


def register_reference_fill(config, type_name, fill):
    config.registry.registerUtility(fill, IReferenceFill, name=type_name)


def reference_fill(request, obj):
    """What ``obj`` fills, for one who may view it; ``{}`` when its type has no fill."""
    from statportal.security.permissions import VIEW

    fill = request.registry.queryUtility(
        IReferenceFill, name=getattr(obj, "__content_type__", None) or "")
    if fill is None or not request.has_permission(VIEW, obj):
        return {}
    return fill(request, obj)


@view_config(context=Portal, name="references", renderer="json", permission=STAFF,
             request_method="GET")
def references(context, request):
    """``{"items": [{"path", "title", "url", "fill"?}]}``: at most ten objects of
    ``type`` whose title holds the words of ``q`` (two characters at least), among those
    the user may view; ``fill``: what the object fills in a form (``IReferenceFill``)."""
    from pyramid.httpexceptions import HTTPBadRequest

    from statportal.content.paths import path_of

    type_name = request.params.get("type", "")
    text = request.params.get("q", "").strip()[:200]
    search = request.registry.queryUtility(IReferenceSearch, name=type_name) \
        if type_name else None
    if search is None:
        raise HTTPBadRequest(request.localizer.translate(
            _("No search for the type ${name}.", mapping={"name": type_name[:50]})))
    items = []
    if len(text) >= 2:
        for obj in search(request, text, LIMIT)[:LIMIT]:
            title = pick(request, getattr(obj, "title", None) or {})[0] or obj.__name__
            item = {"path": path_of(obj), "title": title, "url": request.resource_url(obj)}
            fill = reference_fill(request, obj)
            if fill:
                item["fill"] = fill
            items.append(item)
    return {"items": items}

