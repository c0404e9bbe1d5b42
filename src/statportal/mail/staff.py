"""Mail to the office's staff, in each recipient's language (their account's ``language``
preference): one message per language among the recipients, never three languages run
together. Mail to the public keeps the language of its question or subscription."""


def queue_staff_mail(request, recipients, compose, portal=None):
    """Queue to the staff ``recipients`` (addresses) one message per language among them.
    ``compose(language)`` gives ``(subject, body)`` or ``(subject, body, attachments)``
    written in that language (``statportal.i18n.translate_for``). Returns the outbox keys,
    in the order of the languages' first recipients."""
    from statportal.content.resources import get_portal
    from statportal.mail.outbox import make_message, queue_mail
    from statportal.security.principals import addresses_by_language

    portal = portal if portal is not None else get_portal(request)
    sender = request.registry.settings["mail.default_sender"]
    keys = []
    for language, addresses in addresses_by_language(portal, recipients,
                                                     request.registry).items():
        subject, body, *rest = compose(language)
        attachments = rest[0] if rest else ()
        keys.append(queue_mail(request, make_message(sender, addresses, subject, body,
                                                     attachments)))
    return keys
