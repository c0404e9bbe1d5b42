"""Placed and submitted requests, and the office register."""

from tests.helpers.placement import as_user, b64, step
from tests.helpers.placement import new_request as _new_request


def new_request(client, **changes):
    """A request with a text document: no table, so no basis is needed to place it."""
    return _new_request(client, **{"files": [b64("report.docx")], **changes})


def submitted(client, **changes):
    url = new_request(client, **changes)
    step(client, "aigerim", url, "submit")
    step(client, "marat", url, "approve")
    return url


def register(client, url, body, status=200, login="dana"):
    as_user(client, login)
    return client.post_json(f"{url}/@workflow/register", body, status=status)


def placed(client, **changes):
    url = submitted(client, **changes)
    register(client, url, {})
    step(client, "yerlan", url, "place")
    as_user(client, "aigerim")
    return client.get(url).json
