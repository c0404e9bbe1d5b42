"""``/questions`` (numbers, random ids) and the Question."""

import hmac
import secrets
import uuid

from BTrees.OOBTree import OOBTree, OOTreeSet
from pyramid.authorization import Deny, Everyone

from statportal.content.base import Content
from statportal.content.folder import Folder
from statportal.content.numbering import YearNumbering
from statportal.content.paths import find_by_path, root_of
from statportal.i18n import _
from statportal.security.permissions import DELETE
from statportal.security.staff import is_staff

NEVER_DELETED = _("A question is never deleted: close it (with the reason) if it needs no "
                  "answer.")

#: The asker's details: kept from the public, never changed after the question is asked
#: (but ``international``, which a coordinator may correct while it is received or routed).
ASKER_FIELDS = ("name", "email", "organisation", "international", "topic", "text",
                "may_publish", "language", "attachment")


class Questions(YearNumbering, Folder):
    """``/questions``: the public Q&A section, and the office's questions behind it."""

    ordered = False
    renamable = False
    __is_fixed__ = True

    published_names = None
    published_order = None     # (published_at ISO, name) -> name: the public listing's order
    digest_sent_on = None      # the Almaty date of the coordinators' last morning list

    @staticmethod
    def new_id():
        return f"q{uuid.uuid4().hex[:12]}"

    def visible_batch(self, request, start, size):
        """One page of the questions this user may see, and how many. The public may see
        the published ones only: read from their index, newest first. The office's listing
        reads the names the user may view from the catalog's ``allowed`` index, in the
        folder's order (by name), and loads only the page's questions."""
        if not is_staff(request):
            names, total = self.published_page(start, size)
            return [(name, self[name]) for name in names], total
        catalog = getattr(self, "_catalog", None)
        if catalog is not None:
            from statportal.content.catalog import allowed_principals

            catalog._v_container = self
            names = sorted(catalog.names[docid] for docid in
                           catalog.allowed_ids(allowed_principals(request)))
            return [(name, self[name]) for name in names[start:start + size]], len(names)
        # No catalog yet (no question since the folder was made, or a database the
        # statportal.questions evolve step has not reached): ask question by question.
        from statportal.security.permissions import VIEW

        items, total = [], 0
        for name, child in self.items():
            if request.has_permission(VIEW, child):
                if start <= total < start + size:
                    items.append((name, child))
                total += 1
        return items, total

    def remove(self, name, send_events=True):
        """Nothing accepted is ever deleted: whatever calls this (a view, a script)."""
        from statportal.content.editing import EditError

        raise EditError(NEVER_DELETED, "id", status=405, type="never_deleted")

    def published(self):
        """The names of the published questions (the public section reads only these)."""
        return self.published_names if self.published_names is not None else ()

    def set_published(self, name, published, at=None):
        """Keep the index of the published questions: their names, and their order by
        publication for the public listing. ``at``: when it was (or, on withdrawing,
        had been) published; by default the question's ``published_at``."""
        if self.published_names is None:
            self.published_names = OOTreeSet()
        at = at or self[name].published_at
        order, key = self._order(), (at.isoformat(), name)
        if published:
            self.published_names.insert(name)
            order[key] = name
        else:
            if name in self.published_names:
                self.published_names.remove(name)
            if key in order:
                del order[key]

    def _order(self):
        order = self.published_order
        if order is None:
            # Built once from the names (a database from before the order was kept).
            order = self.published_order = OOBTree()
            for name in self.published():
                question = self.get(name)
                if question is not None and question.published_at is not None:
                    order[(question.published_at.isoformat(), name)] = name
        return order

    def published_page(self, start, size):
        """One page of the published questions, newest first, and how many there are:
        read from the index, never from a walk over the questions."""
        order = self.published_order
        if order is None:
            names = sorted(self.published(), reverse=True,
                           key=lambda name: self[name].published_at.isoformat())
            return names[start:start + size], len(names)
        keys = order.keys()
        total = len(keys)
        end = max(0, total - start)
        return [keys[i][1] for i in range(end - 1, max(0, end - size) - 1, -1)], total


class Question(Content):
    """A question from the public. Nothing accepted is ever deleted — not even by the
    Manager (the ACL denies DELETE to everyone, and the folder keeps it): a question that
    needs no answer is closed, with a reason."""

    __acl__ = ((Deny, Everyone, DELETE),)
    __is_fixed__ = True
    name = email = organisation = topic = text = language = ""
    international = may_publish = False
    attachment = None
    units = ()
    answer = ""
    public_text = public_answer = ""   # what the public reads; set on publishing
    number = received_at = due = None
    routed_at = answered_at = sent_at = published_at = None
    status_token = None     # the secret of the asker's status link; never serialised
    answer_mail = None      # the outbox key of the answer's mail (None: sent before it existed)
    closed_at = None

    def shown_text(self):
        """What the public reads: the published wording, or, when it is empty, the
        question as asked."""
        return self.public_text or self.text

    def shown_answer(self):
        return self.public_answer or self.answer

    def set_attachment(self, upload):
        from statportal.files import StoredFile

        self.attachment = StoredFile.from_upload(upload)

    def set_units(self, value):
        self.units = tuple(value)

    def new_token(self):
        """A fresh secret for the asker's status link (it is all the link proves, like a
        tracking number: the database holds the question itself anyway)."""
        self.status_token = secrets.token_urlsafe(24)
        return self.status_token

    def token_matches(self, token):
        if not self.status_token or not isinstance(token, str) or not token:
            return False
        return hmac.compare_digest(token.encode(), self.status_token.encode())

    def local_role_sources(self):
        """The units it is routed to: their executors draft, their heads approve."""
        if not self.units or self.__parent__ is None:
            return []
        root = root_of(self)
        return [unit for unit in (find_by_path(root, path) for path in self.units)
                if unit is not None]
