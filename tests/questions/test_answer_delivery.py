""""Answer sent" is said only once the asker's mail has left the outbox; before that
"Answer queued for sending" -- on the question's staff page, in the flash after the
approval, in My work, in the question's JSON (``answer_delivery``) and the asker's status;
"not delivered" when the mail server refused it for good. A real SMTP server."""

from tests.helpers.mail import deliver
from tests.helpers.placement import as_user, step
from tests.helpers.questions import UNIT, ask, path

EN = {"Accept": "text/html", "Accept-Language": "en"}


def _approved_by_the_page(testapp):
    data = ask(testapp).json
    url = path(data)
    as_user(testapp, "dana").post_json(f"{url}/@workflow/route", {"units": [UNIT]})
    as_user(testapp, "aigerim").patch_json(url, {"answer": "See table 3."})
    step(testapp, "aigerim", url, "answer")
    page_url = url.replace("/++api++", "")
    as_user(testapp, "marat")
    form = testapp.get(page_url, headers=EN).forms["question-form"]
    after = form.submit("transition", value="approve", headers=EN).follow(headers=EN)
    return url, page_url, data["@status"].replace("http://localhost", ""), after


def _state(page):
    return page.html.find("dd", class_="state")


def test_queued_until_the_mail_server_takes_it(app, testapp, demo, frozen, smtp):
    deliver(app)                                   # the asker's confirmation
    url, page_url, status_url, after = _approved_by_the_page(testapp)
    # The flash and the page: queued, not sent.
    flash = " ".join(p.text for p in after.html.select(".message"))
    assert "Approved" in flash and "queued for sending" in flash and "Answer sent" not in flash
    assert _state(after).text == "Answer queued for sending"
    assert _state(after)["data-delivery"] == "queued"
    assert testapp.get(url).json["answer_delivery"] == "queued"
    status = as_user(testapp, None).get(status_url.replace("@@status", "@status")).json
    assert status["answer_delivery"] == "queued" and "being sent" in status["state_title"]
    mine = as_user(testapp, "dana").get("/my-work", headers=EN).html.find(id="my-questions")
    assert "Answer queued for sending" in mine.text and "Answer sent" not in mine.text
    # The mail leaves the outbox: now it is sent.
    assert deliver(app)[1] == 0
    answer, = [m for to, m in smtp.messages if to == ["asel@bank.example.kz"]
               and "See table 3." in m.get_content()]
    page = as_user(testapp, "marat").get(page_url, headers=EN)
    assert _state(page).text == "Answer sent" and _state(page)["data-delivery"] == "sent"
    assert testapp.get(url).json["answer_delivery"] == "sent"
    status = as_user(testapp, None).get(status_url.replace("@@status", "@status")).json
    assert status["answer_delivery"] == "sent" and "was sent" in status["state_title"]
    # The public never reads the office's delivery state.
    step(testapp, "dana", url, "publish")
    assert "answer_delivery" not in as_user(testapp, None).get(url).json


def test_not_delivered_when_the_server_refuses_it_for_good(app, testapp, demo, frozen,
                                                          smtp_port):
    from statportal.mail.outbox import RETRY_PAUSES

    url, page_url, _status, after = _approved_by_the_page(testapp)
    assert _state(after).text == "Answer queued for sending"
    for _attempt in range(len(RETRY_PAUSES) + 2):  # nobody listens on the port
        deliver(app)
        frozen.advance(hours=7)
    page = as_user(testapp, "marat").get(page_url, headers=EN)
    assert _state(page)["data-delivery"] == "failed"
    assert "Answer not delivered" in _state(page).text and "Answer sent" not in page.text
    assert testapp.get(url).json["answer_delivery"] == "failed"
