"""Importing observations: a long table (CSV or .xlsx) read, every row checked, then the
columns of one vintage (``store.add_vintage``).

The file has one column per dimension of the indicator (its code), ``period``, ``value``
and optionally ``status`` (``X`` confidential, ``p`` provisional, ``r`` revised); or it is
the published CSV that ``statportal disclosure protect`` writes (dimensions, ``shown``,
``status``: ``published``, ``primary``, ``secondary``), whose primary and secondary cells
become confidential observations that never carry a value.

Every row is checked before anything is stored, column by column with numpy and pandas
(2.3 million rows are a few seconds, not a loop in Python); the errors name the spreadsheet
row (the header is row 1) and the column. Numbers written as text follow the portal's one
reader (``statportal.numbers.read_number``): the common spellings are recognised by
vectorised patterns that read exactly what it reads, everything else is given to it row by
row.
"""

import numpy as np
import pandas as pd

from statportal.i18n import _
from statportal.numbers import AmbiguousNumber, read_number
from statportal.taldau.reading import (  # noqa: F401 (read_rows: this module's API)
    PROTECTED_STATUS,
    ImportRefused,
    read_rows,
)
from statportal.taldau.store import CONFIDENTIAL, NONE, PROVISIONAL, REVISED
from statportal.taldau.store import CONFIDENTIAL_PRIMARY as PRIMARY

#: The errors listed at most (the count of the others is given).
MAX_ERRORS = 100

#: The status column's letters (lower-cased) and the store's codes.
STATUS = {"": NONE, "x": PRIMARY, "p": PROVISIONAL, "r": REVISED}

# What read_number reads, as patterns pandas applies to a whole column at once: a plain
# number with a decimal point (no leading zero: "011" is a code), and numbers grouped by
# spaces or with a decimal comma. "1,234" (a comma before exactly three digits) is not in
# them: it is read row by row, where read_number decides (or calls it ambiguous).
_PLAIN_POINT = r"-?(?:0|[1-9]\d{0,29})(?:\.\d{1,10})?"
_SPACED_OR_COMMA = (r"-?\d{1,3}(?: \d{3}){1,9}(?:[.,]\d{1,10})?"
                    r"|-?(?:0|[1-9]\d{0,29}),\d{1,10}")
_AMBIGUOUS = r"-?[1-9]\d{0,2},\d{3}"


class Columns(dict):
    """The checked columns (numpy arrays by name, as ``store.add_vintage`` takes them);
    ``decimals``: the most digits after the decimal mark any value was written with;
    ``rows``: each row's spreadsheet row and ``value_column`` the file's name of the
    value (``shown`` in the protected CSV), for the checks against earlier vintages
    (``integrity``) to name row and column."""

    decimals = 0
    rows = None
    value_column = "value"


def dimension_codes(indicator):
    """``[(dimension code, {member code: position})]`` in the indicator's order."""
    return [(d["code"], {h["code"]: i for i, h in enumerate(d.get("hierarchy") or ())})
            for d in indicator.dimensions]


def validate(indicator, frame, period=None):
    """The ``Columns`` of ``frame`` (from ``read_rows``) for ``indicator``; raises
    ``ImportRefused`` with every error (the first ``MAX_ERRORS``) when a row is wrong.
    ``period`` (ISO text), if given, is the period of every row: the file may then leave
    out the period column."""
    from statportal.taldau.periods import PeriodError, ordinal

    dims = dimension_codes(indicator)
    protected = bool(frame.attrs.get("protected"))
    value_column = "shown" if protected else "value"
    expected_period = None
    if period not in (None, ""):
        try:
            expected_period = ordinal(str(period), indicator.periodicity)
        except PeriodError as exc:
            raise ImportRefused([{"field": "period", "row": None, "column": None,
                                  "message": exc.args[0]}]) from None
    frame = _named_as_expected(frame, [code for code, _m in dims], value_column)
    _check_header(frame, [code for code, _members in dims], value_column, protected,
                  period_given=expected_period is not None)
    rows = frame.index.to_numpy()
    if not len(rows):
        raise ImportRefused([_error(2, None, _("The file holds no observations."))])
    checks = []   # (column, mask, message(i)); in the file's column order at the end
    columns = Columns()
    key_ok = np.ones(len(rows), dtype=bool)
    for code, members in dims:
        positions, bad, texts = _codes(frame[code], members)
        columns[code] = positions
        key_ok &= ~bad
        checks.append((code, bad, lambda i, t=texts, c=code: (
            _("The code is empty.") if not t[i].strip() else
            _("Unknown code ${code} in ${column}.", mapping={"code": t[i], "column": c}))))
    if "period" in frame.columns:
        ordinals, bad, texts, messages = _periods(frame["period"], indicator.periodicity,
                                                  ordinal, PeriodError)
        checks.append(("period", bad, lambda i, m=messages: m[i]))
        if expected_period is not None:
            other = ~bad & (ordinals != expected_period)
            bad = bad | other
            checks.append(("period", other, lambda i, t=texts: _(
                "The period ${period} is not the import's period ${expected}.",
                mapping={"period": t[i], "expected": period})))
        key_ok &= ~bad
    else:
        ordinals = np.full(len(rows), expected_period, dtype=np.int32)
    columns["period"] = ordinals
    status, bad_status, status_texts = _statuses(frame, protected)
    checks.append(("status", bad_status, lambda i, t=status_texts: _(
        "Unknown status ${status}: ${allowed}.", mapping={
            "status": t[i], "allowed": ", ".join(PROTECTED_STATUS) if protected
            else "X, p, r"})))
    text = frame[value_column]
    values, problems, decimals = read_values(text, frame.attrs.get("decimal_comma"))
    is_x, empty = problems == "x", problems == "empty"
    if not protected:           # "X" written as the value of an unmarked row: confidential
        status = np.where(is_x & (status == NONE) & ~bad_status, PRIMARY, status)
    confidential = np.isin(status, CONFIDENTIAL)
    value_error = ~confidential & ~bad_status & (problems != "")
    # A protected cell's "shown" (X) is ignored; elsewhere X rows carry no number.
    with_value = confidential & ~is_x & ~empty if not protected else \
        np.zeros(len(rows), dtype=bool)
    checks.append((value_column, with_value, lambda i: _(
        "A value in a row marked X: leave the value empty (or write X).")))
    checks.append((value_column, value_error, lambda i, t=text, p=problems:
                   _value_message(t.iat[i], p[i], protected)))
    values[confidential] = np.nan
    columns["value"] = values
    columns["status"] = status.astype(np.uint8)
    columns.decimals = int(decimals[~confidential].max(initial=0))
    columns.rows, columns.value_column = rows, value_column
    checks.extend(_duplicates(columns, [code for code, _m in dims], key_ok, rows))
    _raise_errors(frame, rows, checks)
    return columns


def _named_as_expected(frame, dimensions, value_column):
    """The frame with its columns named as the indicator names them when they differ only
    in case (``Period``, ``REGION``): spreadsheets capitalise headers."""
    expected = {name.lower(): name for name in (*dimensions, "period", value_column,
                                                "status")}
    renames = {name: expected[name.lower()] for name in frame.columns
               if name not in expected.values() and name.lower() in expected}
    names = [renames.get(name, name) for name in frame.columns]
    if not renames or len(set(names)) < len(names):
        return frame        # none, or two columns would have one name: left to the checks
    attrs = dict(frame.attrs)
    renamed = frame.rename(columns=renames)
    renamed.attrs.update(attrs)
    return renamed


def _check_header(frame, dimensions, value_column, protected, period_given):
    allowed = [*dimensions, "period", value_column, "status"]
    errors = [_error(1, name, _("Unknown column ${column}: this indicator's columns are "
                                "${columns}.", mapping={"column": name,
                                                        "columns": ", ".join(allowed)}))
              for name in frame.columns if name not in allowed]
    required = [*dimensions, *(() if period_given else ("period",)), value_column,
                *(("status",) if protected else ())]
    errors += [_error(1, name, _("The column ${column} is missing.", mapping={"column": name}))
               for name in required if name not in frame.columns]
    if errors:
        raise ImportRefused(errors[:MAX_ERRORS], len(errors))


def _factorized(column):
    """``(codes, texts)``: each row's index into the distinct texts (read once each)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), [str(u) for u in column.cat.categories]
    found, uniques = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=False)
    return found, [str(u) for u in uniques]


class _Texts:
    """``texts[i]``: row ``i``'s text, from its code (only listed errors ask)."""

    def __init__(self, found, uniques):
        self.found, self.uniques = found, uniques

    def __getitem__(self, i):
        return self.uniques[self.found[i]] if self.found[i] >= 0 else ""


def _codes(column, members):
    """Positions of the codes, the unknown ones, and the texts as written."""
    found, uniques = _factorized(column)
    # the last entry answers a code of -1 (no text)
    lookup = np.array([members.get(u.strip(), -1) for u in uniques] + [-1], dtype=np.int32)
    positions = lookup[found]
    return positions, positions < 0, _Texts(found, uniques)


def _periods(column, periodicity, ordinal, period_error):
    """Ordinals of the periods, which ones do not read, their texts and messages."""
    found, uniques = _factorized(column)
    ordinals, messages = [], []
    for text in uniques:
        try:
            ordinals.append(ordinal(text.strip(), periodicity))
            messages.append(None)
        except period_error as exc:
            ordinals.append(-1)
            messages.append(exc.args[0] if exc.args else str(exc))
    lookup = np.array([*ordinals, -1], dtype=np.int64)
    bad = np.array([m is not None for m in messages] + [True])[found]
    texts = _Texts(found, uniques)
    return (lookup[found].astype(np.int32), bad, texts,
            _Texts(found, messages))


def _statuses(frame, protected):
    """The status codes, the rows whose status is unknown, and the texts."""
    if "status" not in frame.columns:
        size = len(frame.index)
        return np.zeros(size, dtype=np.uint8), np.zeros(size, dtype=bool), [""] * size
    table = PROTECTED_STATUS if protected else STATUS
    found, uniques = _factorized(frame["status"])
    codes = [table.get(u.strip() if protected else u.strip().lower(), -1) for u in uniques]
    status = np.array([*codes, -1], dtype=np.int16)[found]
    bad = status < 0
    return np.where(bad, NONE, status).astype(np.uint8), bad, _Texts(found, uniques)


def read_values(text, decimal_comma=None):
    """``(values, problems, decimals)`` of a column of text: float64 (NaN where no
    number), the problem of each row (``""`` none, ``"empty"``, ``"x"``, ``"ambiguous"``,
    ``"number"``) and the digits written after the decimal mark. The same numbers as
    ``read_number(t, decimal_comma)`` row by row, read a column at a time."""
    text = text.astype(str)
    size = len(text)
    values = np.full(size, np.nan)
    decimals = np.zeros(size, dtype=np.int16)
    problems = np.full(size, "", dtype=object)
    plain = text.str.fullmatch(_PLAIN_POINT).to_numpy(dtype=bool)
    if plain.any():
        _take(text[plain], plain, values, decimals)
    rest = ~plain
    if rest.any():
        others = text[rest]
        spaced = others.str.fullmatch(_SPACED_OR_COMMA)
        if not decimal_comma:
            spaced &= ~others.str.fullmatch(_AMBIGUOUS)
        where = np.flatnonzero(rest)[spaced.to_numpy(dtype=bool)]
        if len(where):
            mask = np.zeros(size, dtype=bool)
            mask[where] = True
            normal = text[mask].str.replace(" ", "", regex=False).str.replace(
                ",", ".", regex=False)
            _take(normal, mask, values, decimals)
            rest[where] = False
        for i in np.flatnonzero(rest):
            problems[i], number = _one(text.iat[i], decimal_comma)
            if number is not None:
                values[i], decimals[i] = float(number.value), number.decimals
    return values, problems, decimals


def _take(strings, mask, values, decimals):
    values[mask] = pd.to_numeric(strings).to_numpy(dtype=np.float64)
    point = strings.str.find(".").to_numpy()
    length = strings.str.len().to_numpy()
    decimals[mask] = np.where(point >= 0, length - point - 1, 0)


def _one(text, decimal_comma):
    """(problem, Number or None) of one text that the patterns did not read."""
    stripped = text.strip()
    if not stripped:
        return "empty", None
    if stripped.upper() == "X":
        return "x", None
    try:
        number = read_number(stripped, decimal_comma)
    except AmbiguousNumber:
        return "ambiguous", None
    return ("", number) if number is not None else ("number", None)


def _value_message(text, problem, protected):
    if problem == "empty":
        return _("The value is empty: write a number, or X in the status column.") \
            if not protected else _("The value is empty.")
    if problem == "ambiguous":
        return _("${value} reads as two numbers (a decimal comma or a thousands "
                 "separator): write it with a point or a space, or import a file separated "
                 "by semicolons.", mapping={"value": text.strip()})
    if problem == "x":
        return _("X is written as the value of a row whose status is not X.")
    return _("${value} is not a number.", mapping={"value": text.strip()[:40]})


def _duplicates(columns, dimensions, key_ok, rows):
    """Checks for rows with the dimension codes and period of another: each names the
    other row (a later one the first, the first the next)."""
    keys = pd.DataFrame({name: columns[name] for name in (*dimensions, "period")})
    keys = keys[key_ok]
    repeated = keys.duplicated(keep=False).to_numpy()
    if not repeated.any():
        return []
    where = np.flatnonzero(key_ok)[repeated]
    group = keys[repeated].groupby(list(keys.columns), sort=False).ngroup().to_numpy()
    order = np.argsort(group, kind="stable")          # each group's rows in file order
    starts = np.flatnonzero(np.diff(group[order], prepend=-1))
    first, second = where[order][starts], where[order][starts + 1]
    other = dict(zip(where.tolist(), np.where(first[group] == where, second[group],
                                              first[group]).tolist(), strict=True))
    mask = np.zeros(len(rows), dtype=bool)
    mask[where] = True
    column = ", ".join((*dimensions, "period"))
    return [(column, mask, lambda i: _(
        "The same dimension codes and period as row ${other}.",
        mapping={"other": int(rows[other[i]])}))]


def _raise_errors(frame, rows, checks):
    """Raise ``ImportRefused`` with the errors in row order, then column order."""
    checks = [c for c in checks if c[1].any()]
    if not checks:
        return
    order = {name: i for i, name in enumerate(frame.columns)}
    checks.sort(key=lambda c: order.get(c[0], len(order)))
    total = sum(int(c[1].sum()) for c in checks)
    failing = np.flatnonzero(np.logical_or.reduce([c[1] for c in checks]))
    errors = []
    for i in failing:
        for column, mask, message in checks:
            if mask[i] and len(errors) < MAX_ERRORS:
                errors.append(_error(int(rows[i]), column, message(i)))
        if len(errors) >= MAX_ERRORS:
            break
    raise ImportRefused(errors, total)


def _error(row, column, message):
    return {"field": "file", "row": row, "column": column, "message": message}
