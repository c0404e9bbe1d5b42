"""Save and submit refused with long reasons in Russian (issue 19): the page says first
"Saved as a draft, not submitted:" in the reader's language, then the first reasons, cut,
and how many more. The messages wait in the session cookie, whose guard drops the oldest
when they outgrow its budget: the heading was the one dropped (a Cyrillic letter is six
bytes of the cookie's JSON, and three reasons of 200 letters were 3,600)."""

import pytest

from statportal.testing import login_html
from tests.helpers.files import SAMPLES

RU = {"Accept": "text/html", "Accept-Language": "ru"}
HEADING = "Сохранено как черновик, не отправлено:"
REASON = ("Конфиденциальность: показатель «Производительность» строки {i} содержит "
          "индивидуальные сведения единственного респондента; ")


@pytest.fixture
def refusing(app):
    """A guard that refuses the placement request's submit with ``n`` long reasons."""
    from statportal.workflow import Finding
    from statportal.workflow.guards import get_guards

    count = {"n": 0}

    def reasons(obj, request, transition):
        return [Finding(REASON.format(i=i) * 4, code="cell") for i in range(count["n"])]

    get_guards(app.registry).add("placement_request", "submit", reasons)
    return count


def save_and_submit(testapp, files=1):
    form = testapp.get("/requests/@@add?type=PlacementRequest", headers=RU).forms["edit-form"]
    form.set("kk", "Өнеркәсіп өндірісі", index=0)
    form["category"] = "express_information"
    form.get("checkbox", index=0).checked = True
    for index in range(files):
        form.set("upload", (f"report{index}.xlsx", SAMPLES["report.xlsx"]), index=index)
    return form.submit("save_and_submit", headers=RU, status=302)


@pytest.mark.parametrize("n", [1, 2, 3, 100])
def test_the_heading_survives_long_russian_reasons(app, testapp, demo, refusing, n):
    refusing["n"] = n
    login_html(testapp, "aigerim")
    done = save_and_submit(testapp)
    assert done.location.endswith("/@@edit")
    page = done.follow(headers=RU)
    errors = [m.text.strip() for m in page.html.select(".message.error")]
    assert errors[0] == HEADING, errors
    # the refusal, then the guard's reasons, each cut: three in all
    assert errors[1] == "Действие submit отклонено: см. замечания.", errors
    reasons = [e for e in errors if e.startswith("Конфиденциальность")]
    assert len(reasons) == min(n, 2), errors
    assert all(len(r) <= 120 and r.endswith("…") for r in reasons), reasons
    if n > 2:
        assert errors[-1] == f"И ещё {n - 2}.", errors
