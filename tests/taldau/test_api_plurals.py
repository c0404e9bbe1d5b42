"""The data service's counted messages take their plural form (R1 finding 11): one
``ngettext`` each (``taldau.plurals`` for the templates), numbers in the page's language."""

from types import SimpleNamespace

from statportal.i18n import interpolate
from statportal.taldau import plurals

EN = SimpleNamespace(locale_name="en")


def words(message):
    return interpolate(message)


def test_one_and_many():
    one = SimpleNamespace(rows=1, number=3, summary={"new": 1})
    assert words(plurals.stored(EN, one)) == (
        "Stored as vintage 3: 1 row (1 new, 0 revised, 0 confidential).")
    many = SimpleNamespace(rows=2500, number=4, summary={"revised": 2500})
    assert words(plurals.stored(EN, many)) == (
        "Stored as vintage 4: 2,500 rows (0 new, 2,500 revised, 0 confidential).")
    assert words(plurals.too_big(EN, 7200, 6000)).startswith(
        "The selection has 7,200 cells; a page shows at most 6,000.")
    assert words(plurals.chart_omitted(EN, 8, 11)) == (
        "The chart shows the first 8 of 11 series; the table shows them all.")
    result = SimpleNamespace(compared=1, filename="t.csv", equal=1, total_differences=0)
    assert words(plurals.compared(EN, result, "the public data")) == (
        "Compared 1 cell of t.csv with the public data: 1 equal, 0 different.")
    assert words(plurals.first_differences(EN, 1)) == "Only the first 1 difference is listed."
    assert words(plurals.first_differences(EN, 100)) == (
        "Only the first 100 differences are listed.")


def test_the_plural_rule_is_the_languages(monkeypatch):
    """The form is chosen by the catalog's rule for the number (a stand-in Russian one)."""
    from pyramid.i18n import Localizer

    from statportal.i18n import translate

    chosen = []

    def pluralize(self, singular, plural, n, domain=None, mapping=None):
        chosen.append((singular, n))
        return f"{n}"

    monkeypatch.setattr(Localizer, "pluralize", pluralize)
    request = SimpleNamespace(locale_name="ru", localizer=Localizer("ru", None))
    assert translate(request, plurals.first_differences(request, 21)) == "21"
    assert chosen == [("Only the first ${n} difference is listed.", 21)]
