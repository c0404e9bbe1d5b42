"""History comments the code writes are messages shown in the reader's language (issue 18,
item 3): stored as plain data (msgid, domain, mapping; a vocabulary value as its code),
a person's words and older entries shown as they are."""

from contextlib import contextmanager

from translationstring import TranslationString

from statportal.content.paths import find_by_path
from statportal.i18n import _, localizer_for
from statportal.testing import open_portal
from statportal.workflow import Term, comment_text
from statportal.workflow.comments import stored
from tests.helpers.placement import as_user, new_request, run_chain, step

HTML = {"Accept": "text/html"}
REASON = "Administrative data of the Ministry of Finance"


def _plain(value):
    """Only plain dicts and exact ``str`` (no TranslationString, nothing persistent)."""
    if isinstance(value, dict):
        return type(value) is dict and all(type(k) is str and _plain(v)
                                           for k, v in value.items())
    return type(value) is str


@contextmanager
def _kazakh(app, translations):
    """Words the lead's kk catalog will hold, put in the running kk catalog for a test."""
    catalog = localizer_for(app.registry, "kk").translations._domains["statportal"]._catalog
    saved = {msgid: catalog.get(msgid) for msgid in translations}
    catalog.update(translations)
    try:
        yield
    finally:
        for msgid, value in saved.items():
            if value is None:
                catalog.pop(msgid, None)
            else:
                catalog[msgid] = value


def test_a_message_is_stored_as_plain_data_with_its_english_text():
    reason = "typed by a person: ${not_a_placeholder}"
    inner = _("${number} (${kind})", mapping={"number": "2026-000001",
                                               "kind": Term("new", _("New"))})
    text, message = stored(_("${placement}; ${why}", mapping={"placement": inner,
                                                               "why": reason}))
    assert text == "2026-000001 (New); typed by a person: ${not_a_placeholder}"
    assert _plain(message)
    assert message["msgid"] == "${placement}; ${why}" and message["domain"] == "statportal"
    kind = message["mapping"]["placement"]["mapping"]["kind"]
    assert kind["code"] == "new" and kind["title"]["msgid"] == "New"
    assert message["mapping"]["why"] == reason
    # a person's words: kept as typed, no message
    assert stored("  Fix the footnote.  ") == ("  Fix the footnote.  ", None)


def test_an_entry_is_shown_in_the_readers_language(app):
    entry = {"comment": "2026-000001 (New)", "comment_message": stored(
        _("${number} (${kind})", mapping={"number": "2026-000001",
                                          "kind": Term("replace", _("Replace"))}))[1]}
    assert comment_text(app.registry, entry, language="en") == "2026-000001 (Replace)"
    kk = comment_text(app.registry, entry, language="kk")
    ru = comment_text(app.registry, entry, language="ru")
    replace_kk = localizer_for(app.registry, "kk").translate(_("Replace"))
    assert replace_kk != "Replace" and kk == f"2026-000001 ({replace_kk})"
    assert ru != kk and "Replace" not in ru
    # an older entry (plain text) and a broken one show their comment as they are
    assert comment_text(app.registry, {"comment": "old words"}, language="kk") == "old words"
    assert comment_text(app.registry, {"comment": "x", "comment_message": "?"},
                        language="kk") == "x"


def _path(url):
    return url.replace("/++api++", "")


def _placed(testapp, app):
    url = new_request(testapp)
    run_chain(testapp, url)
    with open_portal(app) as portal:
        return url, find_by_path(portal, _path(url)).material


def _entry(app, path, action):
    with open_portal(app) as portal:
        history = find_by_path(portal, _path(path)).__workflow_history__
        return dict(next(e for e in reversed(history) if e["action"] == action))


def test_place_and_the_declaration_are_stored_as_messages(testapp, app, demo):
    url, material = _placed(testapp, app)
    with open_portal(app) as portal:
        number = find_by_path(portal, _path(url)).number
    place = _entry(app, material, "place")
    assert place["comment"] == f"{number} (New)"  # the English text, for scripts and logs
    assert _plain(place["comment_message"])  # never a TranslationString in the ZODB
    assert place["comment_message"]["msgid"] == "${number} (${kind})"
    assert place["comment_message"]["mapping"] == {
        "number": number, "kind": {"code": "new", "title": {
            "msgid": "New", "default": "New", "domain": "statportal", "mapping": {}}}}
    declared = _entry(app, material, "primary_data")
    assert _plain(declared["comment_message"])
    assert declared["comment_message"]["msgid"] == "${declaration} (${number})"
    inner = declared["comment_message"]["mapping"]["declaration"]
    assert inner["msgid"] == "not derived from primary data: ${reason}"
    assert inner["mapping"] == {"reason": REASON}  # the executor's words, as typed
    request_note = _entry(app, url, "primary_data")
    assert request_note["comment_message"]["msgid"] == \
        "not derived from primary data: ${reason}"


def test_the_history_page_and_api_say_it_in_the_readers_language(testapp, app, demo):
    url, material = _placed(testapp, app)
    with open_portal(app) as portal:
        number = find_by_path(portal, _path(url)).number
    as_user(testapp, "yerlan")
    page = testapp.get(f"{material}/@@workflow", headers={**HTML, "Accept-Language": "en"})
    assert f"{number} (New)" in page.text and f"{number} (new)" not in page.text
    assert f"not derived from primary data: {REASON} ({number})" in page.text
    kazakh = {"not derived from primary data: ${reason}":
              "бастапқы деректерден алынбаған: ${reason}"}
    with _kazakh(app, kazakh):
        page = testapp.get(f"{material}/@@workflow", headers={**HTML, "Accept-Language": "kk"})
        data = testapp.get(f"/++api++{material}/@workflow",
                           headers={"Accept-Language": "kk"}).json
    new_kk = localizer_for(app.registry, "kk").translate(_("New"))
    assert f"{number} ({new_kk})" in page.text and f"{number} (New)" not in page.text
    assert f"бастапқы деректерден алынбаған: {REASON} ({number})" in page.text
    assert "not derived from primary data" not in page.text
    by_action = {e["action"]: e for e in data["history"]}
    assert by_action["place"]["comment"] == f"{number} ({new_kk})"  # still a string
    assert by_action["place"]["comment_message"]["msgid"] == "${number} (${kind})"
    data = testapp.get(f"/++api++{material}/@workflow",
                       headers={"Accept-Language": "en"}).json
    assert {e["action"]: e for e in data["history"]}["place"]["comment"] == f"{number} (New)"


def test_a_persons_reason_stays_as_typed(testapp, app, demo):
    url = new_request(testapp)
    step(testapp, "aigerim", url, "submit")
    reason = "Бос парақты алып тастаңыз ${x} <b>"
    step(testapp, "marat", url, "return", comment=reason)
    entry = _entry(app, url, "return")
    assert entry["comment"] == reason and "comment_message" not in entry
    as_user(testapp, "marat")
    page = testapp.get(f"{_path(url)}/@@workflow", headers={**HTML, "Accept-Language": "kk"})
    assert "Бос парақты алып тастаңыз ${x} &lt;b&gt;" in page.text


def test_no_translation_string_object_reaches_the_history():
    # the engine's own check, independent of the placement: a message becomes data
    text, message = stored(_("derived from primary data"))
    assert not isinstance(text, TranslationString) and type(text) is str
    assert message == {"msgid": "derived from primary data",
                       "default": "derived from primary data", "domain": "statportal",
                       "mapping": {}}


def test_a_placement_held_for_its_release_says_why_as_a_message(app, testapp, demo, frozen):
    from tests.helpers.calendar import add as add_entry
    from tests.helpers.placement import REQUESTS, payload

    entry = add_entry(testapp, section="/official-statistics/economy/industry").json
    entry_path = entry["@id"].replace("http://localhost/++api++", "")
    as_user(testapp, "aigerim")
    url = testapp.post_json(REQUESTS, payload(release=entry_path), status=201).json[
        "@id"].replace("http://localhost", "")
    run_chain(testapp, url)
    material = testapp.get(url).json["material"]
    place = _entry(app, material, "place")
    assert place["to"] == "scheduled" and _plain(place["comment_message"])
    message = place["comment_message"]
    assert message["msgid"] == "${placement}; ${why}"
    why = message["mapping"]["why"]
    assert why["msgid"] == "waits for the release ${path} at ${time}"
    assert why["mapping"]["path"] == entry_path
    assert place["comment"].endswith(f"(New); waits for the release {entry_path} at "
                                     f"{why['mapping']['time']}")


def test_a_refusal_at_the_release_time_is_a_message_naming_each_finding(app, testapp, demo,
                                                                         frozen):
    from datetime import timedelta

    from persistent.list import PersistentList

    from statportal.files import StoredFile
    from statportal.releases.worker import run_pass
    from tests.helpers.calendar import add as add_entry
    from tests.helpers.disclosure_samples import basis_xlsx, published_xlsx
    from tests.helpers.embargo import RELEASE
    from tests.helpers.placement import REQUESTS, payload

    entry = add_entry(testapp, section="/official-statistics/economy/industry").json
    entry_path = entry["@id"].replace("http://localhost/++api++", "")
    as_user(testapp, "aigerim")
    url = testapp.post_json(REQUESTS, payload(release=entry_path), status=201).json[
        "@id"].replace("http://localhost", "")
    run_chain(testapp, url)
    material = testapp.get(url).json["material"]
    shown = published_xlsx(status={}, change={("ABAI-1", "B"): 400.0})
    with open_portal(app) as portal:
        obj = find_by_path(portal, material)
        obj.files = PersistentList([StoredFile("wages.xlsx", shown, language="en")])
        obj.bases = PersistentList([StoredFile("wages.basis.xlsx", basis_xlsx())])
        obj.primary_data, obj.primary_data_reason = True, ""
    frozen.set(RELEASE + timedelta(seconds=1))
    assert run_pass(app.registry).released == []
    refused = _entry(app, material, "release_refused")
    message = refused["comment_message"]
    assert _plain(message) and message["msgid"] in ("${before}: ${finding}",
                                                    "${before}; ${finding}")
    first = message
    while isinstance(first["mapping"]["before"], dict):  # back to the first finding
        first = first["mapping"]["before"]
    assert first["msgid"] == "${before}: ${finding}" and first["mapping"]["before"] == \
        entry_path
    assert refused["comment"].startswith(f"{entry_path}: ")
    assert "wages.xlsx" in refused["comment"] and "400" not in refused["comment"]


def test_a_corrected_flag_is_said_yes_or_no_in_the_readers_language(app, testapp, demo,
                                                                    frozen):
    from tests.helpers.questions import ask, path

    url = path(ask(testapp).json)
    as_user(testapp, "dana").patch_json(url, {"international": True})
    entry = _entry(app, url, "international")
    assert entry["comment"] == "No → Yes"  # not "international: false → true"
    assert entry["comment_message"]["mapping"]["after"]["code"] == "true"
    kk = testapp.get(f"{url}/@workflow", headers={"Accept-Language": "kk"}).json["history"]
    yes, no = (localizer_for(app.registry, "kk").translate(_(w)) for w in ("Yes", "No"))
    assert yes != "Yes" and [h["comment"] for h in kk if h["action"] == "international"] == \
        [f"{no} → {yes}"]


def test_an_escalation_by_the_worker_is_a_message(app, testapp, demo, frozen):
    from statportal.releases.worker import run_pass

    incident = as_user(testapp, "yerlan").post_json("/++api++/incidents", {
        "@type": "Incident", "title": {"en": "Uploads to the portal fail"},
        "description": {"en": "Every upload answers 502."},
        "since": "2026-12-01T08:45:00+05:00"}, status=201).json
    url = incident["@id"].replace("http://localhost", "")
    frozen.advance(hours=25)
    assert run_pass(app.registry).incidents == 1
    entry = _entry(app, url, "escalate")
    assert entry["comment"] == "not resolved within 24 hours"
    assert entry["comment_message"] == {
        "msgid": "not resolved within ${hours} hours", "domain": "statportal",
        "default": "not resolved within ${hours} hours", "mapping": {"hours": "24"}}
