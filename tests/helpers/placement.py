"""Placement requests through the JSON API: a request's fields, its steps, its chain."""

import base64

from statportal.testing import basic_auth
from tests.helpers.files import SAMPLES

REQUESTS = "/++api++/requests"


def b64(name):
    return {"data": base64.b64encode(SAMPLES[name]).decode(), "encoding": "base64",
            "filename": name, "content-type": "application/octet-stream"}


def payload(**changes):
    data = {
        "@type": "PlacementRequest",
        "title": {"kk": "Өнеркәсіп өндірісі, қазан 2026", "ru": "Промышленное производство",
                  "en": "Industrial production, October 2026"},
        "category": "express_information",
        "unit": "/orgunits/industry-statistics",
        "section": "/official-statistics/economy/industry",
        "placement_type": "new",
        "files": [b64("report.xlsx")],
        "languages": ["kk", "ru", "en"],
        "executor_email": "aigerim@stat.example.kz",
        "executor": "Әйгерім Сейітова",
        "head_of_unit": "Марат Жұмабаев",
        "page_count": 3,
        "paper_number": "05-12/345",
        "paper_date": "2026-11-26",
        # its table needs no basis (issue 15: tables are otherwise presumed primary data)
        "primary_data": False,
        "primary_data_reason": "Administrative data of the Ministry of Finance",
    }
    data.update(changes)
    return data


def as_user(client, login):
    client.authorization = basic_auth(login) if login else None
    return client


def step(client, login, url, name, status=200, comment=None):
    as_user(client, login)
    body = {"comment": comment} if comment else {}
    return client.post_json(f"{url}/@workflow/{name}", body, status=status)


def run_chain(client, url):
    step(client, "aigerim", url, "submit")
    step(client, "marat", url, "approve")
    step(client, "dana", url, "register")
    return step(client, "yerlan", url, "place")


def new_request(client, **changes):
    as_user(client, "aigerim")
    return client.post_json(REQUESTS, payload(**changes), status=201).json["@id"].replace(
        "http://localhost", "")
