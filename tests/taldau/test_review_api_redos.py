"""Review 2, finding 4: PxWeb's wildcards (``*``, ``?``) are matched without backtracking;
runs of ``*`` are one, a long expression or one of many wildcards is refused naming the
variable (an anonymous query once pinned a worker for minutes: one ``.*`` per star)."""

import re

from tests.helpers.placement import as_user

DATA = "/api/v2/tables/wages/data"


def _regions_of(body):
    return list(body["dimension"]["region"]["category"]["index"])


def test_ten_thousand_stars_are_refused_naming_the_variable(taldau):
    as_user(taldau, None)
    for text in ("K" + "*" * 10_000 + "Q", "K" + "*?" * 9 + "Q", "K" + "x" * 300 + "*"):
        problem = taldau.get(DATA, {"valuecodes[region]": text}, status=400).json
        assert problem["field"] == "valuecodes[region]"
        assert "too long" in problem["detail"]


def test_a_run_of_stars_is_one_star(taldau):
    as_user(taldau, None)
    many = taldau.get(DATA, {"valuecodes[region]": "KZ-A" + "*" * 150}).json
    assert _regions_of(many) == ["KZ-AST", "KZ-ALA"]
    none = taldau.get(DATA, {"valuecodes[region]": "K" + "*" * 150 + "Q"}, status=400).json
    assert none["field"] == "valuecodes[region]"


def test_wildcards_still_pick_the_codes(taldau):
    as_user(taldau, None)
    assert _regions_of(taldau.get(DATA, {"valuecodes[region]": "KZ-?A?"}).json) == [
        "KZ-KAR"]
    assert _regions_of(taldau.get(DATA, {"valuecodes[region]": "*A*,KZ"}).json) == [
        "KZ", "KZ-AST", "KZ-ALA", "KZ-KAR"]


def test_the_matcher_agrees_with_a_regular_expression():
    from statportal.taldau.pxweb_selection import wildcard_match

    cases = [(p, c) for p in ("*", "K*", "*Q", "K*Q", "?", "K?-*", "a*b*c", "*a*", "??",
                              "a?c*", "*x", "")
             for c in ("KZ", "KZ-75", "abc", "axbyc", "x", "", "aa", "KQ", "K-Q", "a?c")]
    for pattern, code in cases:
        expected = re.fullmatch("".join(".*" if ch == "*" else "." if ch == "?"
                                        else re.escape(ch) for ch in pattern), code)
        assert wildcard_match(pattern, code) is bool(expected), (pattern, code)
