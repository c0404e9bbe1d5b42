"""Who hears of a request's transitions: the executor on return, rejection and placement;
the moderators on registration, with the filled-in form attached as a PDF."""

from statportal.content.paths import find_by_path
from statportal.content.resources import get_portal
from statportal.i18n import _, format_datetime, translate_for
from statportal.mail import make_message, queue_mail
from statportal.placement.annex import DEFAULT_FONT, language_of, location, render_annex
from statportal.security.principals import addresses_with_role

# Written in the request's language (``translate_for``): the kk and ru texts are the
# catalogs' translations of these.
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
    localized = _LocalRequest(request, lang)

    def when(value):
        return format_datetime(localized, value)

    values = {"number": obj.number or "", "title": obj.title.get(lang) or
              next(iter(obj.title.values()), ""), "comment": event.comment,
              "url": request.resource_url(obj, "@@workflow"),
              "due": when(obj.due) if obj.due else "",
              "material": request.application_url + (obj.material or ""),
              # art. 8: the place on the portal, step by step (section → subsection)
              "location": location(portal, obj.section, lang)}
    sender = request.registry.settings["mail.default_sender"]
    subject = translate_for(request.registry, SUBJECTS[name], lang, values)
    body = translate_for(request.registry, BODIES[name], lang, values)
    if name == "register":
        recipients = moderators(portal, request.registry)
        titles = {path: (find_by_path(portal, path).title.get(lang) or path)
                  for path in (obj.unit, obj.section) if find_by_path(portal, path) is not None}
        pdf = render_annex(obj, titles, when,
                           request.registry.settings.get("statportal.pdf_font", DEFAULT_FONT))
        attachments = [(f"request-{obj.number}.pdf", "application/pdf", pdf)]
    else:
        recipients, attachments = [obj.executor_email], []
    if recipients:
        queue_mail(request, make_message(sender, recipients, subject, body, attachments))


class _LocalRequest:
    """The request, speaking the request's language for dates."""

    def __init__(self, request, lang):
        self.registry = request.registry
        self.locale_name = lang
