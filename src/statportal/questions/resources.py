"""``/questions`` (numbers, random ids) and the Question."""

import hmac
import secrets
import uuid

from BTrees.OOBTree import OOTreeSet

from statportal.content.base import Content
from statportal.content.folder import Folder
from statportal.content.numbering import YearNumbering
from statportal.content.paths import find_by_path, root_of

#: The asker's details: kept from the public, never changed after the question is asked.
ASKER_FIELDS = ("name", "email", "organisation", "international", "topic", "text",
                "may_publish", "language")


class Questions(YearNumbering, Folder):
    """``/questions``: the public Q&A section, and the office's questions behind it."""

    ordered = False
    renamable = False
    __is_fixed__ = True

    published_names = None
    digest_sent_on = None      # the Almaty date of the coordinators' last morning list

    @staticmethod
    def new_id():
        return f"q{uuid.uuid4().hex[:12]}"

    def published(self):
        """The names of the published questions (the public section reads only these)."""
        return self.published_names if self.published_names is not None else ()

    def set_published(self, name, published):
        if self.published_names is None:
            self.published_names = OOTreeSet()
        if published:
            self.published_names.insert(name)
        elif name in self.published_names:
            self.published_names.remove(name)


class Question(Content):
    name = email = organisation = topic = text = language = ""
    international = may_publish = False
    attachment = None
    units = ()
    answer = ""
    public_text = public_answer = ""   # what the public reads; set on publishing
    number = received_at = due = None
    routed_at = answered_at = sent_at = published_at = None
    status_token = None     # the secret of the asker's status link; never serialised
    closed_at = None

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
