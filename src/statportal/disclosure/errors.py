"""Errors in the input of disclosure control: they name the file, the line and the column."""


class InputError(ValueError):
    def __init__(self, message, file=None, line=None, column=None):
        self.message, self.file, self.line, self.column = message, file, line, column
        where = ":".join(str(part) for part in (file, line) if part is not None)
        if column:
            where = f"{where}: column {column!r}" if where else f"column {column!r}"
        super().__init__(f"{where}: {message}" if where else message)
