"""What the OpenAPI document says of the materials' JSON endpoints."""

from statportal.api.openapi import OBJECT, query, response


def includeme(config):
    if not hasattr(config, "add_openapi_operation"):  # included without statportal.api
        return
    add = config.add_openapi_operation
    add("/@search", "get",
        summary="Search the published materials: matches and facets",
        parameters=[query("SearchableText"), query("category"), query("year"),
                    query("language", ["kk", "ru", "en"]), query("section"),
                    query("b_start"), query("b_size")],
        responses={"200": response("Materials and facets.", OBJECT)})
    add("/@translations", "get",
        summary="Materials whose translations are missing or older than their version",
        responses={"200": response("Materials and their problems.", OBJECT)})
    for kind, media in (("rss", "application/rss+xml"), ("atom", "application/atom+xml")):
        add(f"/{{path}}/@{kind}", "get",
            summary=f"A section's published materials and its sub-sections', newest first, "
                    f"as {kind.upper()} ({media}); a category's page: its category",
            parameters=[query("category", ["latest_data", "press_release",
                                           "express_information", "bulletin",
                                           "compilation"]),
                        query("lang", ["kk", "ru", "en"])],
            responses={"200": {"description": media},
                       "304": {"description": "Not modified (If-None-Match)."},
                       "400": response("A bad parameter, named.", OBJECT)})
