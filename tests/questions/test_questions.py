"""Questions from the public (art. 24–26) through the API, with a real SMTP server and the
controlled clock: asking, routing, answering, the approvals, publication; deadlines over
weekends and holidays; what the public sees and what it does not."""

import base64
import json
from datetime import UTC, datetime

import pytest

from statportal.testing import open_portal
from tests.helpers.mail import deliver
from tests.helpers.placement import as_user, step
from tests.helpers.questions import (
    OTHER_UNIT,
    QUESTIONS,
    UNIT,
    _ask_form,
    almaty,
    ask,
    path,
    question,
    stored_questions,
)


def test_the_full_path_by_the_api(app, testapp, demo, frozen, smtp):
    data = ask(testapp).json
    url = path(data)
    assert data["review_state"] == "received" and data["number"] == "2026-000001"
    # Tuesday 1 December 09:00: Wednesday, Thursday, Friday → Friday 18:00.
    assert almaty(data["due"]) == datetime(2026, 12, 4, 13, 0, tzinfo=UTC)
    assert almaty(data["received_at"]) == datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
    assert "email" not in data and "name" not in data          # not even to the asker
    status_url = data["@status"].replace("http://localhost", "")
    deliver(app)
    (to, message), = smtp.messages
    assert to == ["asel@bank.example.kz"]
    body = message.get_content()
    assert "No. 2026-000001" in message["Subject"] and data["@status"] in body
    assert "04.12.2026 18:00" in body
    # The status link works only with its secret.
    status = testapp.get(status_url.replace("@@status", "@status")).json
    assert status["review_state"] == "received" and status["answer"] is None
    testapp.get(status_url.split("?")[0].replace("@@status", "@status") + "?t=wrong",
                status=404)
    page = testapp.get(status_url, headers={"Accept-Language": "en"})
    assert "Received" in page.text and page.headers["Referrer-Policy"] == "no-referrer"
    # The question itself is not public.
    testapp.get(url, status=401)

    # The coordinator routes it to one unit.
    as_user(testapp, "aigerim").get(url, status=403)
    as_user(testapp, "dana")
    assert testapp.get(url).json["email"] == "asel@bank.example.kz"
    refused = step(testapp, "dana", url, "route", status=409).json
    assert refused["errors"][0]["field"] == "units"
    testapp.patch_json(url, {"units": ["/orgunits/nowhere"]}, status=400)
    testapp.patch_json(url, {"text": "Something else"}, status=400)   # the asker's
    testapp.patch_json(url, {"units": [UNIT]})
    step(testapp, "dana", url, "route")
    deliver(app)
    edms = [m for to, m in smtp.messages if to == ["edms@gov.example.kz"]]
    assert len(edms) == 1 and edms[0]["Subject"] == "STATPORTAL-QUESTION 2026-000001"
    parts = {part.get_filename(): part for part in edms[0].iter_attachments()}
    record = json.loads(parts["question-2026-000001.json"].get_content())
    assert record["Format"] == "statportal-question/1" and record["Units"] == [UNIT]
    assert record["Email"] == "asel@bank.example.kz"
    assert "Due: 2026-12-04T18:00:00+05:00" in edms[0].get_body().get_content()
    assert any(to == ["aigerim@stat.example.kz"] for to, _m in smtp.messages)

    # The executor drafts; only the head approves.
    as_user(testapp, "aigerim")
    assert testapp.get(url).json["review_state"] == "routed"
    testapp.patch_json(url, {"units": [OTHER_UNIT]}, status=409)
    assert step(testapp, "aigerim", url, "answer", status=409).json["errors"][0][
        "field"] == "answer"
    as_user(testapp, "aigerim").patch_json(url, {
        "answer": "Food prices rose by 1.2 % because of vegetables."})
    step(testapp, "aigerim", url, "answer")
    step(testapp, "aigerim", url, "approve", status=403)
    step(testapp, "dana", url, "approve", status=403)
    deliver(app)
    before = len(smtp.messages)
    frozen.advance(hours=5)
    step(testapp, "marat", url, "approve")
    deliver(app)
    to, answer = smtp.messages[-1]
    assert len(smtp.messages) == before + 1 and to == ["asel@bank.example.kz"]
    assert "Food prices rose by 1.2 %" in answer.get_content()
    status = as_user(testapp, None).get(status_url.replace("@@status", "@status")).json
    assert status["review_state"] == "sent" and status["answer"].startswith("Food prices")

    # Published where the asker agreed: public, without the asker.
    step(testapp, "aigerim", url, "publish", status=403)
    step(testapp, "dana", url, "publish")
    public = as_user(testapp, None).get(url).json
    assert public["review_state"] == "published" and public["answer"].startswith("Food")
    assert not {"name", "email", "organisation", "attachment", "units"} & set(public)
    listing = testapp.get("/questions", headers={"Accept-Language": "en"}).text
    assert "Food prices rose" in listing and "asel@bank.example.kz" not in listing
    found = testapp.get("/++api++/questions/@published?q=VEGETABLES&topic=prices"
                        "&language=en").json
    assert found["items_total"] == 1
    for query in ("q=wheat", "topic=labour", "language=kk"):
        assert testapp.get(f"/++api++/questions/@published?{query}").json[
            "items_total"] == 0
    history = as_user(testapp, "dana").get(f"{url}/@workflow").json["history"]
    assert [h["action"] for h in history] == ["create", "route", "answer", "approve",
                                              "publish"]


def test_international_answers_are_agreed_before_they_go(app, testapp, demo, frozen, smtp):
    url = path(ask(testapp, international=True, may_publish=False).json)
    # The transitions take their fields in the body: route with units, answer with answer.
    as_user(testapp, "dana")
    bad = testapp.post_json(f"{url}/@workflow/route", {"answer": "x"}, status=400).json
    assert [(e["field"], e["type"]) for e in bad["errors"]] == [("answer", "unknown_field")]
    testapp.post_json(f"{url}/@workflow/route", {"units": ["/orgunits/nowhere"]},
                      status=400)
    testapp.post_json(f"{url}/@workflow/route", {"units": [UNIT]})
    as_user(testapp, "aigerim")
    testapp.post_json(f"{url}/@workflow/answer", {"answer": "   "}, status=409)
    assert testapp.get(url).json["answer"] == ""              # nothing kept from a refusal
    testapp.post_json(f"{url}/@workflow/answer", {"answer": "See the attached methodology."})
    as_user(testapp, "marat").post_json(f"{url}/@workflow/return",
                                        {"answer": "x", "comment": "no"}, status=400)
    deliver(app)
    sent_before = len(smtp.messages)
    step(testapp, "marat", url, "approve")
    assert as_user(testapp, "marat").get(url).json["review_state"] == \
        "awaiting_international"
    deliver(app)
    new = [to for to, _m in smtp.messages[sent_before:]]
    assert new == [["zhanar@stat.example.kz"]]                 # not yet the asker
    step(testapp, "marat", url, "approve_international", status=403)
    step(testapp, "zhanar", url, "return", status=400)         # a return needs a reason
    step(testapp, "zhanar", url, "approve_international")
    deliver(app)
    assert smtp.messages[-1][0] == ["asel@bank.example.kz"]
    # Not published: the asker did not agree.
    refused = step(testapp, "dana", url, "publish", status=409).json
    assert refused["errors"][0]["field"] == "may_publish"


@pytest.mark.parametrize(("received", "units", "due"), [
    # Friday 11 December: Mon 14, Tue 15, (Wed 16 Independence Day), Thu 17.
    (datetime(2026, 12, 11, 10, 0, tzinfo=UTC), [UNIT], datetime(2026, 12, 17, 13, 0,
                                                                 tzinfo=UTC)),
    # Several units must agree: five working days, to Monday 21 December.
    (datetime(2026, 12, 11, 10, 0, tzinfo=UTC), [UNIT, OTHER_UNIT],
     datetime(2026, 12, 21, 13, 0, tzinfo=UTC)),
    # Thursday 31 December late: 1–4 January off, Mon 5, Tue 6, (Wed 7 Christmas), Thu 8.
    (datetime(2026, 12, 31, 15, 0, tzinfo=UTC), [UNIT], datetime(2027, 1, 8, 13, 0,
                                                                 tzinfo=UTC)),
    # A Saturday: Mon, Tue, Wed.
    (datetime(2026, 12, 5, 6, 0, tzinfo=UTC), [UNIT], datetime(2026, 12, 9, 13, 0,
                                                               tzinfo=UTC)),
])
def test_deadlines_over_weekends_and_holidays(app, testapp, demo, frozen, received, units,
                                               due):
    frozen.set(received)
    url = path(ask(testapp).json)
    as_user(testapp, "dana").patch_json(url, {"units": units})
    frozen.advance(hours=1)                 # routed later: the term runs from receipt
    step(testapp, "dana", url, "route")
    assert almaty(as_user(testapp, "dana").get(url).json["due"]) == due


def test_bad_questions_are_refused_and_nothing_is_kept(app, testapp, demo, frozen):
    cases = {
        "text": {"text": ""},
        "email": {"email": "not-an-address"},
        "name": {"name": "x" * 201},
        "topic": {"topic": "astrology"},
        "units": {"units": [UNIT]},
        "answer": {"answer": "I answer myself"},
    }
    for field, changes in cases.items():
        errors = ask(testapp, status=400, **changes).json["errors"]
        assert field in {e["field"] for e in errors}, (field, errors)
    long = ask(testapp, status=400, text="x" * 5001).json["errors"]
    assert long[0]["field"] == "text" and "5000" in long[0]["message"]
    exe = {"filename": "tool.pdf", "data": base64.b64encode(b"MZ\x90\x00" * 50).decode()}
    errors = ask(testapp, status=400, attachment=exe).json["errors"]
    assert errors[0]["field"] == "attachment" and "tool.pdf" in errors[0]["message"]
    page = {"filename": "page.html",
            "data": base64.b64encode(b"<html><body>hi</body></html>").decode()}
    assert ask(testapp, status=400, attachment=page).json["errors"][0]["field"] == \
        "attachment"
    assert stored_questions(app) == []


def test_an_attachment_is_kept_and_forwarded(app, testapp, demo, frozen, smtp):
    from tests.helpers.samples import pdf as sample_pdf

    pdf = sample_pdf(1)
    data = ask(testapp, attachment={"filename": "table.pdf",
                                    "data": base64.b64encode(pdf).decode()}).json
    url = path(data)
    as_user(testapp, "dana")
    assert testapp.get(f"{url}/@@attachment").body == pdf
    as_user(testapp, None).get(f"{url}/@@attachment", status=(401, 403, 404))
    as_user(testapp, "aigerim").get(f"{url}/@@attachment", status=403)
    as_user(testapp, "dana").patch_json(url, {"units": [UNIT]})
    step(testapp, "dana", url, "route")
    deliver(app)
    edms = next(m for to, m in smtp.messages if to == ["edms@gov.example.kz"])
    names = [part.get_filename() for part in edms.iter_attachments()]
    assert names == ["question-2026-000001.json", "table.pdf"]


def test_a_burst_from_one_address_or_one_email_is_refused(app, testapp, demo, frozen):
    for i in range(5):
        ask(testapp, email=f"user{i}@example.kz")
    for _ in range(5):
        ask(testapp, email="same@example.kz")
    refused = ask(testapp, status=429, email="other@example.kz")
    assert refused.headers["Retry-After"] and refused.json["errors"][0]["field"] is None
    assert len(stored_questions(app)) == 10
    # Another address, the same e-mail: five a day.
    as_user(testapp, None)
    refused = testapp.post_json(QUESTIONS, question(email="same@example.kz"), status=429,
                                extra_environ={"REMOTE_ADDR": "198.51.100.1"})
    assert refused.json["errors"][0]["field"] == "email"
    testapp.post_json(QUESTIONS, question(email="new@example.kz"), status=201,
                      extra_environ={"REMOTE_ADDR": "198.51.100.1"})


def test_a_question_is_kept_when_mail_fails(app, testapp, demo, frozen, smtp_port):
    from aiosmtpd.controller import Controller

    from tests.helpers.mail import outbox
    from tests.helpers.smtp import Collect

    data = ask(testapp).json
    deliver(app)                                    # nobody listens yet: the mail waits
    with open_portal(app) as portal:
        assert portal["questions"][data["id"]].number == "2026-000001"
    (state, attempts, error), = outbox(app)
    assert state == "queued" and attempts == 1 and error
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        frozen.advance(minutes=2)
        deliver(app)
    finally:
        controller.stop()
    assert [to for to, _m in handler.messages] == [["asel@bank.example.kz"]]


def test_the_ask_form_honeypot_and_status_page(app, testapp, demo, frozen, smtp):
    form = _ask_form(testapp, website="http://spam.example")
    refused = form.submit("submit", status=400)
    assert "must stay empty" in refused.text
    assert stored_questions(app) == []
    form = _ask_form(testapp, email="nobody")
    assert "Not a valid e-mail address" in form.submit("submit", status=400).text
    form = _ask_form(testapp, may_publish=True)
    done = form.submit("submit", status=302)
    assert "@@status?t=" in done.location
    page = done.follow(headers={"Accept-Language": "en"})
    assert "2026-000001" in page.text and "Received" in page.text
    assert "Where can I find the unemployment rate" in page.text
    deliver(app)
    assert smtp.messages[0][0] == ["daniyar@uni.example.kz"]
    assert done.location in smtp.messages[0][1].get_content()


def test_the_office_pages_route_answer_approve_publish(app, testapp, demo, frozen, smtp):
    url = path(ask(testapp).json).replace("/++api++", "")
    as_user(testapp, "dana")
    dashboard = testapp.get("/questions/@@dashboard")
    assert "2026-000001" in dashboard.html.find(id="new-questions").text
    page = testapp.get(url)
    assert "asel@bank.example.kz" in page.text
    form = page.forms["question-form"]
    refused = form.submit("transition", value="route", status=409)
    assert "Choose the units" in refused.text
    form = testapp.get(url).forms["question-form"]
    form.fields["units"][[f._value for f in form.fields["units"]].index(UNIT)].checked = True
    form.submit("transition", value="route").follow()
    as_user(testapp, "aigerim")
    form = testapp.get(url).forms["question-form"]
    form["answer"] = "See table 3 of the labour bulletin."
    form.submit("save").follow()
    form = testapp.get(url).forms["question-form"]
    form.submit("transition", value="answer").follow()
    as_user(testapp, "marat")
    testapp.get(url).forms["question-form"].submit("transition", value="approve").follow()
    as_user(testapp, "dana")
    testapp.get(url).forms["question-form"].submit("transition", value="publish").follow()
    public = as_user(testapp, None).get(url, headers={"Accept-Language": "en"})
    assert "See table 3 of the labour bulletin." in public.text
    assert "asel@bank.example.kz" not in public.text and "Halyk" not in public.text
    data = as_user(testapp, "dana").get("/++api++/questions/@dashboard").json
    (row,) = data["units"]
    assert row["unit"] == UNIT and row["answered"] == 1 and row["on_time"] == 1
    assert row["share_on_time"] == 1.0 and data["open"] == [] and data["new"] == []


def test_the_dashboard_marks_overdue_questions(app, testapp, demo, frozen):
    first = path(ask(testapp).json)
    frozen.advance(days=1)
    ask(testapp, email="second@example.kz")
    as_user(testapp, "dana").patch_json(first, {"units": [UNIT]})
    step(testapp, "dana", first, "route")
    frozen.set(datetime(2026, 12, 4, 13, 1, tzinfo=UTC))   # Friday 18:01: the first is late
    data = as_user(testapp, "dana").get("/++api++/questions/@dashboard").json
    assert [(i["number"], i["overdue"]) for i in data["open"]] == [
        ("2026-000001", True), ("2026-000002", False)]
    assert data["overdue"] == 1 and [i["number"] for i in data["new"]] == ["2026-000002"]
    # An executor sees the questions of their unit only.
    mine = as_user(testapp, "aigerim").get("/++api++/questions/@dashboard").json
    assert [i["number"] for i in mine["open"]] == ["2026-000001"]
    as_user(testapp, None).get("/++api++/questions/@dashboard", status=401)


def test_my_work_lists_the_questions_waiting_for_each_person(app, testapp, demo, frozen):
    url = path(ask(testapp).json)
    mine = as_user(testapp, "dana").get("/my-work").html.find(id="my-questions")
    assert "2026-000001" in mine.text and "Route" in mine.text
    assert as_user(testapp, "aigerim").get("/my-work").html.find(id="my-questions") is None
    as_user(testapp, "dana").post_json(f"{url}/@workflow/route", {"units": [UNIT]})
    frozen.set(datetime(2026, 12, 4, 14, 0, tzinfo=UTC))      # Friday 19:00: an hour late
    row = as_user(testapp, "aigerim").get("/my-work").html.find(id="my-questions")
    assert "Send for approval" in row.text and "overdue by 1 h" in row.text
    assert as_user(testapp, "dana").get("/my-work").html.find(id="my-questions") is None


def test_the_coordinators_morning_list(app, testapp, demo, frozen, smtp):
    from statportal.releases.worker import run_pass

    frozen.set(datetime(2026, 12, 5, 5, 0, tzinfo=UTC))      # Saturday 10:00
    url = path(ask(testapp).json)
    deliver(app)
    smtp.messages.clear()
    assert run_pass(app.registry).digests == 0               # not a working day
    frozen.set(datetime(2026, 12, 7, 3, 59, tzinfo=UTC))     # Monday 08:59
    assert run_pass(app.registry).digests == 0
    frozen.advance(minutes=1)
    assert run_pass(app.registry).digests == 1
    assert run_pass(app.registry).digests == 0               # once a day
    deliver(app)
    (to, message), = smtp.messages
    assert to == ["dana@stat.example.kz"]
    body = message.get_content()
    assert "2026-000001 · 05.12.2026 10:00 · 09.12.2026 18:00" in body
    assert url.replace("/++api++", "") in body
    as_user(testapp, "dana").post_json(f"{url}/@workflow/route", {"units": [UNIT]})
    frozen.advance(days=1)
    assert run_pass(app.registry).digests == 0               # nothing waits


# -- regressions of the review (each failed before its fix) ------------------------------
def test_consent_is_true_or_false_only(app, testapp, demo, frozen):
    for field in ("may_publish", "international"):
        for n, value in enumerate(("no", "off", [], {}, 1)):
            errors = ask(testapp, status=400, remote=f"192.0.2.{n}",
                         **{field: value}).json["errors"]
            assert [e["field"] for e in errors] == [field], (field, value)
    assert ask(testapp, email="ok@example.kz", may_publish=False).json["may_publish"] is False
    assert len(stored_questions(app)) == 1


def test_an_address_written_oddly_is_refused(app, testapp, demo, frozen):
    for address in ("asel@bank.example.kz\n", " asel@bank.example.kz", "a b@example.kz"):
        assert ask(testapp, status=400, email=address).json["errors"][0]["field"] == "email"
    assert stored_questions(app) == []


def test_the_asker_cannot_choose_the_id(app, testapp, demo, frozen):
    errors = ask(testapp, status=400, id="dashboard").json["errors"]
    assert errors[0]["field"] == "id"
    assert stored_questions(app) == []


def test_one_unit_written_three_ways_is_one_unit(app, testapp, demo, frozen):
    url = path(ask(testapp).json)
    as_user(testapp, "dana").post_json(f"{url}/@workflow/route", {
        "units": [UNIT, UNIT + "/", UNIT.lstrip("/")]})
    data = testapp.get(url).json
    assert data["units"] == [UNIT]
    assert almaty(data["due"]) == datetime(2026, 12, 4, 13, 0, tzinfo=UTC)    # 3 days, not 5


def test_clearing_the_draft_in_the_form_keeps_an_empty_answer(app, testapp, demo, frozen):
    url = path(ask(testapp).json)
    as_user(testapp, "dana").post_json(f"{url}/@workflow/route", {"units": [UNIT]})
    page = url.replace("/++api++", "")
    as_user(testapp, "aigerim")
    for text in ("A first draft.", ""):
        form = testapp.get(page).forms["question-form"]
        form["answer"] = text
        form.submit("save").follow()
    assert testapp.get(url).json["answer"] == ""
    refused = testapp.post_json(f"{url}/@workflow/answer", {}, status=409).json
    assert refused["errors"][0]["field"] == "answer"


def test_bad_attempts_count_against_the_address_not_the_email(app, testapp, demo, frozen):
    for _ in range(9):
        ask(testapp, status=400, text="")             # nine bad attempts from one address
    ask(testapp, email="same@example.kz")             # the tenth is a good one
    ask(testapp, status=429, email="same@example.kz")
    as_user(testapp, None)
    for _ in range(4):                                # refused ones do not count the e-mail
        testapp.post_json(QUESTIONS, question(email="same@example.kz", topic="x"),
                          status=400, extra_environ={"REMOTE_ADDR": "198.51.100.9"})
    for _ in range(4):
        testapp.post_json(QUESTIONS, question(email="same@example.kz"), status=201,
                          extra_environ={"REMOTE_ADDR": "198.51.100.9"})
    testapp.post_json(QUESTIONS, question(email="same@example.kz"), status=429,
                      extra_environ={"REMOTE_ADDR": "198.51.100.9"})
    assert len(stored_questions(app)) == 5


def test_an_oversized_body_is_refused_before_it_is_read(app, testapp, demo, frozen):
    as_user(testapp, None)
    big = {"filename": "big.pdf", "data": "A" * (15 * 1024 * 1024)}
    refused = testapp.post_json(QUESTIONS, question(attachment=big), status=413,
                                extra_environ={"REMOTE_ADDR": "203.0.113.8"}).json
    assert refused["errors"][0]["field"] == "attachment" and "2 MB" in \
        refused["errors"][0]["message"]                 # the public's limit (issue 16)
    assert stored_questions(app) == []


def test_asking_the_rate_limit_stores_no_key():
    from statportal.security.throttle import RateLimit

    limit = RateLimit(2, 60, clock=lambda: 100.0)
    for n in range(1000):
        assert limit.retry_after(f"x{n}@example.kz") == 0
    assert limit._events == {}
    assert [limit.take("a"), limit.take("a"), limit.take("a") > 0] == [0, 0, True]


def test_misrouted_closed_and_withdrawn_questions_come_back(app, testapp, demo, frozen):
    url = path(ask(testapp).json)
    as_user(testapp, "dana").post_json(f"{url}/@workflow/route", {"units": [OTHER_UNIT]})
    testapp.post_json(f"{url}/@workflow/reroute", {}, status=400)          # needs a reason
    testapp.post_json(f"{url}/@workflow/reroute", {"comment": "Prices are industry's."})
    testapp.post_json(f"{url}/@workflow/route", {"units": [UNIT]})
    assert testapp.get(url).json["units"] == [UNIT]
    testapp.post_json(f"{url}/@workflow/close", {"comment": "Asked twice."})
    testapp.post_json(f"{url}/@workflow/reopen", {})
    testapp.post_json(f"{url}/@workflow/route", {"units": [UNIT]})
    as_user(testapp, "aigerim").post_json(f"{url}/@workflow/answer", {
        "answer": "Dear Ms Nurova, food prices rose by 1.2 %."})
    step(testapp, "marat", url, "approve")
    as_user(testapp, "dana").post_json(f"{url}/@workflow/publish", {
        "public_answer": "Food prices rose by 1.2 %."})
    public = as_user(testapp, None).get(url).json
    assert public["answer"] == "Food prices rose by 1.2 %." and "public_answer" not in public
    assert "Nurova" not in testapp.get("/questions").text
    assert testapp.get("/++api++/questions/@published?q=nurova").json["items_total"] == 0
    as_user(testapp, "dana").post_json(f"{url}/@workflow/withdraw", {"comment": "Outdated."})
    as_user(testapp, None).get(url, status=401)
    assert testapp.get("/++api++/questions/@published").json["items_total"] == 0


def test_intlcoop_sees_only_the_international_questions(app, testapp, demo, frozen):
    url = path(ask(testapp).json)
    as_user(testapp, "dana").post_json(f"{url}/@workflow/route", {"units": [UNIT]})
    as_user(testapp, "aigerim").post_json(f"{url}/@workflow/answer", {"answer": "Yes."})
    step(testapp, "marat", url, "approve")
    as_user(testapp, "zhanar").get(url, status=403)


def test_what_was_read_may_be_sent_back(app, testapp, demo, frozen):
    url = path(ask(testapp).json)
    data = as_user(testapp, "dana").get(url).json
    data["units"] = [UNIT]
    assert testapp.patch_json(url, data).json["units"] == [UNIT]


def test_reading_the_public_section_writes_nothing(app, testapp, demo, frozen):
    from statportal.testing import last_transaction

    as_user(testapp, None).get("/questions")
    before = last_transaction(app)
    testapp.get("/questions?q=R%26D&topic=prices")
    testapp.get("/++api++/questions/@published")
    assert last_transaction(app) == before
