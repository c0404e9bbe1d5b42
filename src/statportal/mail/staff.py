"""Mail to the office's staff, in each recipient's language (their account's ``language``
preference): written once per language among the recipients, never three languages run
together, and sent as one message per recipient, so that colleagues do not see each
other's addresses (the outbox tracks, retries and reports each one on its own). Mail to
the public keeps the language of its question or subscription."""


def queue_staff_mail(request, recipients, compose, portal=None):
    """Queue to each of the staff ``recipients`` (addresses) a message of their own, in
    their language. ``compose(language)`` gives ``(subject, body)`` or ``(subject, body,
    attachments)`` written in that language (``statportal.i18n.translate_for``); it is
    called once per language. Returns the outbox keys, grouped by language in the order of
    the languages' first recipients."""
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
        for address in addresses:
            keys.append(queue_mail(request, make_message(sender, [address], subject, body,
                                                         attachments)))
    return keys
