"""Spam defence without a third-party service: how many questions one client address
(``statportal.questions.per_address_per_hour``) and one e-mail address
(``per_email_per_day``) may send. Counted in the process by the one limiter
(``statportal.security.ratelimit``, as the login throttle is); the
address is the connection's (``REMOTE_ADDR``, which waitress sets from a trusted proxy),
never a header the client writes.

Those who may add questions to ``/questions`` for others (ADD: the coordinators, who
enter the questions that came by post) are not the public and are not limited. A body
larger than a question can be is refused unread, and counts as an attempt
(``refuse_body``, through ``statportal.security.bodylimit``)."""

from statportal.i18n import _
from statportal.security.ratelimit import RateLimit, take_once
from statportal.security.staff import is_staff

#: Marks a request already counted: a retry after a write conflict reuses its environ.
COUNTED = "statportal.question_counted"


class QuestionLimits:
    """Every attempt from an address counts (a burst of bad requests is stopped too); an
    e-mail address counts when its question is stored (after the commit)."""

    def __init__(self, per_address_per_hour, per_email_per_day):
        self.by_address = RateLimit(per_address_per_hour, 3600)
        self.by_email = RateLimit(per_email_per_day, 86400)

    @classmethod
    def from_settings(cls, settings):
        from statportal.settings import as_int

        return cls(as_int(settings, "statportal.questions.per_address_per_hour"),
                   as_int(settings, "statportal.questions.per_email_per_day"))

    @staticmethod
    def _email(email):
        return str(email or "").strip().lower()[:254] if isinstance(email, str) else ""

    @staticmethod
    def exempt(request, questions):
        """Whether this user enters questions for others (decided by permission)."""
        from statportal.security.permissions import ADD

        return is_staff(request) and bool(
            request.has_permission(ADD, questions))

    def count_address(self, request):
        """Count one attempt from the request's address (a refused one too)."""
        take_once(self.by_address, request, COUNTED)

    def admit(self, request, email):
        """None, or ``(field, message, seconds)`` when this question must wait."""
        wait = take_once(self.by_address, request, COUNTED)
        if wait:
            return None, _("Too many questions from your address: try again in "
                           "${minutes} minutes.", mapping={"minutes": -(-wait // 60)}), wait
        email = self._email(email)
        wait = self.by_email.retry_after(email) if email else 0
        if wait:
            return "email", _("Too many questions from this e-mail address today: try "
                              "again in ${hours} hours.",
                              mapping={"hours": -(-wait // 3600)}), wait
        return None

    def stored(self, request, email):
        """Count the e-mail address once the question is committed."""
        email = self._email(email)
        if email:
            request.tm.get().addAfterCommitHook(
                lambda ok: ok and self.by_email.hit(email))


def get_limits(request):
    """The registry's ``IQuestionLimits`` (``questions.includeme`` registers them)."""
    from statportal.interfaces import IQuestionLimits

    return request.registry.getUtility(IQuestionLimits)


def attachment_max_mb(settings, anonymous=False):
    """The largest attachment in MB: the public's far lower (``anonymous_…``)."""
    from statportal.settings import as_int

    mb = as_int(settings, "statportal.questions.attachment_max_mb")
    if anonymous:
        mb = min(mb, as_int(settings, "statportal.questions.anonymous_attachment_max_mb"))
    return mb


def body_max_bytes(settings, anonymous=False):
    """The largest body a question can be: the attachment in base64, and the text."""
    return (attachment_max_mb(settings, anonymous) * 4 // 3 + 1) * 1024 * 1024


def sent_from_elsewhere(request):
    """Whether the browser says the request comes from another site's page (``Origin``,
    which browsers send with every POST; ``null`` from an opaque origin)."""
    origin = request.headers.get("Origin")
    return origin is not None and origin.rstrip("/") != request.host_url


def refuse_body(request, limit):
    """The answer to a question too large to read (called before anything reads it):
    413 naming the attachment, in JSON or as a page; the attempt counts — unless another
    site's page sent it: that site must not use up its visitors' allowance (the CSRF
    check, which such a request would fail, comes only after this refusal)."""
    from statportal.security.bodylimit import signed_in

    if not sent_from_elsewhere(request):
        get_limits(request).count_address(request)
    message = _("The question is too large: an attachment may have at most ${mb} MB.",
                mapping={"mb": attachment_max_mb(request.registry.settings,
                                                 anonymous=not signed_in(request))})
    accept = request.headers.get("Accept", "")
    if request.path_info.startswith("/++api++/") or "application/json" in accept \
            or request.content_type == "application/json":
        from statportal.api.errors import json_error

        return json_error(request, 413, message, [
            {"field": "attachment", "message": message, "type": "too_large"}])
    from pyramid.httpexceptions import HTTPRequestEntityTooLarge

    from statportal.views.errors import render_error

    return render_error(request, HTTPRequestEntityTooLarge(
        request.localizer.translate(message)))
