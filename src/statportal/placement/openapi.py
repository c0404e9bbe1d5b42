"""What the OpenAPI document says of the placement's JSON endpoints."""

from statportal.api.openapi import OBJECT, query, response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def includeme(config):
    if not hasattr(config, "add_openapi_operation"):  # included without statportal.api
        return
    add = config.add_openapi_operation
    add("/requests/@queue", "get",
        summary="The moderator's queue: the registered requests in placing order, each "
                "with its due time and declaration",
        responses={"200": response("The queue.", OBJECT)})
    add("/requests/@register", "get",
        summary="The register of placement requests (filters, b_start, b_size; "
                "format=xlsx|csv: the file)",
        parameters=[query("format", ["xlsx", "csv"]), query("b_start"), query("b_size")],
        responses={"200": {**response("Rows; with format, the file.", OBJECT), "content": {
            "application/json": {"schema": OBJECT},
            "text/csv": {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}}}}})
