"""Information materials and the public portal (art. 4.1, 5, 9, 20–21; issue #4).

``resources`` (the Material and its versions), ``schemas`` (one schema for form and
JSON), ``workflow`` (private → published → withdrawn), ``validators`` (what must hold
to publish; ``config.add_material_validator``), ``catalog`` (hypatia: full text and
facets), ``search`` (the one search of the search page, its JSON and the category pages),
``categories`` (the categories and their pages in the menu), ``home`` (the home page's
panels: ``config.add_home_panel``), ``views`` (public pages, search, history, downloads,
translation report).
"""

from statportal.i18n import _
from statportal.materials.resources import Material
from statportal.materials.workflow import MATERIAL_WORKFLOW, PUBLISH, REPORTS, WITHDRAW

__all__ = ["MATERIAL_WORKFLOW", "Material", "PUBLISH", "REPORTS", "WITHDRAW"]

ADD_MATERIAL = "statportal.material.add"


def on_transition(event):
    """A material made public carries the time (its history entry's: a user's Publish,
    a placement's Place, the worker's release and "publish now" all come here); the
    catalog follows every state. The one place either is done."""
    from statportal.materials.catalog import on_changed

    if not isinstance(event.object, Material):
        return
    if event.entry["to"] == "published":
        event.object.published_at = event.entry["time"]
    on_changed(event)


def record_removed_sheets(event):
    """The history of a request or material says which empty sheets its files lost (art.
    5.3), once per file; the page that took the upload tells the uploader."""
    from pyramid.threadlocal import get_current_request

    from statportal.workflow import note, workflow_of

    obj = event.object
    files = [f for f in getattr(obj, "files", None) or ()
             if getattr(f, "removed_sheets", ()) and not getattr(f, "_removal_recorded", False)]
    if not files:
        return
    request = get_current_request()
    notes = [f"{f.filename}: {', '.join(f.removed_sheets)}" for f in files]
    workflow = workflow_of(request.registry, obj) if request is not None else None
    if workflow is not None:
        note(obj, "remove_empty_sheets", "; ".join(notes), request=request)
    for stored in files:
        stored._removal_recorded = True
    if request is not None:
        request.removed_sheets_notice = [*getattr(request, "removed_sheets_notice", []),
                                         *notes]


def includeme(config):
    from statportal.content.events import ObjectAdded, ObjectModified, ObjectRemoved, ObjectRenamed
    from statportal.materials import catalog, home, validators
    from statportal.materials.json import serialize_material
    from statportal.materials.schemas import material_schema
    from statportal.workflow.events import AfterTransition

    config.add_directive("add_material_validator", validators.add_material_validator)
    config.add_directive("add_home_panel", home.add_home_panel)  # the next releases'
    config.add_directive("add_material_panel", home.add_material_panel)  # the data's
    # what else the search finds (the data service's indicators)
    config.add_directive("add_search_source", "statportal.materials.search_sources."
                                              "add_search_source")
    config.add_content_type("Material", Material, material_schema, title=_("Material"),
                            addable_to=("Section",), add_permission=ADD_MATERIAL,
                            serializer=serialize_material)
    config.add_workflow(MATERIAL_WORKFLOW, content_types=("Material",))
    # this feature's permissions on the core's types
    config.add_permission_grant("Section", ADD_MATERIAL, ("group:publishers",))
    config.add_permission_grant("Portal", REPORTS, ("group:coordinators", "group:publishers"))
    config.add_material_validator("format", validators.format_validator)
    config.add_material_validator("house_style", validators.house_style_validator)
    config.add_subscriber(catalog.on_added, ObjectAdded)
    config.add_subscriber(catalog.on_changed, ObjectModified)
    config.add_subscriber(catalog.on_renamed, ObjectRenamed)
    config.add_subscriber(catalog.on_removed, ObjectRemoved)
    config.add_subscriber(on_transition, AfterTransition, workflow="material")
    config.add_subscriber(record_removed_sheets, ObjectAdded)
    config.add_subscriber(record_removed_sheets, ObjectModified)
    config.scan("statportal.materials.views")
    config.include("statportal.materials.feeds")   # SECTION/@rss, SECTION/@atom
    config.include("statportal.materials.openapi")
    config.include("statportal.materials.references")  # the reference pickers' search
