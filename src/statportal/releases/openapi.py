"""What the OpenAPI document says of the releases' endpoints (calendar, plan, dashboards)."""

from statportal.api.openapi import OBJECT, body, query, response


def includeme(config):
    if not hasattr(config, "add_openapi_operation"):  # included without statportal.api
        return
    add = config.add_openapi_operation
    add("/calendar/@releases", "get",
        summary="The release calendar: view upcoming|past|cancelled, category, section, "
                "b_start, b_size",
        parameters=[query("view", ["upcoming", "past", "cancelled"]),
                    query("by", ["week", "month"]), query("category"), query("section")],
        responses={"200": response("Entries.", OBJECT)})
    add("/calendar/@ical", "get", summary="The release calendar as iCalendar (RFC 5545)",
        parameters=[query("section"), query("category"), query("lang", ["kk", "ru", "en"])],
        responses={"200": {"description": "text/calendar"},
                   "400": {"description": "A bad parameter, named."}})
    for kind, media in (("atom", "application/atom+xml"), ("rss", "application/rss+xml")):
        add(f"/calendar/@{kind}", "get",
            summary=f"The upcoming releases, soonest first, as {kind.upper()} ({media})",
            parameters=[query("section"), query("category"), query("lang", ["kk", "ru", "en"])],
            responses={"200": {"description": media},
                       "304": {"description": "Not modified (If-None-Match)."},
                       "400": response("A bad parameter, named.", OBJECT)})
    add("/plan/@import", "post",
        summary="Import the work plan from .xlsx: all rows or none; errors name the row "
                "and column",
        requestBody=body({"type": "object", "required": ["year", "file"],
                          "properties": {"year": {"type": "integer"},
                                         "file": {"type": "object"}}}),
        responses={"201": response("Items.", OBJECT)})
    add("/{path}/@publish-now", "post",
        summary="Ask (first person) or confirm (a second person) to publish a scheduled "
                "material before its release time",
        requestBody=body({"type": "object", "required": ["confirm"],
                          "properties": {"confirm": {"type": "string"},
                                         "reason": {"type": "string"}}}),
        responses={"200": response("State.", OBJECT)})
    add("/@currency", "get", summary="Currency findings (show=open|all)",
        parameters=[query("show", ["open", "all"])],
        responses={"200": response("Findings.", OBJECT)})
    add("/@currency", "post", summary="Send the notice of a finding (key)",
        responses={"200": response("The notice.", OBJECT)})
    add("/@timeliness", "get",
        summary="Punctuality, placement deadlines met, findings (year)",
        parameters=[query("year")], responses={"200": response("Figures.", OBJECT)})
