"""The tests' "now"."""

from datetime import UTC, datetime

#: The tests' "now": Tuesday 1 December 2026, 09:00 in Almaty.
NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
