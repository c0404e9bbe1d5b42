"""The confirmation mail (the only mail before a subscription is confirmed), in the
language chosen for the subscription; the release mail is ``compose``'s. Its link opens a
page whose button confirms: a scanner fetching the link confirms nothing."""

from statportal.i18n import _, translate_for

SUBJECT = _("Confirm your subscription")
BODY = _("Hello,\n\nSomeone, probably you, asked to receive the releases of the statistics "
         "portal ${portal} at this address:\n\n${choice}\n\nTo confirm, open this link and "
         "press the button on the page (within ${hours} hours):\n${link}\n\nIf you did not "
         "ask for it, ignore this message: nothing more will be sent to you.\n")
#: a subscriber already confirmed who asked for another choice
CHANGE_BODY = _("Hello,\n\nSomeone, probably you, asked to change what the statistics portal "
                "${portal} sends to this address, to:\n\n${choice}\n\nTo confirm the "
                "change, open this link and press the button on the page (within ${hours} "
                "hours):\n${link}\n\nIf you did not ask for it, ignore this message: your "
                "subscription stays as it is.\n")
FREQUENCY = {"immediate": _("At the moment of each release"),
             "daily": _("Once a day, in a digest")}


def describe(registry, choice, choices, language):
    """The choice in lines, in ``language`` (``choices.Choices`` knows the titles)."""
    def tr(message):
        return translate_for(registry, message, language)

    lines = []
    for field, heading in (("sections", _("Sections")), ("categories", _("Categories")),
                           ("indicators", _("Taldau indicators"))):
        values = choice.get(field) or ()
        if values:
            lines.append(f"{tr(heading)}: " + "; ".join(
                choices.title_in(registry, v, language) for v in values))
    if choice.get("calendar"):
        lines.append(tr(_("Release calendar")))
    lines.append(tr(FREQUENCY.get(choice.get("frequency"), FREQUENCY["immediate"])))
    return "\n".join(f"- {line}" for line in lines)


def queue_confirmation(request, subscriber, choice, token, choices, hours):
    """Queue the confirmation of ``choice`` to the subscriber's address."""
    from statportal.mail import make_message, queue_mail

    registry = request.registry
    language = choice.get("language") or subscriber.language
    from statportal.subscriptions.compose import portal_url

    link = portal_url(request) + "/subscriptions/confirm?token=" + token
    body = CHANGE_BODY if subscriber.confirmed is not None else BODY
    values = {"portal": portal_url(request), "link": link, "hours": str(hours),
              "choice": describe(registry, choice, choices, language)}
    message = make_message(registry.settings["mail.default_sender"], [subscriber.email],
                           translate_for(registry, SUBJECT, language),
                           translate_for(registry, body, language, values))
    return queue_mail(request, message)
