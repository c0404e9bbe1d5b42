"""Who hears of a request's transitions: the executor on return, rejection and placement;
the moderators on registration, with the filled-in form attached as a PDF."""

from statportal.content.paths import find_by_path, path_of
from statportal.content.resources import get_portal
from statportal.i18n import _, format_datetime, translate_for
from statportal.mail import queue_staff_mail
from statportal.placement.annex import DEFAULT_FONT, language_of, location, render_annex
from statportal.security.principals import addresses_with_role

# Mail to staff: each recipient reads it in their own language (their account's
# ``language``; ``queue_staff_mail`` writes once per language, one message per
# recipient), the kk and ru texts being the catalogs' translations of these.
SUBJECTS = {
    "register": _("Placement request ${number} registered"),
    "return": _("Request returned: ${title}"),
    "reject": _("Request rejected: ${title}"),
    "place": _("Material placed: ${title}"),
}
BODIES = {
    "register": _("Request ${number} is registered; place it by ${due}.\n"
                  "Location: ${location}\n${url}"),
    "return": _("The request was returned for correction.\nReason: ${comment}\n${url}"),
    "reject": _("The request was rejected.\nReason: ${comment}\n${url}"),
    "place": _("The material is on the portal: ${material}"),
}


def moderators(portal, registry=None):
    """Who places: the active users of the ``publishers`` role group."""
    return addresses_with_role(portal, "group:publishers", registry)


def on_request_transition(event):
    from statportal.placement.resources import PlacementRequest

    obj, name, request = event.object, event.transition.name, event.request
    if not isinstance(obj, PlacementRequest) or name not in SUBJECTS:
        return
    portal = get_portal(request)
    lang = language_of(obj)
    base = request.application_url.removesuffix("/++api++")    # the pages, not the API

    def values_in(language):
        def when(value):
            return format_datetime(_LocalRequest(request, language), value) if value else ""

        return {"number": obj.number or "", "comment": event.comment,
                "title": obj.title.get(language) or obj.title.get(lang) or
                next(iter(obj.title.values()), ""),
                "url": base + path_of(obj) + "/@@workflow", "due": when(obj.due),
                "material": base + (obj.material or ""),
                # art. 8: the place on the portal, step by step (section → subsection)
                "location": location(portal, obj.section, language)}

    attachments = []
    if name == "register":
        recipients = moderators(portal, request.registry)
        # The annex is the filled-in form: in the request's own language.
        titles = {path: (find_by_path(portal, path).title.get(lang) or path)
                  for path in (obj.unit, obj.section) if find_by_path(portal, path) is not None}
        pdf = render_annex(obj, titles, lambda value: format_datetime(
            _LocalRequest(request, lang), value),
            request.registry.settings.get("statportal.pdf_font", DEFAULT_FONT))
        attachments = [(f"request-{obj.number}.pdf", "application/pdf", pdf)]
    else:
        recipients = [obj.executor_email] if obj.executor_email else []

    def compose(language):
        values = values_in(language)
        return (translate_for(request.registry, SUBJECTS[name], language, values),
                translate_for(request.registry, BODIES[name], language, values), attachments)

    if recipients:
        queue_staff_mail(request, recipients, compose, portal=portal)


class _LocalRequest:
    """The request, speaking the request's language for dates."""

    def __init__(self, request, lang):
        self.registry = request.registry
        self.locale_name = lang
