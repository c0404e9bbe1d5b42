"""The figures of the questions dashboard (art. 24–25), without HTTP: the new questions to
route, the open ones by due date with the overdue marked, and per unit the count, the
median answer time and the share answered on time."""

from statistics import median

from statportal.questions.rules import OPEN_STATES, short, state_of_question


def _iso(moment):
    return moment.isoformat() if moment is not None else None


def _item(question, now):
    return {"id": question.__name__, "number": question.number,
            "state": state_of_question(question), "topic": question.topic,
            "language": question.language, "international": bool(question.international),
            "units": list(question.units), "received_at": _iso(question.received_at),
            "due": _iso(question.due), "overdue": question.due < now,
            "text": short(question.text)}


def figures(questions, now, visible=lambda question: True):
    """``questions``: the Question objects; ``visible``: which of them this user sees."""
    new, open_items, units = [], [], {}
    for question in questions:
        if not visible(question):
            continue
        state = state_of_question(question)
        if state == "received":
            new.append(question)
        if state in OPEN_STATES:
            open_items.append(question)
        for path in question.units:
            unit = units.setdefault(path, {"unit": path, "count": 0, "open": 0,
                                           "answered": 0, "on_time": 0, "hours": []})
            unit["count"] += 1
            if state in OPEN_STATES:
                unit["open"] += 1
            if question.sent_at is not None:
                unit["answered"] += 1
                unit["on_time"] += question.sent_at <= question.due
                unit["hours"].append(
                    (question.sent_at - question.received_at).total_seconds() / 3600)
    rows = []
    for unit in sorted(units.values(), key=lambda u: u["unit"]):
        hours = unit.pop("hours")
        unit["median_answer_hours"] = round(median(hours), 1) if hours else None
        unit["share_on_time"] = round(unit["on_time"] / unit["answered"], 3) \
            if unit["answered"] else None
        rows.append(unit)
    new.sort(key=lambda q: q.received_at)
    open_items.sort(key=lambda q: (q.due, q.received_at))
    return {"new": [_item(q, now) for q in new],
            "open": [_item(q, now) for q in open_items],
            "overdue": sum(q.due < now for q in open_items),
            "units": rows}
