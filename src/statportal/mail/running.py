"""The mail sender running in this process, if any (``IMailSender``): the outbox wakes it
after a commit. A module of its own, so that the outbox and the sender need not import
the package (which imports them)."""


def sender_of(registry):
    """The mail sender running in this process for ``registry`` (``IMailSender``), or
    None."""
    from statportal.interfaces import IMailSender

    return registry.queryUtility(IMailSender) if registry is not None else None


def kick_of(registry):
    """What wakes the running sender at once (after a commit), or None."""
    sender = sender_of(registry)
    return sender.kick if sender is not None else None
