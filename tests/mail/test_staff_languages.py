"""One language at a time: every mail to staff is written in its recipient's language (the
``language`` preference of their account), written once per language among the recipients;
the preference is set by the person (``@@preferences``, ``@preferences``) and by a Manager
(the user's form and the API); users stored before it existed read as the portal's default
(kk). Real SMTP server (aiosmtpd), the real WSGI application."""

from datetime import UTC, datetime

import pytest

from statportal.i18n import _, translate_for
from statportal.testing import last_transaction, login_html, open_portal
from tests.helpers.mail import deliver
from tests.helpers.placement import as_user, new_request, step
from tests.helpers.questions import UNIT, ask, path
from tests.helpers.smtp import mail_settings

HTML = {"Accept": "text/html"}
OTHERS = {"kk": ("ru", "en"), "ru": ("kk", "en"), "en": ("kk", "ru")}


@pytest.fixture
def app_settings(tmp_path, smtp_port):
    return mail_settings(tmp_path, smtp_port)


def _texts(registry, messages, language):
    return [translate_for(registry, message, language) for message in messages]


def _only_in(registry, mail, language, messages):
    """Each of ``messages`` is in the mail in ``language``, none in another language."""
    text = mail["Subject"] + "\n" + mail.get_body(("plain",)).get_content()
    for wanted in _texts(registry, messages, language):
        assert wanted in text, (wanted, text)
    for other in OTHERS[language]:
        for unwanted in _texts(registry, messages, other):
            assert unwanted not in text, (other, unwanted, text)


def test_a_kk_executor_and_a_ru_coordinator_each_read_their_own_language(
        app, testapp, demo, frozen, smtp):
    from statportal.questions.messages import DIGEST, OFFICE
    from statportal.releases.worker import run_pass

    # The coordinator chooses Russian herself; the executor keeps Kazakh (set explicitly).
    assert as_user(testapp, "dana").patch_json("/++api++/@preferences",
                                               {"language": "ru"}).json == {"language": "ru"}
    as_user(testapp, "aigerim").patch_json("/++api++/@preferences", {"language": "kk"})
    frozen.set(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))      # Monday 07:00
    url = path(ask(testapp, language="en").json)
    deliver(app)
    smtp.messages.clear()
    frozen.set(datetime(2026, 12, 7, 4, 0, tzinfo=UTC))      # 09:00: the morning list
    assert run_pass(app.registry).digests == 1
    step(testapp, "dana", url, "route", status=409)           # no unit yet
    as_user(testapp, "dana").post_json(f"{url}/@workflow/route", {"units": [UNIT]})
    deliver(app)
    by_address = {tuple(to): message for to, message in smtp.messages}
    digest = by_address[("dana@stat.example.kz",)]
    _only_in(app.registry, digest, "ru", [DIGEST, _("Received"), _("Due")])
    routed = by_address[("aigerim@stat.example.kz",)]
    _only_in(app.registry, routed, "kk", [OFFICE["routed"]])
    assert "2026-000001" in routed["Subject"] and url.replace("/++api++", "") in \
        routed.get_body(("plain",)).get_content()


def test_one_message_per_language_among_the_recipients(app, testapp, demo, frozen, smtp):
    """Three moderators (kk, ru, en) of a registered placement request: three messages,
    each to its reader, each in one language, each with the form attached."""
    from statportal.content.registry import get_content_registry
    from statportal.placement.notify import BODIES, SUBJECTS

    with open_portal(app) as portal:
        users = portal["principals"]["users"]
        users["yerlan"].language = "ru"
        content = get_content_registry(app.registry)
        for login, language in (("ainur", "en"), ("bolat", "kk")):
            users.add(login, content.create("User", fullname=login, roles=("Moderator",),
                                            email=f"{login}@stat.example.kz",
                                            language=language))
    url = new_request(testapp)
    for login, name in (("aigerim", "submit"), ("marat", "approve"), ("dana", "register")):
        step(testapp, login, url, name)
    number = testapp.get(url).json["number"]
    assert deliver(app) == (3, 0)
    # Dates and the place on the portal in the reader's language too.
    dates = {"kk": "1 желтоқсан 2026", "ru": "1 декабря 2026", "en": "1 December 2026"}
    places = {"kk": "Ресми статистика", "ru": "Официальная статистика",
              "en": "Official statistics"}
    got = {tuple(to): message for to, message in smtp.messages}
    assert sorted(got) == [("ainur@stat.example.kz",), ("bolat@stat.example.kz",),
                           ("yerlan@stat.example.kz",)]
    values = {"number": number}
    for login, language in (("yerlan", "ru"), ("ainur", "en"), ("bolat", "kk")):
        message = got[(f"{login}@stat.example.kz",)]
        assert message["Subject"] == translate_for(app.registry, SUBJECTS["register"],
                                                   language, values)
        body = message.get_body(("plain",)).get_content()
        def head(lang):
            return translate_for(app.registry, BODIES["register"], lang, {
                **values, "due": "\x00", "location": "", "url": ""}).split("\x00")[0]

        assert head(language) in body and "/++api++/" not in body
        assert not any(head(other) in body for other in OTHERS[language])
        assert dates[language] in body and places[language] in body
        pdf, = message.iter_attachments()
        assert pdf.get_filename() == f"request-{number}.pdf"


def test_the_preference_on_the_users_form_and_in_the_api(app, testapp, demo):
    # A Manager adding a user through the UI in Russian: Russian is proposed.
    login_html(testapp, "admin")
    page = testapp.get("/principals/users/@@add?type=User",
                       headers={**HTML, "Accept-Language": "ru"})
    form = page.forms["edit-form"]
    assert form["language"].value == "ru"
    form["id"], form["fullname"], form["email"] = "asel", "Әсел Нұрлан", "asel@stat.kz"
    form["password"] = form["password-confirm"] = "a long password"
    form.submit("submit").follow()
    admin = as_user(testapp, "admin")
    assert admin.get("/++api++/principals/users/asel").json["language"] == "ru"
    # Through the API without it: the portal's default (kk); a bad one names the field.
    admin.post_json("/++api++/principals/users", {
        "@type": "User", "id": "timur", "fullname": "Тимур", "email": "timur@stat.kz",
        "password": "a long password"}, status=201)
    assert admin.get("/++api++/principals/users/timur").json["language"] == "kk"
    before = last_transaction(app)
    errors = admin.patch_json("/++api++/principals/users/timur", {"language": "de"},
                              status=400).json["errors"]
    assert [e["field"] for e in errors] == ["language"]
    assert last_transaction(app) == before
    admin.patch_json("/++api++/principals/users/timur", {"language": "en"})
    with open_portal(app) as portal:
        assert portal["principals"]["users"]["timur"].language == "en"
    # The Manager's edit form shows it (the session of the first login still runs).
    as_user(testapp, None)
    edit = testapp.get("/principals/users/timur/@@edit", headers=HTML).forms["edit-form"]
    assert edit["language"].value == "en"


def test_a_person_sets_their_own_language(app, testapp, demo):
    login_html(testapp, "aigerim")
    page = testapp.get("/@@preferences", headers={**HTML, "Accept-Language": "en"})
    assert "My preferences" in page.text
    form = page.forms["edit-form"]
    assert form["language"].value == "kk"
    form["language"] = "ru"
    done = form.submit("submit", headers={"Accept-Language": "en"}).follow(
        headers={**HTML, "Accept-Language": "en"})
    assert "Russian" in done.text and done.forms["edit-form"]["language"].value == "ru"
    with open_portal(app) as portal:
        assert portal["principals"]["users"]["aigerim"].language == "ru"
    # Without the CSRF token nothing changes.
    testapp.post("/@@preferences", {"language": "en", "submit": "1"}, headers=HTML,
                 status=400)
    # The JSON face refuses what it does not know, naming the field, and writes nothing.
    as_user(testapp, "aigerim")
    before = last_transaction(app)
    for body, field in (({"language": "fr"}, "language"), ({"theme": "dark"}, "theme")):
        errors = testapp.patch_json("/++api++/@preferences", body, status=400).json["errors"]
        assert [e["field"] for e in errors] == [field]
    assert last_transaction(app) == before
    assert testapp.get("/++api++/@preferences").json == {"language": "ru"}
    testapp.reset()                                 # no session, no credentials
    as_user(testapp, None).get("/++api++/@preferences", status=401)


def test_users_stored_before_the_preference_read_as_the_portals_default(app, testapp,
                                                                         demo, smtp):
    from statportal.security.principals import user_language

    with open_portal(app) as portal:
        user = portal["principals"]["users"]["serik"]
        user.__dict__.pop("_language", None)        # as stored by an earlier release
        user._p_changed = True
    with open_portal(app) as portal:
        user = portal["principals"]["users"]["serik"]
        assert "_language" not in user.__dict__
        assert user.language == "kk" and user_language(user, app.registry) == "kk"
    assert as_user(testapp, "admin").get("/++api++/principals/users/serik").json[
        "language"] == "kk"


def test_incident_notices_in_each_readers_language(app, testapp, demo, frozen, smtp):
    """Support (ru) hears of the report, the coordinator (en) of the escalation: each in
    their own language, the incident's title in it where it has one."""
    from statportal.incidents.rules import SUBJECTS
    from statportal.releases.worker import run_pass

    as_user(testapp, "serik").patch_json("/++api++/@preferences", {"language": "ru"})
    as_user(testapp, "dana").patch_json("/++api++/@preferences", {"language": "en"})
    as_user(testapp, "yerlan").post_json("/++api++/incidents", {
        "@type": "Incident", "since": "2026-12-01T08:45:00+05:00",
        "title": {"kk": "Жүктеу істемейді", "ru": "Загрузка не работает",
                  "en": "Uploads fail"}}, status=201)
    deliver(app)
    (to, reported), = smtp.messages
    assert to == ["serik@stat.example.kz"]
    _only_in(app.registry, reported, "ru", [SUBJECTS["reported"]])
    body = reported.get_body(("plain",)).get_content()
    assert "Загрузка не работает" in body and "Uploads fail" not in body
    frozen.advance(hours=25)
    assert run_pass(app.registry).incidents == 1
    deliver(app)
    to, escalated = smtp.messages[-1]
    assert to == ["dana@stat.example.kz"]
    _only_in(app.registry, escalated, "en", [SUBJECTS["escalated"], _("Reported")])
    assert "Uploads fail" in escalated.get_body(("plain",)).get_content()
