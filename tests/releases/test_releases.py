"""The release calendar's rules, without HTTP: times, moves with their public log, status."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from statportal.content.editing import EditError
from statportal.releases import entries
from statportal.releases.timing import ReleaseTime, parse_release_time
from statportal.schedule import WorkCalendar

ALMATY = ZoneInfo("Asia/Almaty")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ALMATY).astimezone(UTC)
CAL = WorkCalendar()


def entry(status="confirmed", at="2026-12-14T10:00:00+05:00"):
    return SimpleNamespace(status=status, release=parse_release_time(at), changes=(),
                           notes=(), cancel_notice=None, published_at=None)


def test_times_exact_month_and_range():
    exact = parse_release_time("2026-12-14T10:00:00+05:00")
    assert exact.at == datetime(2026, 12, 14, 5, 0, tzinfo=UTC) and exact.exact
    month = parse_release_time("2027-03")
    assert not month.exact and month.isoformat() == "2027-03"
    assert month.latest() == datetime(2027, 4, 1, tzinfo=UTC)
    span = parse_release_time("2027-11/2028-01")
    assert span.isoformat() == "2027-11/2028-01" and span.latest() == datetime(2028, 2, 1,
                                                                                  tzinfo=UTC)


@pytest.mark.parametrize(("value", "kind"), [
    ("", "required"), (None, "required"), ("2026-12-14T10:00:00", "invalid"),
    ("14.12.2026", "invalid"), ("2027-13", "invalid"), ("2027-05/2027-03", "invalid"),
    ("2026-12-14T25:00:00+05:00", "invalid"),
])
def test_bad_times_name_the_field(value, kind):
    with pytest.raises(EditError) as caught:
        parse_release_time(value)
    assert caught.value.field == "release_at" and caught.value.type == kind


def test_a_month_is_refused_where_an_exact_time_is_needed():
    with pytest.raises(EditError):
        parse_release_time("2027-03", exact_only=True)
    with pytest.raises(EditError):
        entries.check_new(parse_release_time("2027-03"), "confirmed", NOW, CAL)


def test_new_entries_in_the_past_or_on_a_day_off():
    past = parse_release_time("2026-11-30T10:00:00+05:00")
    with pytest.raises(EditError, match="past"):
        entries.check_new(past, "confirmed", NOW, CAL)
    sunday = parse_release_time("2026-12-13T10:00:00+05:00")
    with pytest.raises(EditError) as caught:
        entries.check_new(sunday, "confirmed", NOW, CAL)
    assert caught.value.type == "non_working_day"
    assert entries.check_new(sunday, "confirmed", NOW, CAL, non_working_confirmed=True) == (
        "released on a non-working day (2026-12-13), confirmed",)
    independence_day = parse_release_time("2026-12-16T10:00:00+05:00")
    with pytest.raises(EditError):
        entries.check_new(independence_day, "provisional", NOW, CAL)
    assert entries.check_new(parse_release_time("2026-12"), "provisional", NOW, CAL) == ()


def test_moving_a_confirmed_date_needs_a_reason_and_is_logged():
    item = entry()
    later = parse_release_time("2026-12-21T10:00:00+05:00")
    with pytest.raises(EditError) as caught:
        entries.move(item, later, "  ", "dana", NOW, CAL)
    assert caught.value.field == "reason" and item.release != later and item.changes == ()
    entries.move(item, later, "Data from a late respondent", "dana", NOW, CAL)
    assert item.release == later and entries.shown_status(item) == "postponed"
    [change] = item.changes
    assert change["previous"].isoformat() == "2026-12-14T05:00:00+00:00"
    assert change["reason"] == "Data from a late respondent" and change["by"] == "dana"
    earlier = parse_release_time("2026-12-18T10:00:00+05:00")
    entries.move(item, earlier, "Ready sooner", "dana", NOW, CAL)
    assert len(item.changes) == 2 and entries.shown_status(item) == "confirmed"
    assert isinstance(item.changes, tuple)


def test_a_provisional_date_moves_without_a_log_and_is_confirmed():
    item = entry("provisional", "2027-03")
    entries.move(item, parse_release_time("2027-04"), "", "dana", NOW, CAL)
    assert item.changes == () and item.release.isoformat() == "2027-04"
    with pytest.raises(EditError):
        entries.confirm(item, NOW, CAL)
    with pytest.raises(EditError, match="past"):
        entries.confirm(item, NOW, CAL, parse_release_time("2026-11-30T10:00:00+05:00"))
    assert item.status == "provisional"
    entries.confirm(item, NOW, CAL, parse_release_time("2027-04-14T10:00:00+05:00"))
    assert item.status == "confirmed" and item.release.exact


def test_cancel_needs_a_notice_and_ends_the_entry():
    item = entry()
    for notice in ({"en": " "}, "Survey suspended", None):
        with pytest.raises(EditError) as caught:
            entries.cancel(item, notice, "dana", NOW)
        assert caught.value.field == "cancel_notice" and item.status == "confirmed"
    entries.cancel(item, {"en": "Survey suspended", "kk": "Зерттеу тоқтатылды"}, "dana", NOW)
    assert item.status == "cancelled" and item.changes[-1]["new"] is None
    with pytest.raises(EditError) as caught:
        entries.move(item, parse_release_time("2026-12-21T10:00:00+05:00"), "x", "dana",
                     NOW, CAL)
    assert caught.value.status == 409


def test_published_gives_the_delay_and_freezes_the_entry():
    item = entry()
    delay = entries.mark_published(item, item.release.at + timedelta(minutes=3))
    assert delay == timedelta(minutes=3) and item.status == "published"
    with pytest.raises(EditError):
        entries.mark_published(item, NOW)
    with pytest.raises(EditError):
        entries.cancel(item, {"en": "late"}, "dana", NOW)


def test_release_times_compare_by_value():
    assert ReleaseTime(first_month=datetime(2027, 3, 1).date(),
                       last_month=datetime(2027, 3, 1).date()) == parse_release_time("2027-03")
