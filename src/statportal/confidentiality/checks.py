"""Disclosure validators: the checks run on every published table that has a basis.

A disclosure validator is registered data, like the material validators:

    config.add_disclosure_validator("rounding", factory)

``factory(settings)`` returns ``validator(check) -> [Finding]``; ``check`` is a
:class:`TableCheck` (the published file's name, the basis table, what the file shows, the
primary cells by the office's rules). Two registrations of one name conflict (Pyramid's
conflict detection), as two views of one name do. Built-ins: ``primary`` (a confidential
cell is shown), ``consistency`` (a shown value disagrees with the basis, or a row is not
in it), ``audit`` (a hidden confidential cell can be derived from the published ones, by
linear programming).
"""

import math
from dataclasses import dataclass, field
from functools import cached_property

from statportal.disclosure.rules import Dominance, MinimumFrequency, PPercent, primary_cells
from statportal.i18n import _, interpolate
from statportal.placement.schemas import CATEGORIES
from statportal.workflow import Finding

#: finding codes of the confidentiality checks (pages link them to ``@@disclosure``)
CODES = frozenset({"confidential_shown", "differs_from_basis", "not_in_basis", "exposed",
                   "unreadable_cell", "unchecked_file",
                   "missing_basis", "basis_unreadable", "table_unreadable",
                   "basis_in_public_files"})

#: The statistical categories (placement/materials' vocabulary): a material of one of
#: them that carries a table is presumed derived from primary data (fail closed).
STATISTICAL_CATEGORIES = frozenset(CATEGORIES)

RULE_TITLES = {"frequency": _("fewer respondents than allowed"),
               "dominance": _("one or two respondents dominate"),
               "p_percent": _("p% rule")}


@dataclass(frozen=True)
class DisclosureSettings:
    threshold: int = 2
    dominance: tuple | None = None     # (n, k)
    p_percent: float | None = None
    protection: float | None = None    # percent
    allow_override: bool = False
    #: categories whose tables are presumed derived from primary data
    presumed_categories: frozenset = STATISTICAL_CATEGORIES

    @classmethod
    def from_settings(cls, settings):
        """``statportal.disclosure.threshold`` (2: a sole respondent is confidential),
        ``.dominance`` (``n,k``), ``.p_percent``, ``.protection`` (percent),
        ``.allow_override`` (a Manager may publish despite findings, with a reason),
        ``.presumed_categories`` (the categories whose tables are presumed derived from
        primary data; default: every statistical category)."""
        from pyramid.settings import asbool, aslist

        get = settings.get
        prefix = "statportal.disclosure."
        dominance = (get(prefix + "dominance") or "").strip()
        presumed = get(prefix + "presumed_categories")
        presumed = STATISTICAL_CATEGORIES if presumed is None else \
            frozenset(aslist(presumed.replace(",", " ")))
        if presumed - STATISTICAL_CATEGORIES:
            raise ValueError(f"{prefix}presumed_categories: unknown categories "
                             f"{sorted(presumed - STATISTICAL_CATEGORIES)}")
        try:
            result = cls(
                threshold=int(get(prefix + "threshold") or 2),
                dominance=tuple(float(v) for v in dominance.split(",")) if dominance else None,
                p_percent=float(get(prefix + "p_percent")) if get(prefix + "p_percent") else None,
                protection=float(get(prefix + "protection")) if get(prefix + "protection")
                else None,
                allow_override=asbool(get(prefix + "allow_override", False)),
                presumed_categories=presumed)
            result.rules()
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{prefix}*: {exc}") from None
        if result.threshold < 1 or (result.protection is not None and
                                    not 0 < result.protection <= 100):
            raise ValueError(f"{prefix}threshold must be ≥ 1 and protection in (0, 100]")
        return result

    def rules(self):
        rules = [MinimumFrequency(threshold=self.threshold)]
        if self.dominance:
            n, k = self.dominance
            rules.append(Dominance(n=int(n), k=k))
        if self.p_percent:
            rules.append(PPercent(p=self.p_percent))
        return rules


@dataclass
class TableCheck:
    file: str                 # the published table's file name
    basis_file: str
    table: object             # the basis: statportal.disclosure.Table
    shown: object             # statportal.confidentiality.published.Shown
    settings: DisclosureSettings = field(default_factory=DisclosureSettings)
    language: str | None = None   # labels and numbers in the findings' texts
    together: object = None       # what every table of this basis shows, merged
    files: str = ""               # the names of those tables
    audit: object = None          # suppressed keys -> exposed cells (cached by the caller)
    translate: object = None      # a translation string -> text in ``language``

    def __post_init__(self):
        if self.translate is None:
            self.translate = interpolate

    def number(self, value):
        from babel.numbers import format_decimal

        try:
            return format_decimal(value, locale=self.language or "en")
        except (ArithmeticError, ValueError, TypeError):  # beyond babel's decimals
            return f"{value:g}"

    @cached_property
    def primary(self):
        return primary_cells(self.table, self.settings.rules())

    def cell(self, key):
        """``[{"dimension", "code", "label"}]``: a cell as the findings name it."""
        parts = []
        for dim, code in zip(self.table.dims, key, strict=True):
            hierarchy = self.table.hierarchies[dim]
            part = {"dimension": dim, "code": code, "label": hierarchy.label(code)}
            if hierarchy.names.get(code):
                part["labels"] = dict(hierarchy.names[code])
            parts.append(part)
        return parts

    def cell_text(self, key):
        return " × ".join(
            f"{self.table.hierarchies[dim].label(code, self.language)} ({code})"
            for dim, code in zip(self.table.dims, key, strict=True))

    def location(self, key=None, **extra):
        extra = {k: (v if not isinstance(v, float) or math.isfinite(v) else None)
                 for k, v in extra.items()}
        location = {"file": self.file, "basis": self.basis_file, **extra}
        if key is not None:
            location["cell"] = self.cell(key)
        return location


def _rules_text(check, names):
    """The rules' titles in the check's language; their names are in the location."""
    return ", ".join(check.translate(RULE_TITLES.get(n, n)) for n in names)


def primary_validator(settings):
    def check_primary(check):
        findings = []
        for key, rules in check.primary.items():
            shown = check.shown.cells.get(key)
            if shown is not None and shown != "X":
                findings.append(Finding(
                    _("${file}: ${cell} is confidential (${rule}) but shows ${value}.",
                      mapping={"file": check.file, "cell": check.cell_text(key),
                               "rule": _rules_text(check, rules), "value": check.number(shown)}),
                    field="files", code="confidential_shown",
                    location=check.location(key, rule=list(rules))))
        return findings
    return check_primary


def _agrees(shown, value):
    """A shown number agrees with the basis when it is the value rounded to the number
    of decimals it shows."""
    text = f"{shown:.6f}".rstrip("0").rstrip(".")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(shown - value) <= 0.5 * 10 ** -decimals + 1e-9 * max(1.0, abs(value))


def consistency_validator(settings):
    def check_consistency(check):
        findings = []
        for where, label in check.shown.unknown:
            findings.append(Finding(
                _("${file}, ${where}: \"${label}\" is not in the basis ${basis}, so the "
                  "table cannot be checked.", mapping={"file": check.file, "where": where,
                                                       "label": label,
                                                       "basis": check.basis_file}),
                field="files", code="not_in_basis", location=check.location(where=where)))
        for where, problem in check.shown.problems:
            findings.append(Finding(
                _("${file}, ${where}: ${problem}; the table cannot be checked.",
                  mapping={"file": check.file, "where": where or "—",
                           "problem": check.translate(problem)}),
                field="files", code="unreadable_cell", location=check.location(where=where)))
        for key, shown in check.shown.cells.items():
            value = check.table.cells[key].value
            if shown != "X" and not _agrees(shown, value):
                findings.append(Finding(
                    _("${file}: ${cell} shows ${shown} but the basis gives ${value}.",
                      mapping={"file": check.file, "cell": check.cell_text(key),
                               "shown": check.number(shown),
                               "value": check.number(value)}),
                    field="files", code="differs_from_basis",
                    location=check.location(key, shown=shown, basis_value=value)))
        return findings
    return check_consistency


def audit_validator(settings):
    """The pattern of every table of one basis together (two tables that each hide
    enough may not together), as ``protect`` would make it: the protection levels of the
    settings and the rules, and sole respondents who know their own value."""
    def check_audit(check):
        together = check.together or check.shown
        if getattr(together, "audited", False):
            return []  # reported with the first table of the basis
        together.audited = True
        suppressed = frozenset(k for k in check.table.cells
                               if together.cells.get(k, "X") == "X")
        findings = []
        for item in check.audit(suppressed):
            key = item["key"]
            if isinstance(key[0], tuple):  # two primaries whose sum is confidential too
                findings.append(Finding(
                    _("${file}: ${a} and ${b} are hidden but their sum, of too few "
                      "respondents, can be worked out; hide more cells (art. 23).",
                      mapping={"file": check.files, "a": check.cell_text(key[0]),
                               "b": check.cell_text(key[1])}),
                    field="files", code="exposed", location={
                        "file": check.files, "basis": check.basis_file,
                        "cells": [check.cell(k) for k in key],
                        **({"by": item["by"]} if item["by"] else {})}))
                continue
            location = check.location(key, rule=list(check.primary.get(key, ())),
                                      low=item["low"], high=item["high"])
            location["file"] = check.files
            if item["by"] is None:
                message = _("${file}: ${cell} is hidden but can be worked out from the "
                            "published cells (it lies between ${low} and ${high}); hide more "
                            "cells (art. 23).",
                            mapping={"file": check.files, "cell": check.cell_text(key),
                                     "low": check.number(item["low"]),
                                     "high": check.number(item["high"])})
            else:
                location["by"] = item["by"]
                message = _("${file}: ${cell} is hidden but the sole respondent of another "
                            "hidden cell can work it out from the published cells and its own "
                            "value; hide more cells (art. 23).",
                            mapping={"file": check.files, "cell": check.cell_text(key)})
            findings.append(Finding(message, field="files", code="exposed", location=location))
        return findings
    return check_audit


class DisclosureValidators:
    def __init__(self):
        self.factories = {}
        self._built = {}

    def add(self, name, factory):
        self.factories[name] = factory
        self._built.pop(name, None)

    def validators(self, settings):
        for name, factory in self.factories.items():
            if name not in self._built:
                self._built[name] = factory(settings)
            yield name, self._built[name]


def get_disclosure_validators(registry):
    """The registry's ``IDisclosureValidators``."""
    from statportal.directives import utility
    from statportal.interfaces import IDisclosureValidators

    return utility(registry, IDisclosureValidators, DisclosureValidators)


def add_disclosure_validator(config, *args, **kw):
    """``config.add_disclosure_validator(name, factory)``: register a disclosure validator
    factory (a callable or its dotted name); two of one name conflict.

    The old order, ``(factory, name=...)`` or ``(factory)`` (the factory's ``__name__``),
    still works, with a DeprecationWarning."""
    from pyramid.exceptions import ConfigurationError

    from statportal.directives import check_name, deprecated, resolve

    directive = "add_disclosure_validator"
    name, factory = kw.pop("name", None), kw.pop("factory", None)
    if kw:
        raise ConfigurationError(f"{directive}: unknown keyword {sorted(kw)[0]!r}")
    args, old = list(args), False
    if args and isinstance(args[0], str) and name is None and \
            (len(args) == 2 or factory is not None):
        name = args.pop(0)                      # (name, factory): the order of every directive
    elif args:
        old = True                              # (factory, name=...), (factory, name), (factory)
    if args and factory is None:
        factory = args.pop(0)
    if args and name is None:
        name = args.pop(0)
    if args or factory is None:
        raise ConfigurationError(f"{directive}: (name, factory) expected")
    if old:
        factory = resolve(config, directive, name, factory, "factory")
        name = name or getattr(factory, "__name__", None)
        deprecated(f"{directive}(factory, name=...) is deprecated: write "
                   f"{directive}({name!r}, factory)")
    check_name(directive, name)
    factory = resolve(config, directive, name, factory, "factory")

    def register():
        get_disclosure_validators(config.registry).add(name, factory)

    intr = config.introspectable("statportal disclosure validators", name, name,
                                 "statportal disclosure validator")
    intr["factory"] = factory
    config.action(("statportal-disclosure-validator", name), register,
                  introspectables=(intr,))
