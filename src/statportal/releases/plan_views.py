"""Importing the work plan from .xlsx: JSON ``/plan/@import`` and the page ``@@import``."""

from pyramid.view import view_config

from statportal.api.errors import json_error
from statportal.api.serialize import PayloadError, url_of
from statportal.content.editing import EditError
from statportal.content.resources import get_portal
from statportal.i18n import _, timezone
from statportal.releases.views import HTML


# -- the plan's import from .xlsx -----------------------------------------------------------
def _import(request, context, year, filename, data):
    """Check and import; returns the created ``[(row, item)]`` or raises EditError /
    PlanImportError (with every error)."""
    from statportal.files.policy import FilePolicy, FileRefused, check_upload
    from statportal.releases.plan_import import import_plan

    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise EditError(_("A year is four digits."), "year")
    try:
        check_upload(filename, data, FilePolicy(extensions=("xlsx",)))
    except FileRefused as refused:
        raise EditError(refused.message, "file") from None
    return import_plan(request.registry, get_portal(request), data, year,
                       request.authenticated_userid)


def _import_errors(request, errors):
    translate = request.localizer.translate
    return [{"field": e["column"], "location": {"row": e["row"], "column": e["column"]},
             "message": translate(e["message"]), "type": "invalid"} for e in errors]


@view_config(context="statportal.releases.resources.WorkPlan", name="@import",
             request_method="POST", renderer="json", permission="statportal.plan.add")
def plan_import_json(context, request):
    from statportal.api.content import _error, json_file
    from statportal.releases.plan_import import PlanImportError

    try:
        payload, filename, data = json_file(request)
        created = _import(request, context, payload.get("year"), filename, data)
    except (EditError, PayloadError) as exc:
        request.tm.doom()
        return _error(request, exc)
    except PlanImportError as exc:
        request.tm.doom()
        return json_error(request, 400, _("The plan was not imported: ${n} errors.",
                                          mapping={"n": len(exc.errors)}),
                          _import_errors(request, exc.errors))
    request.response.status = 201
    return {"items_total": len(created),
            "items": [{"row": row, "@id": url_of(request, item)} for row, item in created]}


@view_config(context="statportal.releases.resources.WorkPlan", name="import", accept=HTML,
             renderer="statportal.releases:templates/plan_import.pt",
             permission="statportal.plan.add")
def plan_import_page(context, request):
    from statportal import clock
    from statportal.releases.plan_import import PlanImportError

    year = clock.now().astimezone(timezone(request)).year + 1
    result = {"errors": [], "created": [], "message": None, "year": year}
    if request.method == "POST":
        from pyramid.csrf import check_csrf_token

        check_csrf_token(request)
        upload = request.POST.get("file")
        raw_year = request.POST.get("year", "")
        result["year"] = raw_year
        try:
            if getattr(upload, "file", None) is None:
                raise EditError(_("Choose a file."), "file", type="required")
            created = _import(request, context, int(raw_year) if raw_year.isdigit() else None,
                              upload.filename, upload.file.read())
        except EditError as exc:
            request.tm.doom()
            request.response.status = 400
            result["message"] = exc.message
        except PlanImportError as exc:
            request.tm.doom()
            request.response.status = 400
            result["errors"] = exc.errors
        else:
            result["created"] = created
    return result
