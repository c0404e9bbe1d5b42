"""Errors in the input of disclosure control: they name the file, the line and the column."""


class InputError(ValueError):
    def __init__(self, message, file=None, line=None, column=None):
        self.message, self.file, self.line, self.column = message, file, line, column
        where = ":".join(str(part) for part in (file, line) if part is not None)
        if column:
            where = f"{where}: column {column!r}" if where else f"column {column!r}"
        super().__init__(f"{where}: {message}" if where else message)


class InconsistentTable(InputError):
    """The published cells of a table cannot all hold (they contradict each other or the
    bounds on the inner cells): ``keys`` are the cells of the relation that fails, which
    the message names with their values."""

    def __init__(self, message, keys=()):
        super().__init__(message)
        self.keys = list(keys)
