"""One round of errors (issue 18, item 7): a refused submission also gets what the
schema's own cross-field validator finds in the fields that passed, for the deform forms
(``statportal.views.form_errors``) and the JSON API (``statportal.api.serialize``) alike.
Colander runs a mapping's validator only when every field passed, so without this a
person fixes the fields, sends again and only then hears of the cross-checks."""

import colander


class _Partial(dict):
    """The values of a refused submission's valid fields, as a schema's cross-field
    validator reads them: each deserialised when it is first read (a file is checked
    again only if the validator asks for it). Reading a field that failed, or all of
    them, is recorded: the validator's verdict then rests on values that are not there."""

    def __init__(self, schema, cstruct, failed):
        super().__init__()
        self._nodes = {node.name: node for node in schema.children}
        self._cstruct = cstruct if isinstance(cstruct, dict) else {}
        self.failed = failed
        self.read_failed = False

    def _value(self, name):
        if name in self.failed:
            self.read_failed = True
            return colander.drop
        if not dict.__contains__(self, name):
            node = self._nodes.get(name)
            value = colander.drop if node is None else node.deserialize(
                self._cstruct.get(name, colander.null))
            dict.__setitem__(self, name, value)
        return dict.__getitem__(self, name)

    def __getitem__(self, name):
        value = self._value(name)
        if value is colander.drop:
            raise KeyError(name)
        return value

    def __contains__(self, name):
        return self._value(name) is not colander.drop

    def get(self, name, default=None):
        value = self._value(name)
        return default if value is colander.drop else value

    def _all(self):
        names = [n for n in self._nodes if self._value(n) is not colander.drop]
        return {n: dict.__getitem__(self, n) for n in names}

    def keys(self):
        return self._all().keys()

    def items(self):
        return self._all().items()

    def values(self):
        return self._all().values()

    def __iter__(self):
        return iter(self._all())

    def __len__(self):
        return len(self._all())


def cross_check(schema, cstruct, error):
    """Add to ``error`` (a refused submission's ``colander.Invalid``) what the schema's own
    validator finds in the fields that passed, so that one submission reports every error
    at once, not the fields first and their cross-checks (a replaced material, a
    declaration's reason, the bases' tables: ``add_schema_extension``'s validators) only
    after they are fixed. A validator that reads a field that failed is not believed
    (its verdict would rest on a missing value); nor one that fails otherwise than by
    ``colander.Invalid``. Returns whether anything was added."""
    validator = schema.validator
    if validator is None or isinstance(validator, colander.deferred):
        return False
    positions = {child.pos for child in error.children}
    failed = {schema.children[pos].name for pos in positions
              if pos is not None and pos < len(schema.children)}
    partial = _Partial(schema, cstruct, failed)
    try:
        validator(schema, partial)
    except colander.Invalid as found:
        if partial.read_failed:
            return False
        added = False
        for child in found.children:
            if child.pos not in positions:
                error.add(child, child.pos)
                positions.add(child.pos)
                added = True
        if found.msg and not error.msg:
            error.msg = found.msg
            added = True
        return added
    except Exception:  # noqa: BLE001 — values that do not allow the check: next round
        return False
    return False
