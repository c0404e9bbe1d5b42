"""The Manager's view of the outbox: what waits, what failed and why; retry now."""

from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from statportal.content.base import utcnow
from statportal.content.resources import Portal
from statportal.i18n import _
from statportal.mail.outbox import get_outbox, get_pending
from statportal.security.permissions import MANAGE_SETTINGS

STATES = ("queued", "failed", "sent")


def _rows(context, states=("queued", "failed")):
    outbox = get_outbox(context) or {}
    return [(key, mail) for key, mail in reversed(list(outbox.items())) if mail.state in states]


def _is_bulk(mail):
    return getattr(mail, "kind", "single") == "bulk"


def _json(key, mail):
    if _is_bulk(mail):  # one row for the whole mailing: its counts, not its recipients
        return {"id": key, "kind": "bulk", "state": mail.state, "subject": mail.subject,
                "recipients": [], "counts": mail.counts, "attempts": len(mail.errors),
                "created": mail.created.isoformat(),
                "next_attempt": mail.next_attempt.isoformat(), "last_error": mail.last_error,
                "sent_at": mail.sent_at.isoformat() if mail.sent_at else None}
    return {"id": key, "kind": "single", "state": mail.state, "subject": mail.subject,
            "recipients": list(mail.recipients), "attempts": mail.attempts,
            "created": mail.created.isoformat(), "next_attempt": mail.next_attempt.isoformat(),
            "last_error": mail.last_error,
            "sent_at": mail.sent_at.isoformat() if mail.sent_at else None}


@view_config(context=Portal, name="outbox", accept="text/html", permission=MANAGE_SETTINGS,
             renderer="statportal.mail:templates/outbox.pt")
def outbox_page(context, request):
    if request.method == "POST":
        mail = (get_outbox(context) or {}).get(request.POST.get("id", ""))
        if mail is not None and (_is_bulk(mail) or mail.state in ("queued", "failed")):
            if _is_bulk(mail):
                mail.retry_failed(utcnow())  # its given-up recipients, from now
            else:
                mail.state, mail.next_attempt = "queued", utcnow()
                if mail.attempts > 0 and request.POST.get("reset"):
                    mail.attempts = 0
            get_pending(context).insert(request.POST.get("id", ""))
            from statportal.mail.running import kick_of

            kick = kick_of(request.registry)
            if kick is not None:
                request.tm.get().addAfterCommitHook(lambda ok: ok and kick())
            request.session.flash(request.localizer.translate(_("It will be sent again now.")),
                                  "success")
        return HTTPFound(request.resource_url(context, "@@outbox"))
    return {"rows": _rows(context), "is_bulk": _is_bulk}


@view_config(context=Portal, name="@outbox", accept="application/json", renderer="json",
             permission=MANAGE_SETTINGS, request_method="GET")
def outbox_json(context, request):
    state = request.GET.get("state")
    states = (state,) if state in STATES else ("queued", "failed")
    return {"items": [_json(key, mail) for key, mail in _rows(context, states)[:200]]}
