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
