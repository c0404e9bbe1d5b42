"""Materials through the JSON API: uploads, adding, publishing."""

import base64
import os

from statportal.testing import basic_auth
from tests.helpers import samples

SECTION = "/official-statistics/economy/industry"


def upload(name, data, language=None, **extra):
    """A JSON file object; ``extra`` adds keys such as ``replaces`` or ``tables``."""
    body = {"data": base64.b64encode(data).decode(), "encoding": "base64", "filename": name,
            **extra}
    if language:
        body["language"] = language
    return body


def material(**changes):
    data = {"@type": "Material",
            "title": {"kk": "Өнеркәсіп өндірісінің индексі", "ru": "Индекс промышленного "
                      "производства", "en": "Industrial production index"},
            "description": {"kk": "Қаңтар–қазан 2026", "ru": "Январь–октябрь 2026",
                            "en": "January–October 2026"},
            "category": "express_information", "languages": ["kk", "ru", "en"],
            "files": [upload("kesto_kaz.xlsx", samples.xlsx_table(samples.TABLE)),
                      upload("table_rus.xlsx", samples.xlsx_table(samples.TABLE)),
                      upload("table.xlsx", samples.xlsx_table(samples.TABLE), "en")],
            "period_start": "2026-01-01", "period_end": "2026-10-31",
            "next_update": "2026-12-15", "keywords": ["өнеркәсіп", "индекс"],
            "unit": "/orgunits/industry-statistics", "executor": "Әйгерім Сейітова",
            # its tables need no basis (issue 15: otherwise presumed primary data)
            "primary_data": False,
            "primary_data_reason": "Administrative data of the Ministry of Finance"}
    data.update(changes)
    return data


def as_user(client, login):
    client.authorization = basic_auth(login) if login else None
    return client


def add(client, section=SECTION, status=201, **changes):
    as_user(client, "yerlan")
    response = client.post_json(f"/++api++{section}", material(**changes), status=status)
    if status != 201:
        return response
    return response.json["@id"].replace("http://localhost", "").replace("/++api++", "")


def publish(client, url, status=200):
    as_user(client, "yerlan")
    return client.post_json(f"/++api++{url}/@workflow/publish", {}, status=status)


def blob_files(app_settings):
    root = app_settings["zodbconn.uri"].split("blobstorage_dir=")[1]
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
                  if f.endswith(".blob"))
