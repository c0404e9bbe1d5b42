"""The refusal of an upload, at the bottom of ``files`` so that the policy and the active
content checks (``htmlsafety``) can both raise it without importing each other."""


class FileRefused(ValueError):
    """An upload that cannot be taken; ``message`` says why, ``filename`` which file."""

    def __init__(self, message, filename=None):
        super().__init__(message)
        self.message = message
        self.filename = filename
