"""What happens to an incident, without HTTP: Support told at once, the escalation after
``statportal.incidents.escalate_hours`` (a worker pass), the coordinators' written
notice, the public notice's data, the duration."""

from datetime import timedelta

from statportal.content.paths import root_of
from statportal.i18n import _
from statportal.security.principals import addresses_with_role as addresses

WORKER = "system:worker"
#: To Support and the coordinators: in each recipient's language (``queue_staff_mail``).
SUBJECTS = {
    "reported": _("Portal incident"),
    "escalated": _("The portal has not been working steadily for over a day"),
}


def _title(incident, language="kk"):
    """The incident's title in ``language``, else the first it has."""
    return incident.title.get(language) or next(
        (incident.title[lang] for lang in ("kk", "ru", "en") if incident.title.get(lang)), "")


def _mail(request, portal, group, subject, body):
    """``body(language)``: the text under the subject, in the recipient's language."""
    from statportal.i18n import translate_for
    from statportal.mail import queue_staff_mail

    recipients = addresses(portal, group, request.registry)
    if recipients:
        queue_staff_mail(request, recipients, lambda language: (
            translate_for(request.registry, subject, language), body(language)),
            portal=portal)


def escalation_guard(incident, request, transition):
    """Support escalating by hand gives the public the cause and the restoration time
    (the worker's escalation, a system fire, says they are being established)."""
    from statportal.workflow import Finding

    if getattr(request, "workflow_system", False):
        return []
    findings = []
    if not any((incident.cause or {}).values()):
        findings.append(Finding(_("Give the cause before escalating: it is shown on "
                                  "every public page."), field="cause", code="required"))
    if incident.restore_by is None:
        findings.append(Finding(_("Give the expected restoration time before escalating: "
                                  "it is shown on every public page."), field="restore_by",
                                code="required"))
    return findings


def on_reported(event):
    """A new incident: open, and Support e-mailed at once."""
    from pyramid.threadlocal import get_current_request

    incident = event.object
    if getattr(incident, "__content_type__", None) != "Incident":
        return
    incident.__parent__.sets()[0].insert(incident.__name__)
    request = get_current_request()
    if request is not None:
        portal = root_of(incident)
        _mail(request, portal, "group:support", SUBJECTS["reported"], lambda language: (
              f"{_title(incident, language)}\n\n"
              f"{request.application_url.removesuffix('/++api++')}"
              f"/incidents/{incident.__name__}"))


def on_transition(event):
    incident, name = event.object, event.transition.name
    if getattr(incident, "__content_type__", None) != "Incident":
        return
    from statportal.content.base import utcnow

    now = utcnow()
    if name == "acknowledge":
        incident.acknowledged_at = now
    elif name == "escalate":
        _escalated(event.request, incident, now)
    elif name == "resolve":
        incident.resolved_at = now
        open_names, escalated = incident.__parent__.sets()
        for names in (open_names, escalated):
            if incident.__name__ in names:
                names.remove(incident.__name__)


def _escalated(request, incident, now):
    from statportal.i18n import timezone, translate_for

    incident.escalated_at = now
    incident.__parent__.sets()[1].insert(incident.__name__)
    portal = root_of(incident)
    reported = incident.reported_at.astimezone(timezone(request)).strftime("%d.%m.%Y %H:%M")
    _mail(request, portal, "group:coordinators", SUBJECTS["escalated"], lambda language: (
          f"{_title(incident, language)}\n"
          f"{translate_for(request.registry, _('Reported'), language)}: {reported}\n\n"
          f"{request.application_url.removesuffix('/++api++')}/incidents/"
          f"{incident.__name__}"))


def escalate_due(request, portal, now):
    """Escalate the open incidents reported ``escalate_hours`` ago or more; returns how
    many. Without a cause yet, the public notice says it is being established."""
    from statportal.settings import as_int
    from statportal.workflow import fire, state_of

    hours = as_int(request.registry.settings, "statportal.incidents.escalate_hours")
    folder = portal["incidents"]
    count = 0
    for name in list(folder.sets()[0]):
        incident = folder.get(name)
        if state_of(incident, "incident") not in ("reported", "acknowledged"):
            continue
        if incident.reported_at + timedelta(hours=hours) > now:
            continue
        # its effects (the time, the notice, the coordinators' mail) are on_transition's
        fire(request, incident, "escalate",  # shown in the reader's language
             _("not resolved within ${hours} hours", mapping={"hours": hours}),
             system=WORKER)
        count += 1
    return count


def public_notices(portal):
    """The escalated incidents every public page shows."""
    folder = portal.get("incidents")
    if folder is None or not hasattr(folder, "sets"):
        return []
    return [folder[name] for name in folder.sets()[1] if name in folder]
