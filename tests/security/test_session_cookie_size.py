"""Every flashed message is cut so the session cookie stays within a browser's 4 KB: a
message that outgrew it answered 500 after the change had been saved."""

from pyramid.interfaces import ISessionFactory
from pyramid.response import Response
from pyramid.testing import DummyRequest

from statportal.security.session import capped

LONG_TITLE = "Өнеркәсіп өндірісінің көлемі туралы " * 40  # 1,440 Cyrillic characters


def cookie_after(app, flashes):
    request = DummyRequest()
    request.registry = app.registry
    session = app.registry.getUtility(ISessionFactory)(request)
    session.new_csrf_token()
    session["login"] = "aigerim"
    for message, queue in flashes:
        session.flash(message, queue)
    response = Response()
    session._set_cookie(response)  # what the session's response callback writes
    return session, response.headers["Set-Cookie"]


def test_long_messages_keep_the_cookie_under_4_kb(app):
    link = {"text": LONG_TITLE, "before": "Placed: ", "link_text": LONG_TITLE,
            "url": "http://localhost/official-statistics/economy/industry/m1", "after": ""}
    session, cookie = cookie_after(app, [(LONG_TITLE, "success")] * 6
                                   + [(LONG_TITLE * 3, "error"), (link, "success")])
    assert len(cookie) < 4096, len(cookie)
    kept = session.peek_flash("success")
    assert kept[-1]["url"].endswith("/m1")  # the newest message, with its link
    assert len(kept[-1]["link_text"]) < len(LONG_TITLE)
    assert kept[-1]["link_text"].endswith("…") and kept[-1]["text"].startswith("Өнеркәсіп")
    assert len(kept) < 7  # the oldest were dropped


def test_the_newest_message_survives_even_alone_too_long(app):
    said = "Ж" * 5000
    session, cookie = cookie_after(app, [(said, "error")])
    assert len(cookie) < 4096
    (kept,) = session.peek_flash("error")
    assert kept.startswith("ЖЖЖ") and kept.endswith("…")


def test_messages_of_ordinary_length_are_kept_as_they_are(app):
    sentence = ("Сақталды, бірақ жіберілмеді: кестелер бастапқы деректерден алынған ба, "
                "мәлімделмеген; бос парақтар жойылды: Парақ1, Парақ2, Парақ3.")
    session, _cookie = cookie_after(app, [("Saved.", "success"), (sentence, "success")])
    assert session.peek_flash("success") == ["Saved.", sentence]


def test_a_link_too_long_to_keep_leaves_its_words():
    message = capped({"text": "Placed: report", "before": "Placed: ", "link_text": "report",
                      "url": "http://localhost/" + "a" * 1000, "after": ""})
    assert message == {"text": "Placed: report"}
