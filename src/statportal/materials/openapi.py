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
