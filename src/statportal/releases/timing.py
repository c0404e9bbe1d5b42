"""Release times: an exact moment (ISO 8601 with offset, kept in UTC, shown in Asia/Almaty),
or, for a provisional entry, only a month (``2027-03``) or a range of months
(``2027-03/2027-05``), as the ONS calendar announces releases not yet dated."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from statportal.content.editing import EditError
from statportal.i18n import _


@dataclass(frozen=True)
class ReleaseTime:
    at: datetime | None = None          # exact, UTC
    first_month: date | None = None     # provisional: the first day of the first month
    last_month: date | None = None      # … and of the last month

    @property
    def exact(self):
        return self.at is not None

    def latest(self):
        """The latest moment the release may come (exact: itself; a period: its end)."""
        if self.exact:
            return self.at
        last = self.last_month
        following = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
        return datetime.combine(following, datetime.min.time(), tzinfo=UTC)

    def earliest(self):
        if self.exact:
            return self.at
        return datetime.combine(self.first_month, datetime.min.time(), tzinfo=UTC)

    def isoformat(self):
        if self.exact:
            return self.at.isoformat()
        first = self.first_month.strftime("%Y-%m")
        if self.last_month == self.first_month:
            return first
        return f"{first}/{self.last_month.strftime('%Y-%m')}"


def _month(text, field):
    try:
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return date(int(year), int(month), 1)
    except ValueError:
        raise EditError(_("${value} is not a month like 2027-03.",
                          mapping={"value": text}), field) from None


def parse_release_time(value, field="release_at", exact_only=False):
    """A :class:`ReleaseTime` from JSON text; a clear error naming ``field`` otherwise."""
    if not isinstance(value, str) or not value.strip():
        raise EditError(_("A release time is required: a date and time with its offset, "
                          "like 2027-03-12T10:00:00+05:00."), field, type="required")
    value = value.strip()
    if "T" in value or len(value) > 15:
        try:
            at = datetime.fromisoformat(value)
        except ValueError:
            raise EditError(_("${value} is not a date and time like "
                              "2027-03-12T10:00:00+05:00.", mapping={"value": value}),
                            field) from None
        if at.tzinfo is None:
            raise EditError(_("${value} has no offset; write it like "
                              "2027-03-12T10:00:00+05:00 (Asia/Almaty).",
                              mapping={"value": value}), field)
        return ReleaseTime(at=at.astimezone(UTC))
    if exact_only:
        raise EditError(_("A confirmed release needs a date and time, not only a month."),
                        field)
    first, _sep, last = value.partition("/")
    first_month = _month(first, field)
    last_month = _month(last, field) if last else first_month
    if last_month < first_month:
        raise EditError(_("The range of months ${value} ends before it begins.",
                          mapping={"value": value}), field)
    return ReleaseTime(first_month=first_month, last_month=last_month)
