"""The page of one placement request, and downloads of its files."""

from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from statportal import labels
from statportal.content.paths import find_by_path
from statportal.content.resources import get_portal
from statportal.files.download import file_response
from statportal.i18n import LANGUAGES, _, format_datetime, label
from statportal.placement.placing import PLACEMENT_TITLES  # (the register takes it here)
from statportal.placement.queue import declaration
from statportal.placement.resources import PlacementRequest
from statportal.placement.returned import resubmission, returned_info
from statportal.placement.schemas import CATEGORY_TITLES
from statportal.security.permissions import VIEW
from statportal.views.actions import buttons
from statportal.workflow import state_of, workflow_of


@view_config(context=PlacementRequest, accept="text/html", permission=VIEW,
             renderer="statportal.placement:templates/request.pt")
def request_page(context, request):
    portal = get_portal(request)
    workflow = workflow_of(request.registry, context)
    state = workflow.state(state_of(context, workflow))

    def place_title(path):
        obj = find_by_path(portal, path)
        return label(request, obj.title, path) if obj is not None else path

    def material_title(path):
        """A material's title only to whom may view it (a draft of another unit, the
        embargo): else its path, as the request stores it."""
        obj = find_by_path(portal, path)
        return place_title(path) if obj is not None and request.has_permission(VIEW, obj) \
            else path

    # a returned draft says so, with the reason, who and when (from the history)
    returned = returned_info(request, context) if state.name == "draft" else None
    again = resubmission(context) if state.name != "draft" else None
    return {
        "state": request.localizer.translate(_("Returned")) if returned
        else label(request, state.title, state.name),
        "state_id": "returned" if returned else state.name,
        "returned": returned,
        "resubmitted": {"at": again[0]["time"], "returned_at": again[1]["time"]}
        if again else None,
        "category": label(request, CATEGORY_TITLES.get(context.category), context.category),
        "placement": label(request, PLACEMENT_TITLES.get(context.placement_type),
                           context.placement_type),
        "unit_title": place_title(context.unit),
        "section_title": place_title(context.section),
        # the placed material by its title, not its path
        "material_title": material_title(context.material) if context.material else "",
        "replaces_title": material_title(context.replaces) if getattr(context, "replaces", "")
        else "",
        "when": lambda value: format_datetime(request, value) if value else "—",
        "transitions": buttons(request, context),  # the shared buttons (views.actions)
        # the languages by their names (Қазақша, Русский, English), in the portal's order
        "languages": ", ".join(labels.language_title(code) for code in LANGUAGES
                               if code in (getattr(context, "languages", None) or ())),
        # the executor's declaration, as the queue shows it, and the way to the check (and
        # Generate), which those who see the request may use
        "declaration": declaration(request.registry, context),
    }


@view_config(context=PlacementRequest, name="download", permission=VIEW)
def download(context, request):
    try:
        stored = context.files[int(request.params.get("file", ""))]
    except (ValueError, IndexError):
        raise HTTPNotFound() from None
    return file_response(request, stored)
