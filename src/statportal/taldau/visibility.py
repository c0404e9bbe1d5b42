"""What the core's generic pages and JSON (``/++api++/data/…``, folder listings, the
navigation, folder contents) show of an indicator: the type's ``visible`` and
``serializer`` hooks (``add_content_type``), so the core never imports the data service.

* An indicator with no public vintage yet (its data all wait for a release) does not
  exist for the public: not listed, 404 (as ``@data`` and its page already answer).
* ``executor_email`` names one employee (personal data): only those who answer for the
  indicator (EDIT) or the office's staff (``SEE_EMBARGOED``) receive it.
"""

from statportal.security.permissions import EDIT
from statportal.taldau import SEE_EMBARGOED


def insider(request, indicator):
    return bool(request.has_permission(SEE_EMBARGOED, indicator)
                or request.has_permission(EDIT, indicator))


def indicator_visible(request, indicator):
    """The ``visible`` hook: the staff and its editors always; the public when at least one
    vintage is public now."""
    from statportal.taldau.store import visible_vintages

    return insider(request, indicator) or bool(visible_vintages(indicator, staff=False))


def serialize_indicator(request, indicator, data):
    """The ``serializer`` hook: the generic fields, without the executor's e-mail for the
    public."""
    if "executor_email" in data and not insider(request, indicator):
        data.pop("executor_email")
    return data


#: the JSON views whose 404 is the API's JSON one (``taldau.api``), hidden or missing alike
JSON_VIEWS = ("@data", "@metadata")


class NotVisible(Exception):
    """A hidden indicator's, or a missing name's, ``@data`` or ``@metadata``: answered by
    ``json_not_found`` (an exception view, registered with ``hide_invisible``)."""


def json_not_found(exc, request):
    from statportal.i18n import _
    from statportal.taldau.api import Refused, _answer, asked_lang

    return _answer(request, Refused(None, _("Not found."), status=404), asked_lang(request))


def hide_invisible(event):
    """``ContextFound``: a context that is, or lies under, an indicator not visible to the
    caller answers 404 before any view runs (its pages, ``@@edit``, ``@import``, the CORS
    preflight, the JSON), exactly as a missing name does: no answer tells the public that an
    indicator waiting for its first release exists. Cheap: a walk up the context's parents
    (``isinstance`` only) unless one is an indicator. ``@data`` and ``@metadata`` (any
    method) of a hidden indicator and of a missing name under /data both get the API's JSON
    404 (as the API always answered a hidden one); every other view the core's 404 page."""
    from pyramid.httpexceptions import HTTPNotFound

    from statportal.taldau.resources import DataRoot, DataTopic, Indicator

    request = event.request
    if getattr(request, "matched_route", None) is not None:
        return  # /api/v2 (pxweb) answers a table it does not show as it answers a missing one
    context = node = getattr(request, "context", None)
    while node is not None:
        if isinstance(node, Indicator) and not indicator_visible(request, node):
            raise NotVisible() if request.view_name in JSON_VIEWS else HTTPNotFound()
        node = getattr(node, "__parent__", None)
    subpath = request.subpath
    if len(subpath) == 1 and subpath[0] in JSON_VIEWS and isinstance(
            context, (DataRoot, DataTopic)):
        raise NotVisible()  # /data/<missing>/@data: the same JSON 404
