"""The session: Pyramid's signed cookie, with a flash queue kept within the cookie's size.

A browser keeps at most 4 KB per cookie, and the cookie holds the session as JSON (a
Cyrillic letter is six bytes there, ``\\uXXXX``) in base64 with a signature. A message
that outgrew it (a 500-character title twice, the list of 200 moved items, a hundred
guard findings) made the page answer 500 after the change had been saved. The views cut
their own messages; this cuts every message once more, for all of them, and drops the
oldest messages while the queues together are over budget.
"""

import json

from pyramid.session import SignedCookieSessionFactory

#: characters of one text in a message (cut further only when the cookie needs it)
MAX_TEXT = 400
#: bytes of JSON all flash queues may take together (the rest of the session, the
#: login and the CSRF token, is small; base64 adds a third)
BUDGET = 2600


def _cut(text, limit=MAX_TEXT):
    return text if len(text) <= limit else text[:limit - 1] + "…"


def capped(message, limit=MAX_TEXT):
    """``message`` with every text cut to ``limit`` characters; a message with a link
    whose address is too long to keep loses the link and keeps its words."""
    if isinstance(message, str):
        return _cut(message, limit)
    if isinstance(message, dict):
        if len(message.get("url") or "") > limit:
            return {"text": _cut(str(message.get("text", "")), limit)}
        return {key: _cut(value, limit) if isinstance(value, str) and key != "url" else value
                for key, value in message.items()}
    return message


def _size(queues):
    return len(json.dumps(queues))


def session_factory(secret, **options):
    """A signed-cookie session class whose ``flash`` keeps the cookie small."""
    base = SignedCookieSessionFactory(secret, **options)

    class Session(base):
        def flash(self, msg, queue="", allow_duplicate=True):
            super().flash(capped(msg), queue, allow_duplicate)
            queues = {key: list(value) for key, value in self.items()
                      if key.startswith("_f_")}
            if _size(queues) <= BUDGET:
                return
            # drop the oldest messages (other queues' first), keeping the one just said
            for key in [k for k in queues if k != "_f_" + queue] + ["_f_" + queue]:
                while queues[key] and _size(queues) > BUDGET and \
                        (key != "_f_" + queue or len(queues[key]) > 1):
                    queues[key].pop(0)
            newest = queues["_f_" + queue][-1]
            for limit in (MAX_TEXT // 2, MAX_TEXT // 4):  # the new message alone: shorter
                if _size(queues) > BUDGET:
                    queues["_f_" + queue] = [capped(newest, limit)]
            if _size(queues) > BUDGET:  # its words only
                queues["_f_" + queue] = [_short(newest)]
            for key, value in queues.items():
                self[key] = value

    return Session


def _short(message):
    text = message.get("text", "") if isinstance(message, dict) else str(message)
    return _cut(text, MAX_TEXT // 4)
