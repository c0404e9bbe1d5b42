"""One round of errors (issue 18, item 7): ``cross_check`` adds what a schema's own
validator finds in the fields that passed, and does not believe a validator that read a
field that failed."""

import colander
import pytest

from statportal.content.crosscheck import cross_check


def schema(validator):
    node = colander.SchemaNode(colander.Mapping(), validator=validator)
    node.add(colander.SchemaNode(colander.Int(), name="low"))
    node.add(colander.SchemaNode(colander.Int(), name="high"))
    node.add(colander.SchemaNode(colander.String(), name="note", missing=colander.drop))
    return node


def refused(node, cstruct):
    with pytest.raises(colander.Invalid) as caught:
        node.deserialize(cstruct)
    return caught.value


def order(node, value):
    """``low`` <= ``high``: reads both."""
    if value["low"] > value["high"]:
        exc = colander.Invalid(node, "")
        exc["high"] = "Not below low."
        raise exc


def note_needed(node, value):
    """A note when high is over 100: reads high and note."""
    if value.get("high", 0) > 100 and "note" not in value:
        exc = colander.Invalid(node, "")
        exc["note"] = "Say why."
        raise exc


def test_the_cross_check_joins_the_fields_errors():
    node = schema(note_needed)
    error = refused(node, {"low": "x", "high": "500"})
    assert error.asdict() == {"low": '"x" is not a number'}
    assert cross_check(node, {"low": "x", "high": "500"}, error) is True
    assert error.asdict() == {"low": '"x" is not a number', "note": "Say why."}


def test_a_check_that_reads_a_failed_field_is_not_believed():
    """Without low, ``order`` cannot be judged (it fails on a missing key); and
    ``note_unless_high`` would take a failed high for one not given: no verdict."""
    node = schema(order)
    error = refused(node, {"low": "x", "high": "5"})
    assert cross_check(node, {"low": "x", "high": "5"}, error) is False
    node = schema(note_unless_high)
    error = refused(node, {"low": "1", "high": "y"})
    assert cross_check(node, {"low": "1", "high": "y"}, error) is False
    assert error.asdict() == {"high": '"y" is not a number'}  # no false "Say why."


def note_unless_high(node, value):
    """A note when no high is given: a failed high looks not given."""
    if value.get("high") is None and "note" not in value:
        exc = colander.Invalid(node, "")
        exc["note"] = "Say why."
        raise exc


def test_a_field_keeps_its_own_error():
    """A cross-check naming a field that failed by itself does not add a second one."""
    def blame_low(node, value):
        exc = colander.Invalid(node, "")
        exc["low"] = "Cross-check."
        exc["high"] = "Cross-check."
        raise exc

    node = schema(blame_low)
    error = refused(node, {"low": "x", "high": "5"})
    assert cross_check(node, {"low": "x", "high": "5"}, error) is True
    assert error.asdict() == {"low": '"x" is not a number', "high": "Cross-check."}
