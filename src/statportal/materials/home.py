"""Panels that other features put on the home page (the materials' page of the portal),
registered, so that the materials import none of them (the release calendar's next
releases is one)::

    config.add_home_panel("next_releases", "statportal.releases.home.next_releases",
                          "statportal.releases:templates/home_panel.pt", order=10)

A panel is ``panel(context, request) -> dict | None``: the values of its template, or None
when it has nothing to show to this user. Panels show in ``order`` (then by name), above
the newest materials.

``config.add_material_panel`` registers the same kind of panel for each material's page
(``context`` is the material), below its files: the data service's indicators of the
material's section is one.
"""

from dataclasses import dataclass

from pyramid.exceptions import ConfigurationError
from pyramid.path import AssetResolver


@dataclass(frozen=True)
class HomePanel:
    name: str
    panel: object
    template: str
    order: int
    #: the page it shows on: "home" or "material"
    page: str = "home"


class HomePanels:
    def __init__(self):
        self.panels = {}

    def add(self, panel):
        self.panels[(panel.page, panel.name)] = panel

    def ordered(self, page="home"):
        return sorted((p for p in self.panels.values() if p.page == page),
                      key=lambda p: (p.order, p.name))


def get_home_panels(registry):
    """The registry's ``IHomePanels``."""
    from statportal.directives import utility
    from statportal.interfaces import IHomePanels

    return utility(registry, IHomePanels, HomePanels)


def add_home_panel(config, name, panel, template, order=100):
    """Register (or replace, by name) a panel of the home page: ``panel(context, request)``
    (or its dotted name) gives the values of ``template`` (a Chameleon asset spec), or
    None to show nothing."""
    _add_panel(config, "add_home_panel", "home", name, panel, template, order)


def add_material_panel(config, name, panel, template, order=100):
    """Register (or replace, by name) a panel of every material's page, as
    ``add_home_panel`` does for the home page (``context``: the material)."""
    _add_panel(config, "add_material_panel", "material", name, panel, template, order)


def _add_panel(config, directive, page, name, panel, template, order):
    from statportal.directives import check_name, resolve

    check_name(directive, name)
    panel = resolve(config, directive, name, panel, "panel")
    if not isinstance(template, str) or ":" not in template or not template.endswith(".pt"):
        raise ConfigurationError(f"{directive} {name!r}: template is an asset spec of a "
                                 f".pt file (package:path), not {template!r}")
    if not AssetResolver().resolve(template).exists():
        raise ConfigurationError(f"{directive} {name!r}: no template at {template!r}")
    if not isinstance(order, int) or isinstance(order, bool):
        raise ConfigurationError(f"{directive} {name!r}: order must be an integer")
    found = HomePanel(name, panel, template, order, page)

    def register():
        get_home_panels(config.registry).add(found)

    intr = config.introspectable(f"statportal {page} panels", name, name,
                                 f"statportal {page} panel")
    intr.update(panel=panel, template=template, order=order)
    config.action((f"statportal-{page}-panel", name), register, introspectables=(intr,))


def rendered_panels(context, request, page="home"):
    """The HTML of each panel of ``page`` that has something to show, in order."""
    from pyramid.renderers import render

    from statportal.interfaces import IHomePanels

    found = request.registry.queryUtility(IHomePanels)
    if found is None:
        return []
    html = []
    for panel in found.ordered(page):
        values = panel.panel(context, request)
        if values is not None:
            html.append(render(panel.template, values, request=request))
    return html
