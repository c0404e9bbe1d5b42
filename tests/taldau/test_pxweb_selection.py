"""PxWeb API 2.0's selection read and turned into the native one, without HTTP: the GET
and POST forms, PxWeb's expressions beyond the native API's, and every refusal naming its
parameter."""

import pytest
from webob.multidict import MultiDict

from statportal.taldau import pxweb_selection as asking
from statportal.taldau.selection import Expr, SelectionError

REGIONS = ("KZ-AKM", "KZ-ALA", "KZ-AST", "KZ-SHY")
PERIODS = ("2025-11", "2025-12", "2026-01", "2026-02", "2026-03")
CODES = {"region": REGIONS, "period": PERIODS}.__getitem__
ORDERS = asking.orders("monthly")


def selection(asked):
    return asking.to_selection(asked, CODES, ORDERS)


def refused(call):
    with pytest.raises(SelectionError) as info:
        call()
    return info.value


def test_get_parameters_as_pxweb_sends_them():
    asked = asking.from_query(MultiDict([
        ("valuecodes[region]", "KZ-AKM,KZ-AST"), ("valuecodes[period]", "range(2025-12,2026-02)"),
        ("codelist[region]", "vs_oblast"), ("outputvalues[region]", "single"),
        ("heading", "period"), ("stub", "region"), ("lang", "en"), ("outputFormat", "csv")]))
    assert asked.values == {"region": ["KZ-AKM", "KZ-AST"],
                            "period": ["range(2025-12,2026-02)"]}
    assert asked.codelists == {"region": "vs_oblast"}
    assert asked.outputvalues == {"region": "single"}
    assert (asked.heading, asked.stub) == (["period"], ["region"])
    assert selection(asked) == {
        "region": Expr("codes", codes=("KZ-AKM", "KZ-AST")),
        "period": Expr("codes", codes=("2025-12", "2026-01", "2026-02"))}


def test_post_body_as_pxweb_sends_it():
    asked = asking.from_body({"selection": [
        {"variableCode": "region", "valueCodes": ["KZ-A?M", "*HY"]},
        {"variableCode": "period", "valueCodes": ["top(2,1)"], "codelist": None}],
        "placement": {"heading": ["period"], "stub": ["region"]}})
    assert selection(asked) == {
        "region": Expr("codes", codes=("KZ-AKM", "KZ-SHY")),
        # the two newest after skipping the newest one
        "period": Expr("codes", codes=("2026-01", "2026-02"))}


def test_native_expressions_go_through_as_they_are():
    asked = asking.from_body({"selection": [
        {"variableCode": "region", "valueCodes": ["*"]},
        {"variableCode": "period", "valueCodes": ["top(3)"]}]})
    assert selection(asked) == {"region": Expr("all"), "period": Expr("top", count=3)}


def test_mixed_lists_and_wildcards_are_expanded_in_hierarchy_order():
    asked = asking.from_body({"selection": [
        {"variableCode": "region", "valueCodes": ["KZ-SHY", "?Z-AK?", "from(KZ-AST)"]},
        {"variableCode": "period", "valueCodes": ["2026*", "bottom(1)"]}]})
    assert selection(asked) == {
        "region": Expr("codes", codes=("KZ-AKM", "KZ-AST", "KZ-SHY")),
        "period": Expr("codes", codes=("2025-11", "2026-01", "2026-02", "2026-03"))}


def test_periods_in_a_list_are_read_by_what_they_mean():
    quarters = ("2025-Q4", "2026-Q1", "2026-Q2")
    asked = asking.from_body({"selection": [
        {"variableCode": "period", "valueCodes": ["2026q2", "2025-q4"]}]})
    assert asking.to_selection(asked, {"period": quarters}.__getitem__,
                               asking.orders("quarterly")) == \
        {"period": Expr("codes", codes=("2025-Q4", "2026-Q2"))}


def test_an_empty_body_selects_everything():
    assert selection(asking.from_body(None)) == {}
    assert selection(asking.from_body({})) == {}
    assert selection(asking.from_body({"selection": []})) == {}


@pytest.mark.parametrize(("body", "field"), [
    (["region"], "selection"),
    ({"selection": {"region": ["KZ-AKM"]}}, "selection"),
    ({"selection": [{"valueCodes": ["KZ-AKM"]}]}, "selection[0].variableCode"),
    ({"selection": [{"variableCode": "region", "valueCodes": []}]}, "valuecodes[region]"),
    ({"selection": [{"variableCode": "region", "valueCodes": "KZ-AKM"}]},
     "valuecodes[region]"),
    ({"selection": [{"variableCode": "region", "valueCodes": [1]}]}, "valuecodes[region]"),
    ({"selection": [], "placement": ["period"]}, "placement"),
    ({"selection": [], "placement": {"heading": "period"}}, "placement.heading"),
])
def test_a_malformed_body_names_its_part(body, field):
    assert refused(lambda: asking.from_body(body)).field == field


@pytest.mark.parametrize(("codes", "field"), [
    (["range(KZ-AKM)"], "valuecodes[region]"),
    (["range(KZ-AKM,KZ-XXX)"], "valuecodes[region]"),
    (["top(0,1)"], "valuecodes[region]"),
    (["KZ-*(1)"], "valuecodes[region]"),
    (["KZ-XXX", "KZ-AKM"], "valuecodes[region]"),
    (["X*"], "valuecodes[region]"),          # a wildcard that picks nothing
    ([" "], "valuecodes[region]"),
])
def test_bad_expressions_name_the_variable(codes, field):
    asked = asking.from_body({"selection": [{"variableCode": "region", "valueCodes": codes}]})
    assert refused(lambda: selection(asked)).field == field


def test_variables_codelists_and_outputvalues_are_checked():
    known = {"region", "period", "ContentsCode"}
    asked = asking.from_query(MultiDict([("valuecodes[sex]", "T")]))
    error = refused(lambda: asking.check_variables(asked, known))
    assert (error.field, error.kind) == ("valuecodes[sex]", "variable")
    asked = asking.from_query(MultiDict([("stub", "region,age")]))
    assert refused(lambda: asking.check_variables(asked, known)).field == "valuecodes[age]"
    asked = asking.from_query(MultiDict([("codelist[region]", "agg_x")]))
    error = refused(lambda: asking.check_variables(asked, known))
    assert (error.field, error.kind) == ("codelist[region]", "codelist")
    asked = asking.from_query(MultiDict([("outputvalues[region]", "summed")]))
    assert refused(lambda: asking.check_variables(asked, known)).field == \
        "outputvalues[region]"
    asking.check_variables(asking.from_query(MultiDict([
        ("valuecodes[region]", "*"), ("outputvalues[period]", "aggregated")])), known)


def test_a_malformed_key_is_named():
    assert refused(lambda: asking.from_query(MultiDict([("valuecodes", "x")]))).field == \
        "valuecodes"


def test_commas_inside_brackets_stay_together():
    assert asking.split_codes("a, range(b,c) ,top(2,1)") == ["a", "range(b,c)", "top(2,1)"]
