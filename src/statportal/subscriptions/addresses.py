"""What address may subscribe: a syntactically valid one (``email-validator``, no DNS
lookup: a request must not wait on the resolver, and the confirmation mail proves the
address anyway), and not a role address — a mailbox of a function, not a person, that
cannot meaningfully opt in (RFC 2142's, and the no-reply kinds). ``info@`` and
``office@`` are allowed: small organisations read them as their own."""

from email_validator import EmailNotValidError, validate_email

from statportal.i18n import _

#: local parts refused (compared casefolded, without a ``+tag``)
ROLE_LOCAL_PARTS = frozenset({
    "postmaster", "abuse", "hostmaster", "webmaster", "root", "admin", "administrator",
    "noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "mailer-daemon",
    "nobody", "security", "listserv", "majordomo",
})


class AddressError(ValueError):
    """An address that may not subscribe; ``message`` is translatable."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def normalise(address):
    """The address as it will be written to, or ``AddressError``: the domain in lower case
    and, when internationalised (``мысал.қаз``), in its ASCII form (``xn--…``) — what an
    SMTP server without SMTPUTF8, and smtplib, can deliver to. A local part in letters other
    than Latin cannot be delivered that way: refused, naming the field."""
    address = str(address or "").strip()
    if not address:
        raise AddressError(_("Required"))
    try:
        valid = validate_email(address, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        if not address.partition("@")[0].isascii():
            raise AddressError(_("The part before @ must be in Latin letters, digits and "
                                 "punctuation: the portal's mail cannot reach other "
                                 "addresses.")) from None
        raise AddressError(_("This is not a valid e-mail address.")) from None
    local = valid.local_part.casefold().split("+", 1)[0]
    if local in ROLE_LOCAL_PARTS:
        raise AddressError(_("A role address (such as postmaster@ or noreply@) cannot "
                             "subscribe: please use a personal address."))
    return valid.ascii_email or valid.normalized
