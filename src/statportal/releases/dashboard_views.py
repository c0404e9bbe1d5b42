"""The coordinator's currency findings (``@@currency``, ``@currency``) and the timeliness
dashboard (``@@timeliness``, ``@timeliness``)."""

from pyramid.view import view_config

from statportal.api.errors import json_error
from statportal.api.serialize import PayloadError
from statportal.content.editing import EditError
from statportal.content.resources import get_portal
from statportal.i18n import _, label, timezone
from statportal.placement.schemas import CATEGORY_TITLES
from statportal.releases.views import HTML, punctual_minutes
from statportal.views.charts import bar_chart

# -- currency findings (the coordinator) ------------------------------------------------------
CURRENCY = "statportal.currency"
TIMELINESS = "statportal.timeliness"


def _notify(request, key):
    from statportal import clock
    from statportal.releases import currency

    portal = get_portal(request)
    finding = currency.findings(portal).get(key or "")
    if finding is None:
        raise EditError(_("No finding ${key}.", mapping={"key": key}), "key", status=404,
                        type="not_found")
    return currency.send_notice(request, portal, finding, request.authenticated_userid,
                                clock.now())


@view_config(context="statportal.content.resources.Portal", name="@currency",
             request_method="GET", renderer="json", permission=CURRENCY)
def currency_json(context, request):
    from statportal.releases import currency

    show = request.GET.get("show", "open")
    items = currency.open_findings(context) if show == "open" else \
        list(currency.findings(context).values())
    return {"items": [f.as_json() for f in items], "items_total": len(items)}


@view_config(context="statportal.content.resources.Portal", name="@currency",
             request_method="POST", renderer="json", permission=CURRENCY)
def currency_notify_json(context, request):
    from statportal.api.content import _error, json_body

    try:
        payload = json_body(request)
        notice = _notify(request, payload.get("key") if isinstance(payload, dict) else None)
    except (EditError, PayloadError) as exc:
        request.tm.doom()
        return _error(request, exc)
    return {"key": payload["key"], "notice": {**notice, "sent_at": notice["sent_at"].isoformat(),
                                              "deadline": notice["deadline"].isoformat()}}


@view_config(context="statportal.content.resources.Portal", name="currency", accept=HTML,
             renderer="statportal.releases:templates/currency.pt", permission=CURRENCY)
def currency_page(context, request):
    from pyramid.httpexceptions import HTTPFound

    from statportal.releases import currency
    from statportal.views.content import flash

    error = None
    if request.method == "POST":
        from pyramid.csrf import check_csrf_token

        check_csrf_token(request)
        try:
            _notify(request, request.POST.get("key"))
        except EditError as exc:
            request.tm.doom()
            request.response.status = exc.status
            error = exc
        else:
            flash(request, _("The notice was sent."))
            return HTTPFound(request.resource_url(context, "@@currency"))
    rows = sorted(currency.open_findings(context), key=lambda f: f.since)
    from statportal import labels

    return {"rows": rows, "error": error,
            "kind_title": {"missing": _("Not published"), "outdated": _("Not updated")},
            # the responsible unit by its name, not its path
            "unit_title": lambda path: labels.unit_title(request, path, portal=context)}


# -- timeliness dashboard -------------------------------------------------------------------
@view_config(context="statportal.content.resources.Portal", name="@timeliness",
             renderer="json", permission=TIMELINESS)
def timeliness_json(context, request):
    from statportal.numbers import NumberError, read_year
    from statportal.releases import timeliness

    try:
        year = read_year(request.GET)
    except NumberError as exc:
        return json_error(request, 400, exc.message, [exc.error()])
    return timeliness.figures(context, timezone(request), punctual_minutes(request), year)


@view_config(context="statportal.content.resources.Portal", name="timeliness", accept=HTML,
             renderer="statportal.releases:templates/timeliness.pt", permission=TIMELINESS)
def timeliness_page(context, request):
    from statportal.releases import timeliness

    data = timeliness.figures(context, timezone(request), punctual_minutes(request))
    translate = request.localizer.translate
    for row in data["placement_deadlines"]["by_category"]:
        row["label"] = label(request, CATEGORY_TITLES.get(row["category"]), row["category"])
    charts = []
    for rows, key, title in (
            (data["punctuality"]["by_month"], ("month", "releases", "on_time"),
             _("Releases out on time, by month")),
            (data["placement_deadlines"]["by_category"], ("label", "placed", "in_time"),
             _("Placements within their deadline, by category")),
            (data["placement_deadlines"]["by_month"], ("month", "placed", "in_time"),
             _("Placements within their deadline, by month"))):
        text = translate(title)
        charts.append({"title": text, "rows": rows,
                       "svg": bar_chart(rows, *key, text) if rows else ""})
    return {"data": data, "charts": charts}
