"""Spam defence without a third-party service: how many questions one client address
(``statportal.questions.per_address_per_hour``) and one e-mail address
(``per_email_per_day``) may send. Counted in the process, like the login throttle; the
address is the connection's (``REMOTE_ADDR``, which waitress sets from a trusted proxy),
never a header the client writes."""

from statportal.i18n import _
from statportal.security.throttle import RateLimit

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

    def admit(self, request, email):
        """None, or ``(field, message, seconds)`` when this question must wait."""
        if not request.environ.get(COUNTED):
            wait = self.by_address.take(request.remote_addr or "-")
            if wait:
                return None, _("Too many questions from your address: try again in "
                               "${minutes} minutes.", mapping={"minutes": -(-wait // 60)}), wait
            request.environ[COUNTED] = True
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
    return request.registry.statportal_question_limits
