"""Selections without HTTP: ``parse_valuecodes`` reads GET and POST forms, ``select`` cuts a
small cube (2 regions × 3 sexes × 6 months) and labels it; every bad input names its field."""

from types import SimpleNamespace

import numpy
import pytest
from webob.multidict import MultiDict

from statportal.taldau.periods import ordinal
from statportal.taldau.selection import Expr, SelectionError, parse_valuecodes, select

REGIONS = ("KZ-AKM", "KZ-ALA")
SEXES = ("T", "M", "F")
MONTHS = [ordinal(f"2026-{m:02d}", "monthly") for m in range(1, 7)]


def label(kk, ru, en):
    return {"kk": kk, "ru": ru, "en": en}


INDICATOR = SimpleNamespace(
    __name__="wages", code="WAGE", periodicity="monthly", decimals=None,
    title=label("Жалақы", "Зарплата", "Wages"),
    unit_of_measure=label("теңге", "тенге", "tenge"), source=label("БҰ", "БНС", "BNS"),
    notes=label("", "", "Provisional for the last month."),
    dimensions=[
        {"code": "region", "title": label("Өңір", "Регион", "Region"), "hierarchy": [
            {"code": "KZ-AKM", "parent": None, "label": label("Ақмола", "Акмола", "Akmola")},
            {"code": "KZ-ALA", "parent": None, "label": label("Алматы", "Алматы", "Almaty")}]},
        {"code": "sex", "title": label("Жынысы", "Пол", "Sex"), "hierarchy": [
            {"code": "T", "parent": None, "label": label("Барлығы", "Всего", "Total")},
            {"code": "M", "parent": "T", "label": label("Ер", "Мужчины", "Men")},
            {"code": "F", "parent": "T", "label": {"ru": "Женщины"}}]}])


@pytest.fixture
def cube():
    values = numpy.arange(2 * 3 * 6, dtype=numpy.float64).reshape(2, 3, 6)
    status = numpy.zeros(values.shape, dtype=numpy.uint8)
    status[1, 2, 5] = 1  # a confidential cell: its number must never come out
    status[0, 0, 5] = 3
    return SimpleNamespace(dims=(("region", REGIONS), ("sex", SEXES)), periods=tuple(MONTHS),
                           values=values, status=status, updated=None, vintages=(1,),
                           decimals=1)


def refused(params_or_call):
    with pytest.raises(SelectionError) as info:
        params_or_call()
    return info.value


# -- reading ---------------------------------------------------------------------------------
def test_get_parameters():
    params = MultiDict([("valuecodes[region]", "KZ-AKM, KZ-ALA"), ("lang", "en"),
                        ("valuecodes[period]", "top(3)"), ("valuecodes[sex]", "*")])
    assert parse_valuecodes(params) == {
        "region": Expr("codes", codes=("KZ-AKM", "KZ-ALA")), "period": Expr("top", count=3),
        "sex": Expr("all")}


def test_a_repeated_parameter_adds_its_codes():
    params = MultiDict([("valuecodes[sex]", "M"), ("valuecodes[sex]", "F")])
    assert parse_valuecodes(params) == {"sex": Expr("codes", codes=("M", "F"))}


def test_post_json_text_and_list():
    body = {"valuecodes": {"region": "KZ-AKM,KZ-ALA", "sex": ["M", "F"],
                           "period": ["from(2026-03)"]}, "lang": "ru"}
    assert parse_valuecodes(body) == {
        "region": Expr("codes", codes=("KZ-AKM", "KZ-ALA")),
        "sex": Expr("codes", codes=("M", "F")), "period": Expr("from", codes=("2026-03",))}
    assert parse_valuecodes({"lang": "ru"}) == {}  # nothing named: every code of each


@pytest.mark.parametrize(("params", "field"), [
    ({"valuecodes[region]": "top(0)"}, "valuecodes[region]"),
    ({"valuecodes[period]": "top(-1)"}, "valuecodes[period]"),
    ({"valuecodes[period]": "top(x)"}, "valuecodes[period]"),
    ({"valuecodes[period]": "top()"}, "valuecodes[period]"),
    ({"valuecodes[period]": "top(9999999999)"}, "valuecodes[period]"),
    ({"valuecodes[region]": "from()"}, "valuecodes[region]"),
    ({"valuecodes[region]": "from(a,b)"}, "valuecodes[region]"),
    ({"valuecodes[region]": "a,,b"}, "valuecodes[region]"),
    ({"valuecodes[region]": "a,top(2)"}, "valuecodes[region]"),
    ({"valuecodes[region]": "median(2)"}, "valuecodes[region]"),
    ({"valuecodes[region]": "  "}, "valuecodes[region]"),
    ({"valuecodes[region]": "x" * 101}, "valuecodes[region]"),
    ({"valuecodes[1bad]": "a"}, "valuecodes[1bad]"),
    ({"valuecodes[]": "a"}, "valuecodes[]"),
    ({"valuecodes[region": "a"}, "valuecodes[region"),
    ({"valuecodes": "a"}, "valuecodes"),
    ({"valuecodes": ["a"]}, "valuecodes"),
    ({"valuecodes": {"region": 3}}, "valuecodes[region]"),
    ({"valuecodes": {"region": []}}, "valuecodes[region]"),
    ({"valuecodes": {"region": ["a", 1]}}, "valuecodes[region]"),
    ({"valuecodes": {"no such": "a"}}, "valuecodes[no such]"),
    (["valuecodes"], "valuecodes"),
])
def test_malformed_selections_name_the_field(params, field):
    error = refused(lambda: parse_valuecodes(params))
    assert error.field == field
    assert error.error()["type"] == "invalid" and str(error.message)


# -- applying --------------------------------------------------------------------------------
def test_default_is_every_code(cube):
    result = select(cube, INDICATOR, {}, "en")
    assert [d.code for d in result.dims] == ["region", "sex", "period"]
    assert result.values.shape == (2, 3, 6)
    assert result.dims[2].codes == [f"2026-{m:02d}" for m in range(1, 7)]
    assert result.dims[2].role == "time" and result.dims[0].role == "geo"
    assert result.dims[1].role is None
    assert (result.title, result.unit, result.source, result.code) == (
        "Wages", "tenge", "BNS", "WAGE")
    assert result.notes == ["Provisional for the last month."]
    assert result.decimals == 1  # the data's, the indicator fixes none


def test_the_number_of_a_confidential_cell_never_comes_out(cube):
    cube.values[1, 2, 5] = 123456.0  # even if a cube held it
    result = select(cube, INDICATOR, {}, "en")
    assert numpy.isnan(result.values[1, 2, 5]) and result.status[1, 2, 5] == 1
    assert 123456.0 not in result.values
    assert result.status[0, 0, 5] == 3 and result.values[0, 0, 5] == 5.0


def test_codes_keep_hierarchy_order_and_labels_follow_lang(cube):
    selection = parse_valuecodes({"valuecodes[sex]": "F,M,F", "valuecodes[region]": "KZ-ALA"})
    result = select(cube, INDICATOR, selection, "kk")
    sex = result.dims[1]
    assert sex.codes == ["M", "F"] and sex.label == "Жынысы"
    assert sex.labels == ["Ер", "Женщины"]  # no kk label: the first language that has one
    assert result.dims[0].labels == ["Алматы"] and result.title == "Жалақы"
    assert result.values.shape == (1, 2, 6)
    assert result.values[0, 0, 0] == cube.values[1, 1, 0]
    assert result.notes == ["Provisional for the last month."]  # only en has it


def test_top_is_the_last_periods_and_the_first_codes(cube):
    selection = parse_valuecodes({"valuecodes[period]": "top(2)", "valuecodes[sex]": "top(2)"})
    result = select(cube, INDICATOR, selection, "en")
    assert result.dims[2].codes == ["2026-05", "2026-06"]
    assert result.dims[1].codes == ["T", "M"]
    bottom = select(cube, INDICATOR, parse_valuecodes({"valuecodes[period]": "bottom(2)",
                                                       "valuecodes[sex]": "bottom(1)"}), "en")
    assert bottom.dims[2].codes == ["2026-01", "2026-02"] and bottom.dims[1].codes == ["F"]
    many = select(cube, INDICATOR, parse_valuecodes({"valuecodes[period]": "top(50)"}), "en")
    assert len(many.dims[2].codes) == 6


def test_from_and_to(cube):
    selection = parse_valuecodes({"valuecodes[period]": "from(2026-05)",
                                  "valuecodes[sex]": "from(M)"})
    result = select(cube, INDICATOR, selection, "en")
    assert result.dims[2].codes == ["2026-05", "2026-06"]
    assert result.dims[1].codes == ["M", "F"]
    # a well-formed period before the data bounds the range: all of it
    early = select(cube, INDICATOR, parse_valuecodes({"valuecodes[period]": "from(2020-01)"}),
                   "en")
    assert len(early.dims[2].codes) == 6
    upto = select(cube, INDICATOR, parse_valuecodes({"valuecodes[period]": "to(2026-02)",
                                                     "valuecodes[sex]": "to(M)"}), "en")
    assert upto.dims[2].codes == ["2026-01", "2026-02"] and upto.dims[1].codes == ["T", "M"]


def test_periods_compare_by_meaning(cube):
    quarterly = SimpleNamespace(**{**vars(INDICATOR), "periodicity": "quarterly"})
    cube.periods = tuple(ordinal(f"2026-Q{q}", "quarterly") for q in (1, 2, 3, 4)) + (
        ordinal("2027-Q1", "quarterly"), ordinal("2027-Q2", "quarterly"))
    result = select(cube, quarterly, parse_valuecodes({"valuecodes[period]": "2026-q3,2026Q4"}),
                    "en")
    assert result.dims[2].codes == ["2026-Q3", "2026-Q4"]


@pytest.mark.parametrize(("params", "field", "words"), [
    ({"valuecodes[age]": "*"}, "valuecodes[age]", "age"),
    ({"valuecodes[region]": "KZ-AKM,KZ-XXX"}, "valuecodes[region]", "KZ-XXX"),
    ({"valuecodes[period]": "2026-07"}, "valuecodes[period]", "2026-07"),
    ({"valuecodes[period]": "2026"}, "valuecodes[period]", "2026"),
    ({"valuecodes[sex]": "from(X)"}, "valuecodes[sex]", "X"),
    ({"valuecodes[sex]": "to(X)"}, "valuecodes[sex]", "X"),
    ({"valuecodes[period]": "from(2026-13)"}, "valuecodes[period]", "2026-13"),
    ({"valuecodes[period]": "from(2026-Q1)"}, "valuecodes[period]", "2026-Q1"),
    ({"valuecodes[period]": "from(2030-01)"}, "valuecodes[period]", "period"),
])
def test_unknown_names_are_refused(cube, params, field, words):
    error = refused(lambda: select(cube, INDICATOR, parse_valuecodes(params), "en"))
    assert error.field == field
    assert words in str(error)


def test_more_cells_than_allowed_names_both_counts(cube):
    error = refused(lambda: select(cube, INDICATOR, {}, "en", limit=35))
    assert error.field == "valuecodes"
    assert "36" in str(error) and "35" in str(error)
    assert select(cube, INDICATOR, {}, "en", limit=36).values.size == 36


def test_the_time_dimension_title_is_translated(cube):
    result = select(cube, INDICATOR, {}, "ru", translate=lambda message: "Период")
    assert result.dims[2].label == "Период"
    assert select(cube, INDICATOR, {}, "en").dims[2].label == "Period"
