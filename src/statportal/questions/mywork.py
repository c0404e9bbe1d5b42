"""The questions waiting for this person in "My work": those on which they may take a
step now (route, answer, approve, agree, publish), by due date."""

from statportal import clock
from statportal.i18n import label
from statportal.questions.delivery import staff_state_label
from statportal.questions.rules import OPEN_STATES, short, state_of_question
from statportal.questions.workflow import QUESTION_WORKFLOW
from statportal.schedule.remaining import time_left
from statportal.workflow import available_transitions, history_of

#: The steps that make a question wait for someone (closing and returning are possible,
#: but nobody waits for them).
WAITING = ("route", "answer", "approve", "approve_international", "publish")


def waits_for_publishing(question):
    """Sent, the asker agreed, and not withdrawn from the site by a coordinator (it may be
    published again, but nobody waits for that)."""
    if not question.may_publish:
        return False
    for entry in reversed(history_of(question)):
        if entry["action"] in ("withdraw", "approve", "approve_international"):
            return entry["action"] != "withdraw"
    return True


def my_questions(request, folder, limit=200):
    now = clock.now()
    found = []
    for question in folder.values():
        state = state_of_question(question)
        if state not in OPEN_STATES and state != "sent":
            continue
        actions = [t for t in available_transitions(request, question)
                   if t.name in WAITING and (t.name != "publish" or waits_for_publishing(
                       question))]
        if not actions:
            continue
        found.append({
            "obj": question, "number": question.number, "text": short(question.text),
            "state": label(request, staff_state_label(
                question, state, QUESTION_WORKFLOW.state(state).title), state),
            "actions": [label(request, t.title, t.name) for t in actions],
            "due": question.due, "overdue": state != "sent" and question.due < now,
            "time_left": request.localizer.translate(time_left(request, question.due, now))
            if state != "sent" else ""})
    found.sort(key=lambda item: item["due"])
    return found[:limit]
