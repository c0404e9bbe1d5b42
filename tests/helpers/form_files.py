"""The HTML forms with files: fields, payloads, what is stored."""

from statportal.testing import (
    login_html,
    open_portal,
)
from tests.helpers.files import SAMPLES
from tests.helpers.materials import upload

REQUESTS = "/++api++/requests"


SECTION = "/official-statistics/economy/industry"


HTML = {"Accept": "text/html", "Accept-Language": "en"}


KK = ("esep-kaz.docx", SAMPLES["report.docx"])


RU = ("otchet-rus.pdf", SAMPLES["table.pdf"])


EN = ("report-eng.txt", b"Industrial production, October 2026\n")


def request_payload(**changes):
    return {
        "@type": "PlacementRequest",
        "title": {"kk": "Өнеркәсіп өндірісі", "ru": "Промышленное производство",
                  "en": "Industrial production"},
        "category": "express_information", "unit": "/orgunits/industry-statistics",
        "section": SECTION, "placement_type": "new",
        "files": [upload(*KK), upload(*RU), upload(*EN)], "languages": ["kk", "ru", "en"],
        "executor_email": "aigerim@stat.example.kz", "executor": "Әйгерім Сейітова",
        "head_of_unit": "Марат Жұмабаев", **changes}


def stored(app, path):
    with open_portal(app) as portal:
        obj = portal
        for name in path.strip("/").split("/"):
            obj = obj[name]
        return [(f.filename, f.language, f.read()) for f in obj.files]


def action_fields(form):
    """The keep / replace / remove radio groups of the current files' rows, in order."""
    names = dict.fromkeys(name for name, _field in form.field_order
                          if name and name.endswith("-action"))
    return [form.fields[name][0] for name in names]


def add_form(testapp, login="aigerim"):
    login_html(testapp, login)
    form = testapp.get("/requests/@@add?type=PlacementRequest", headers=HTML).forms[
        "edit-form"]
    form.set("kk", "Өнеркәсіп өндірісі", index=0)
    form["category"] = "express_information"
    form["section"] = SECTION
    next(field for fields in form.fields.values() for field in fields
         if type(field).__name__ == "Radio" and "new" in field.options[0]).value = "new"
    form.get("checkbox", index=0).checked = True
    form.get("checkbox", index=1).checked = True
    form["executor"] = "Әйгерім Сейітова"
    form["head_of_unit"] = "Марат Жұмабаев"
    return form
