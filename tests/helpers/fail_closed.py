"""Adding materials and reading the errors of a refused publication."""

from tests.helpers.materials import add as add_material


def undeclared(**changes):
    """A material body with nothing declared (the tests' default declares a reason)."""
    body = {"primary_data": None, "primary_data_reason": ""}
    body.update(changes)
    return body


def add(client, status=201, **changes):
    return add_material(client, status=status, **undeclared(**changes))


def errors(response):
    return [(e["type"], e.get("field"), (e.get("location") or {}).get("file"))
            for e in response.json["errors"]]
