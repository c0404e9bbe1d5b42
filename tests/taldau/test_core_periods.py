"""Periods: ordinals, labels and first days for the three periodicities."""

from datetime import date

import pytest

from statportal.taldau.periods import PeriodError, first_day, label, ordinal


@pytest.mark.parametrize(("text", "periodicity", "expected", "day"), [
    ("2026", "annual", 2026, date(2026, 1, 1)),
    ("2026-Q1", "quarterly", 2026 * 4, date(2026, 1, 1)),
    ("2026-Q3", "quarterly", 2026 * 4 + 2, date(2026, 7, 1)),
    ("2026-01", "monthly", 2026 * 12, date(2026, 1, 1)),
    ("2026-10", "monthly", 2026 * 12 + 9, date(2026, 10, 1)),
    ("2026-12", "monthly", 2026 * 12 + 11, date(2026, 12, 1)),
])
def test_round_trip(text, periodicity, expected, day):
    assert ordinal(text, periodicity) == expected
    assert label(expected, periodicity) == text
    assert first_day(expected, periodicity) == day


def test_neighbours_are_consecutive():
    assert ordinal("2027-01", "monthly") - ordinal("2026-12", "monthly") == 1
    assert ordinal("2027-Q1", "quarterly") - ordinal("2026-Q4", "quarterly") == 1
    assert ordinal(2026, "annual") == 2026  # a number from a spreadsheet cell


def test_lenient_spellings():
    assert ordinal(" 2026-q2 ", "quarterly") == ordinal("2026-Q2", "quarterly")


@pytest.mark.parametrize(("text", "periodicity"), [
    ("2026-10", "annual"), ("2026", "monthly"), ("2026-Q3", "monthly"),
    ("2026-13", "monthly"), ("2026-00", "monthly"), ("2026-Q5", "quarterly"),
    ("26", "annual"), ("", "annual"), (None, "annual"), ("20260", "annual"),
    ("1850", "annual"), ("2026-1", "monthly"),
])
def test_malformed_or_misfitting_periods(text, periodicity):
    with pytest.raises(PeriodError) as caught:
        ordinal(text, periodicity)
    assert isinstance(caught.value, ValueError) and caught.value.message


def test_unknown_periodicity():
    with pytest.raises(PeriodError, match="weekly"):
        ordinal("2026", "weekly")
    with pytest.raises(PeriodError):
        label(2026, "daily")


def test_period_errors_are_translation_strings_with_their_mapping():
    """What reaches the import's and the selection's errors is translated by the asker's
    localizer: a ``_()`` message of the statportal domain, not English text."""
    from translationstring import TranslationString

    with pytest.raises(PeriodError) as caught:
        ordinal("2026-13", "monthly")
    message = caught.value.message
    assert isinstance(message, TranslationString) and message.domain == "statportal"
    assert message == "${period}: there is no month ${month}."
    assert message.mapping == {"period": "'2026-13'", "month": 13}
    assert str(caught.value) == "'2026-13': there is no month 13."
    with pytest.raises(PeriodError) as caught:
        ordinal("2026-Q3", "annual")
    assert caught.value.message == "${period} is not an annual period (like 2026)."


@pytest.mark.parametrize(("lang", "month", "quarter"), [
    ("en", "October 2026", "Q3 2026"),
    ("kk", "Қазан 2026", "2026, III тоқсан"),
    ("ru", "Октябрь 2026", "III квартал 2026"),
])
def test_readable_labels_in_each_language(lang, month, quarter):
    """Months by babel's stand-alone names (capitalised), quarters by a translated message
    (a stand-in catalog here: the lead's kk/ru translations come at the end), years as
    they are."""
    from statportal.taldau.periods import period_label

    catalog = {"kk": {"Q3 ${year}": "${year}, III тоқсан"},
               "ru": {"Q3 ${year}": "III квартал ${year}"}}.get(lang, {})

    def translate(message):
        return type(message)(catalog.get(message, message),
                             mapping=message.mapping).interpolate()

    assert period_label(ordinal("2026-10", "monthly"), "monthly", lang) == month
    assert period_label(ordinal("2026-Q3", "quarterly"), "quarterly", lang,
                        translate) == quarter
    assert period_label(2026, "annual", lang) == "2026"
    assert period_label(ordinal("2026-Q1", "quarterly"), "quarterly", lang) == "Q1 2026"
