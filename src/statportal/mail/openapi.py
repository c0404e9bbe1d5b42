"""What the OpenAPI document says of the mail's JSON endpoint."""

from statportal.api.openapi import OBJECT, query, response


def includeme(config):
    if not hasattr(config, "add_openapi_operation"):  # included without statportal.api
        return
    config.add_openapi_operation(
        "/@outbox", "get", summary="Mail not yet delivered (state=queued|failed|sent)",
        parameters=[query("state", ["queued", "failed", "sent"])],
        responses={"200": response("Messages.", OBJECT)})
