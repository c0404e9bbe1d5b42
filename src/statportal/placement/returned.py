"""A returned request, read from its history (the state API's ``history_of``).

A return sends a request back to *draft* (art. 11: the executor fixes the same request and
submits it again). No state of its own: a new workflow state would have to be given to
every stored request, while the history already says it — a draft whose latest
transition is ``return`` is *returned*; a ``submit`` that follows a return is a
*resubmission*. Notes (the register's note, a declaration) change no state and do not
count as transitions here.
"""

from statportal.workflow import history_of

WORKFLOW = "placement_request"


def _transitions(obj):
    """The history's transitions of the placement workflow (no notes), oldest first."""
    return [entry for entry in history_of(obj)
            if entry.get("workflow", WORKFLOW) == WORKFLOW
            and entry.get("action") != "create" and entry.get("from") != entry.get("to")]


def last_return(obj):
    """The ``return`` entry that left the request where it is now (a returned draft), or
    None: ``{"action", "actor", "time", "from", "to", "comment", ...}``."""
    steps = _transitions(obj)
    if steps and steps[-1]["action"] == "return":
        return steps[-1]
    return None


def resubmission(obj):
    """The latest submission when a return came before it: ``(submit entry, return
    entry)``, else None (never returned, or returned and not yet submitted again)."""
    steps = _transitions(obj)
    for index in range(len(steps) - 1, -1, -1):
        if steps[index]["action"] == "submit":
            earlier = [s for s in steps[:index] if s["action"] == "return"]
            return (steps[index], earlier[-1]) if earlier else None
    return None


def first_submission(obj):
    """The time of the first ``submit`` (``submitted_at`` holds the latest), or None."""
    return next((s["time"] for s in _transitions(obj) if s["action"] == "submit"), None)


def returned_json(obj):
    """The request JSON's ``returned`` (null unless it is a returned draft) and
    ``resubmitted_at`` / ``first_submitted_at`` (the history's real times)."""
    entry = last_return(obj)
    again = resubmission(obj)
    first = first_submission(obj)
    return {
        "returned": {"at": entry["time"].isoformat(), "by": entry["actor"],
                     "from": entry["from"], "comment": entry["comment"]} if entry else None,
        "resubmitted_at": again[0]["time"].isoformat() if again else None,
        "first_submitted_at": first.isoformat() if first else None,
    }


def returned_info(request, obj):
    """For a page, a returned draft's reason, who returned it (their name, else their
    login) and when; None when the request is not a returned draft."""
    from statportal.content.resources import get_portal
    from statportal.security.principals import find_user

    entry = last_return(obj)
    if entry is None:
        return None
    user = find_user(get_portal(request), entry.get("actor"))
    return {"comment": entry.get("comment") or "", "at": entry["time"],
            "by": (user.fullname or user.login) if user is not None
            else (entry.get("actor") or "")}


def serialize_request(request, obj, data):
    """The type's JSON hook (``add_content_type(serializer=...)``): the fields above."""
    data.update(returned_json(obj))
    return data
