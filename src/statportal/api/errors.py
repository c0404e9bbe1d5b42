"""One error envelope for the JSON API: ``{"message", "errors": [{field, message, type}]}``;
an error about a place in a file also carries ``row`` and ``column`` (an import's)."""

from pyramid.response import Response

STATUS_TYPES = {400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 409: "conflict", 429: "throttled"}


def json_error(request, status, message, errors=None, *, lang=None):
    """The envelope, its messages (``_()`` texts or ``ngettext`` plurals) in the request's
    language, or in ``lang`` when given (an API's own ``lang`` parameter, as a mail is
    written in its recipient's language)."""
    from statportal.i18n import translate as in_request_language
    from statportal.i18n import translate_for

    def translate(text):
        if lang:
            return translate_for(request.registry, text, lang)
        return in_request_language(request, text)

    message = translate(message)
    body = {"message": message, "errors": [
        {"field": e.get("field"), "message": translate(e["message"]),
         "type": e.get("type", STATUS_TYPES.get(status, "error")),
         **({"location": e["location"]} if e.get("location") is not None else {}),
         **{key: e[key] for key in ("row", "column") if key in e}}
        for e in (errors or [{"message": message}])
    ]}
    response = Response(json_body=body, status=status, charset="utf-8")
    response.content_type = "application/json"
    return response


def errors_from_invalid(request, invalid, prefix=""):
    """[{field, message}] from a colander.Invalid, with dotted field names."""
    found = []
    for field, message in invalid.asdict(translate=request.localizer.translate).items():
        found.append({"field": (prefix + field) if field else (prefix.rstrip(".") or None),
                      "message": message, "type": "invalid"})
    return found
