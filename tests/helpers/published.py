"""A published material and what is stored of it."""

from tests.helpers.calendar import add as add_entry
from tests.helpers.materials import add, as_user, publish
from tests.helpers.placement import new_request, run_chain

SECTION = "/official-statistics/economy/industry"


def _title(word):
    return {"kk": f"{word} kk", "ru": f"{word} ru", "en": f"{word} index"}


def material_in(testapp, state):
    """A material of the industry section in ``state``; its path."""
    if state == "scheduled":  # placed for a release still to come (the embargo)
        entry = add_entry(testapp, section=SECTION).json
        release = entry["@id"].replace("http://localhost/++api++", "")
        url = new_request(testapp, release=release)
        run_chain(testapp, url)
        path = testapp.get(url).json["material"]
    else:
        path = add(testapp, title=_title(state.capitalize()))
        publish(testapp, path)
        if state == "withdrawn":
            as_user(testapp, "yerlan")
            testapp.post_json(f"/++api++{path}/@workflow/withdraw",
                              {"comment": "Superseded by the revised series"}, status=200)
    as_user(testapp, "yerlan")
    assert testapp.get(f"/++api++{path}").json["review_state"] == state
    return path


def stored(testapp, path):
    as_user(testapp, "yerlan")
    data = testapp.get(f"/++api++{path}").json
    as_user(testapp, None)
    return data
