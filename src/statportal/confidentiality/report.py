"""The report of materials declared *not* derived from primary data (``/@primary-data``,
HTML ``/@@primary-data``): the reason, who declared it and when, for the coordinators and
moderators (the report permission). Tables of statistical materials are otherwise
presumed derived from primary data and need their bases; this is where the exceptions
are read."""

from pyramid.view import view_config

from statportal.api.errors import json_error
from statportal.api.serialize import PayloadError, url_of
from statportal.confidentiality.material import declared
from statportal.content.resources import Portal, get_portal
from statportal.i18n import _, format_datetime, label
from statportal.materials import REPORTS
from statportal.materials.catalog import get_catalog
from statportal.placement.schemas import CATEGORY_TITLES
from statportal.workflow import history_of, state_of, workflow_of


def declaration_entry(obj):
    """The latest history entry of the declaration, or None."""
    return next((entry for entry in reversed(history_of(obj))
                 if entry.get("action") == "primary_data"), None)


def declared_rows(request):
    """``[(material, entry)]`` of every material declared not derived from primary data,
    the latest declaration first."""
    rows = []
    for material in get_catalog(get_portal(request)).objects.values():
        if declared(material) is False:
            rows.append((material, declaration_entry(material)))
    rows.sort(key=lambda row: (row[1]["time"].isoformat() if row[1] else "",
                               url_of(request, row[0])), reverse=True)
    return rows


def row_json(request, material, entry):
    workflow = workflow_of(request.registry, material)
    return {"@id": url_of(request, material), "title": dict(material.title),
            "category": material.category,
            "review_state": state_of(material, workflow) if workflow else None,
            "primary_data": False, "primary_data_reason": material.primary_data_reason,
            "declared_by": entry["actor"] if entry else None,
            "declared_at": entry["time"].isoformat() if entry else None}


@view_config(context=Portal, name="@primary-data", permission=REPORTS, renderer="json",
             request_method="GET")
def primary_data_json(context, request):
    from statportal.api.content import batch_params

    try:
        b_start, b_size = batch_params(request)
    except PayloadError as exc:
        return json_error(request, 400, _("The request has errors."), exc.errors)
    rows = declared_rows(request)
    return {"@id": f"{url_of(request, context)}/@primary-data",
            "items": [row_json(request, material, entry)
                      for material, entry in rows[b_start:b_start + b_size]],
            "items_total": len(rows)}


@view_config(context=Portal, name="primary-data", accept="text/html", permission=REPORTS,
             renderer="statportal.confidentiality:templates/primary_data.pt", request_method="GET")
def primary_data_page(context, request):
    return {"rows": declared_rows(request),
            "category_title": lambda name: label(request, CATEGORY_TITLES.get(name), name),
            "when": lambda value: format_datetime(request, value) if value else "—"}
