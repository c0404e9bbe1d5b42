"""Information materials (art. 4.1, 5, 9, 20–21): what the public finally sees.

A Material has a category, kk/ru/en title, description and body, files per language,
the period it covers, the date of its next update, the responsible unit and executor,
and keywords. A Replace keeps the earlier version (its title, description and files) in
``versions``; a file keeps the version it arrived with, so a translation that was not
replaced shows as older than the version it translates.
"""

import uuid

from persistent.list import PersistentList

from statportal.content.base import Content, multilingual, utcnow
from statportal.files import StoredFile
from statportal.i18n import LANGUAGES


class Material(Content):
    version = 1
    published_at = None
    languages = LANGUAGES
    period_start = period_end = next_update = None
    unit = executor = ""
    keywords = ()
    placed_by = ()
    primary_data = None         # True / False (with a reason) / None: presumed by category
    primary_data_reason = ""
    bases = ()                  # the tables' bases: checked, never published
    disclosure_override = None  # {"actor", "time", "reason", "fingerprint"}
    executor_email = ""
    pending_release = None      # the path of the release entry a placement waits for
    early_release = None        # a "publish now" asked for, waiting for a second person

    def __concealed__(self):
        """Not public (scheduled, private, withdrawn): 404 to the public
        (:mod:`statportal.content.concealment`)."""
        from statportal.workflow import state_of

        return state_of(self, "material") != "published"

    def __init__(self, category="latest_data", **kw):
        super().__init__(**kw)
        self.uid = uuid.uuid4().hex
        self.category = category
        self.body = {}
        self.files = PersistentList()
        self.versions = PersistentList()

    # -- fields written by forms and the API (``editing.apply_fields`` calls set_<name>)
    def set_files(self, uploads):
        """New files sent with an edit replace the files of the current version; a list
        naming current files keeps, replaces or removes them (``merge_files``)."""
        from statportal.files.upload import merge_files

        files = merge_files(uploads,
                            lambda u: StoredFile.from_upload(u, version=self.version),
                            self.languages)
        if files is not None:
            self.files = PersistentList(files)

    def set_body(self, value):
        self.body = multilingual(value)

    # -- versions
    def new_version(self, title, files, request_number=None, description=None, bases=()):
        """Keep the current version in the history and take the new title and files.

        Languages the new version brings no file for keep their earlier file (it is then
        an outdated translation, listed in the translation report)."""
        self.versions.append({
            "version": self.version, "title": dict(self.title),
            "description": dict(self.description), "files": list(self.files),
            "published_at": self.published_at, "replaced_at": utcnow(),
            "by_request": request_number})
        self.version += 1
        # Languages the new version gives no title in keep theirs (an older translation).
        self.title = multilingual({**self.title, **multilingual(title)})
        if description is not None:
            self.description = multilingual({**self.description, **multilingual(description)})
        new_files = list(files)
        for stored in new_files:
            stored.version = self.version
        brought = {f.language for f in new_files}
        kept = [f for f in self.files if f.language not in brought]
        self.files = PersistentList(new_files + kept)
        if bases:
            self.bases = PersistentList(bases)
        self.touch()

    def version_record(self, number):
        for record in self.versions:
            if record["version"] == number:
                return record
        return None

    # -- languages
    def files_in(self, language):
        return [f for f in self.files if f.language == language]

    def available_languages(self):
        """Languages with a title or a file."""
        return [lang for lang in LANGUAGES
                if self.title.get(lang) or self.files_in(lang)]

    def translation_problems(self):
        """``[(language, problem, detail)]``: problem is ``missing_title``, ``missing_file``
        or ``outdated`` (detail: the version of the translation)."""
        problems = []
        has_files = bool(self.files)
        for lang in self.languages:
            if not self.title.get(lang):
                problems.append((lang, "missing_title", None))
            files = self.files_in(lang)
            if has_files and not files:
                problems.append((lang, "missing_file", None))
            elif files and max(f.version for f in files) < self.version:
                problems.append((lang, "outdated", max(f.version for f in files)))
        return problems


def concealed(context):
    """Whether ``context`` is, or is inside, a material that is not public (scheduled,
    private, withdrawn): for an anonymous visitor it answers 404, as if it did not exist.
    A published material's staff pages still send a visitor to the login page. (The
    core asks :func:`statportal.content.concealment.concealed`; ``__concealed__`` above.)"""
    from statportal.content.concealment import concealed as any_concealed

    return any_concealed(context)
