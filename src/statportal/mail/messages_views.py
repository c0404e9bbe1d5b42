"""The Manager's view of the maildir (``mail.delivery = maildir``): each message as it
would arrive — its headers, its text, its HTML (in a sandboxed frame, never run) and its
attachments — so that a newcomer sees the portal's mail without an SMTP server."""

import mailbox
import re
from email import policy
from email.parser import BytesParser
from urllib.parse import quote

from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config

from statportal.content.resources import Portal
from statportal.mail.maildir import delivery_kind
from statportal.security.permissions import MANAGE_SETTINGS

PAGE = 25
#: The headers shown, in this order (the rest are in the raw source).
HEADERS = ("From", "To", "Subject", "Date", "Reply-To", "List-Unsubscribe",
           "List-Unsubscribe-Post", "Message-ID", "Delivered-To")
_STAMP = re.compile(r"^(\d+)\.(?:M(\d+))?")


def _maildir(request):
    settings = request.registry.settings
    if delivery_kind(settings) != "maildir" or not settings.get("mail.maildir"):
        return None
    return mailbox.Maildir(settings["mail.maildir"], factory=None, create=True)


def _newest_first(keys):
    def stamp(key):  # a maildir name begins with the delivery's seconds and microseconds
        found = _STAMP.match(key)
        return (int(found.group(1)), int(found.group(2) or 0)) if found else (0, 0)
    return sorted(keys, key=lambda key: (stamp(key), key), reverse=True)


def _parse(maildir, key):
    try:
        data = maildir.get_bytes(key)
    except KeyError:
        return None
    return BytesParser(policy=policy.default).parsebytes(data)


def _header(message, name):
    try:
        return str(message.get(name) or "")
    except (ValueError, TypeError, IndexError):  # a header the parser cannot read
        return "?"


def _when(message):
    """The Date header as a moment (shown in the page's language and time zone), or None
    when it cannot be read (the page shows the header as it is)."""
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(_header(message, "Date"))
    except (TypeError, ValueError, IndexError):
        return None


def _parts(message):
    """(text, html, attachments): the first text and HTML bodies, and every other part as
    (index, filename, content type, size)."""
    text = html = None
    attachments = []
    for index, part in enumerate(message.walk()):
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        disposition = part.get_content_disposition()
        if disposition != "attachment" and kind == "text/plain" and text is None:
            text = part.get_content()
        elif disposition != "attachment" and kind == "text/html" and html is None:
            html = part.get_content()
        else:
            payload = part.get_payload(decode=True) or b""
            attachments.append((index, part.get_filename() or f"part-{index}", kind,
                                len(payload)))
    return text, html, attachments


@view_config(context=Portal, name="messages", permission=MANAGE_SETTINGS,
             request_method="GET", renderer="statportal.mail:templates/messages.pt")
def messages_page(context, request):
    maildir = _maildir(request)
    if maildir is None:
        return {"maildir": None, "rows": [], "message": None, "page": 1, "pages": 1}
    key = request.GET.get("key")
    if key:
        message = _parse(maildir, key)
        if message is None:
            raise HTTPNotFound()
        text, html, attachments = _parts(message)
        return {"maildir": maildir, "rows": [], "page": 1, "pages": 1, "message": {
            "key": key, "headers": [(name, _header(message, name)) for name in HEADERS
                                    if message.get(name) is not None],
            "text": text, "html": html, "attachments": attachments}}
    keys = _newest_first(maildir.keys())
    pages = max(1, -(-len(keys) // PAGE))
    try:
        page = min(max(1, int(request.GET.get("page", 1))), pages)
    except ValueError:
        page = 1
    rows = []
    for key in keys[(page - 1) * PAGE:page * PAGE]:
        message = _parse(maildir, key)
        if message is not None:
            rows.append({"key": key, "to": _header(message, "To"),
                         "subject": _header(message, "Subject"),
                         "date": _header(message, "Date"), "when": _when(message)})
    return {"maildir": maildir, "rows": rows, "message": None, "page": page,
            "pages": pages, "total": len(keys)}


@view_config(context=Portal, name="messages-part", permission=MANAGE_SETTINGS,
             request_method="GET")
def message_part(context, request):
    """One attachment of a delivered message, always downloaded, never shown inline."""
    maildir = _maildir(request)
    message = _parse(maildir, request.GET.get("key", "")) if maildir is not None else None
    try:
        index = int(request.GET.get("part", ""))
    except ValueError:
        index = -1
    part = next((part for number, part in enumerate(message.walk()) if number == index),
                None) if message is not None else None
    if part is None or part.is_multipart():
        raise HTTPNotFound()
    filename = part.get_filename() or f"part-{index}"
    plain = "".join(ch if ch.isascii() and ch.isalnum() or ch in "._-" else "_"
                    for ch in filename)
    response = Response(body=part.get_payload(decode=True) or b"",
                        content_type=part.get_content_type())
    response.content_disposition = (f'attachment; filename="{plain}"; '
                                    f"filename*=UTF-8''{quote(filename, safe='')}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    return response
