"""Materials with a basis, and Generate through the JSON API."""

from tests.helpers.disclosure_samples import basis_xlsx
from tests.helpers.materials import as_user, upload


def material_with(files, bases, languages=("kk", "en")):
    return {"files": files, "bases": bases, "languages": list(languages),
            "title": {lang: f"Wages ({lang})" for lang in languages}, "description": {},
            "primary_data": True}


def basis(name="wages.basis.xlsx", tables=None):
    body = upload(name, basis_xlsx())
    if tables is not None:
        body["tables"] = tables
    return body


def generate(client, url, status=200, **body):
    as_user(client, "yerlan")
    return client.post_json(f"/++api++{url}/@generate", body, status=status)


def field_of(response):
    return [e["field"] for e in response.json["errors"]]
