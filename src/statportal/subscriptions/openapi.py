"""What the OpenAPI document says of the subscriptions' JSON endpoints."""

from statportal.api.openapi import OBJECT, body, response

CHOICE = {
    "email": {"type": "string", "format": "email"},
    "sections": {"type": "array", "items": {"type": "string"},
                 "description": "section paths, e.g. /economy/prices (with sub-sections)"},
    "categories": {"type": "array", "items": {"type": "string"}},
    "indicators": {"type": "array", "items": {"type": "string"},
                   "description": "Taldau indicator ids"},
    "calendar": {"type": "boolean"},
    "language": {"type": "string", "enum": ["kk", "ru", "en"]},
    "frequency": {"type": "string", "enum": ["immediate", "daily"]},
}


def includeme(config):
    if not hasattr(config, "add_openapi_operation"):  # included without statportal.api
        return
    add = config.add_openapi_operation
    add("/@subscriptions", "post",
        summary="Subscribe an address (anyone): email, sections, categories, indicators, "
                "calendar, language, frequency; a confirmation link is mailed. 202 with the "
                "same answer whether or not the address is known; 400 naming the field; 429 "
                "with Retry-After past the limits per client address and per e-mail",
        requestBody=body({"type": "object", "required": ["email"], "properties": CHOICE}),
        responses={"202": response("Accepted: confirm with the mailed link.", OBJECT),
                   "429": {"description": "Too many subscription requests."}})
    add("/@subscriptions/confirm", "post",
        summary="Confirm a subscription with the token of its confirmation link "
                "({\"token\": T}); 400 naming token when forged, expired or used",
        requestBody=body({"type": "object", "required": ["token"],
                          "properties": {"token": {"type": "string"}}}),
        responses={"200": response("The confirmed subscription.", OBJECT)})
