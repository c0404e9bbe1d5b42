"""The ``confidentiality`` material validator: no material is published with a table that
shows a confidential cell, or hides one without enough complementary cells (art. 22–23).

A material (or a placement request) keeps its bases apart from its public files, in
``bases``: ``wages.basis.xlsx`` is the basis of the published tables ``wages.xlsx``,
``wages-kk.xlsx``, ``wages_ru.xls``…; a single basis is the basis of every table. A
material whose ``primary_data`` says its tables come from primary data cannot be
published without a basis for each table. Findings are computed once per pair of
file contents and settings. An override (``statportal.disclosure.allow_override``) lets
a Manager publish despite the findings, with a reason, for exactly these files.
"""

import hashlib
import re

from statportal.confidentiality.basis import (
    assign_tables,
    is_basis,
    methods_of,
    read_basis_as_published,
)
from statportal.confidentiality.checks import (
    DisclosureSettings,
    TableCheck,
    get_disclosure_validators,
)
from statportal.confidentiality.published import TABLE_EXTENSIONS, read_shown, rows_of
from statportal.confidentiality.texts import IMAGES
from statportal.directives import utility
from statportal.disclosure.errors import InputError
from statportal.i18n import _
from statportal.interfaces import IClassifications, IDisclosureSettings
from statportal.workflow import Finding

#: findings a Manager's override never waives
NOT_OVERRIDABLE = frozenset({"basis_in_public_files"})


def settings_of(registry):
    """The registry's ``IDisclosureSettings`` (read from its settings the first time)."""
    return utility(registry, IDisclosureSettings,
                   lambda: DisclosureSettings.from_settings(registry.settings or {}))


def classifications_of(registry):
    """``{name: Hierarchy}``: the registry's ``IClassifications`` (``{}`` before any)."""
    return registry.queryUtility(IClassifications) or {} if registry is not None else {}


def add_classification(config, name, source):
    """A classification the portal knows (``code,parent,label[,label_kk,…]`` CSV, a path
    or an asset spec): a basis CSV may name it as a dimension. A source that cannot be
    read stops the start (``ConfigurationError``), naming it."""
    from pyramid.exceptions import ConfigurationError
    from pyramid.path import AssetResolver

    from statportal.directives import check_name
    from statportal.disclosure.hierarchy import Hierarchy

    check_name("add_classification", name)
    if not isinstance(source, str) or not source:
        raise ConfigurationError(f"add_classification {name!r}: the source is a path or an "
                                 f"asset spec, not {source!r}")

    def register():
        try:
            path = AssetResolver().resolve(source).abspath() if ":" in source else source
            hierarchy = Hierarchy.from_csv(name, path)
        except (OSError, ValueError, InputError, ImportError) as exc:
            raise ConfigurationError(f"add_classification {name!r}: {source} cannot be "
                                     f"read: {exc}") from exc
        registry = config.registry
        known = dict(classifications_of(registry))
        known[name] = hierarchy
        registry.registerUtility(known, IClassifications)

    intr = config.introspectable("statportal classifications", name, name,
                                 "statportal classification")
    intr["source"] = source
    config.action(("statportal-classification", name), register, introspectables=(intr,))


def tables_of(candidate):
    return [f for f in getattr(candidate, "files", ()) or () if f.extension in TABLE_EXTENSIONS]


def pairs(candidate):
    """``[(published file, basis file or None)]`` for every table of the candidate: the
    basis whose ``tables`` lists it, else the basis (without a list) whose name is the
    longest prefix of the table's, else the only basis (``basis.assign_tables``)."""
    bases = list(getattr(candidate, "bases", None) or ())
    tables = [t for t in tables_of(candidate) if not is_basis(t.filename)]
    return assign_tables(bases, tables)


def fingerprint(candidate):
    """What an override was given for: the names, sizes and times of the files."""
    parts = [(f.filename, f.size, str(getattr(f, "stored_at", "")))
             for f in [*getattr(candidate, "files", ()), *(getattr(candidate, "bases", None)
                                                            or ())]]
    return hashlib.sha256(repr(sorted(parts)).encode()).hexdigest()


def override_of(candidate, settings):
    override = getattr(candidate, "disclosure_override", None)
    if settings.allow_override and override and \
            override.get("fingerprint") == fingerprint(candidate):
        return override
    return None


def _sha(stored):
    digest = getattr(stored, "sha256", None)  # kept when the file was stored
    if digest is None:  # a file stored before: computed, never written (a GET checks too)
        digest = hashlib.sha256(stored.read()).hexdigest()
    return digest


def _cached(registry, key, compute):
    """The registry's cache of bases, read tables and audits (``cache.disclosure_cache``);
    without a registry (a caller of the library functions) computed each time."""
    if registry is None:
        return compute()
    from statportal.confidentiality.cache import disclosure_cache

    return disclosure_cache(registry).get(key, compute)


def basis_table(registry, basis):
    """The basis read (cached by its content); raises InputError."""
    def read():
        try:
            return read_basis_as_published(basis.filename, basis.read(),
                                           classifications_of(registry), methods_of(basis))
        except InputError as exc:
            return exc
    result = _cached(registry, ("basis", _sha(basis), basis.filename,
                      tuple(sorted(classifications_of(registry))), repr(methods_of(basis))),
                     read)
    if isinstance(result, InputError):
        raise result
    return result


def check_basis(registry, basis, tables, language=None):
    """The findings of every disclosure validator for the tables of one basis; the
    audit judges what they show together."""
    from statportal.confidentiality.published import Shown
    from statportal.disclosure.protect import audit_pattern

    settings = settings_of(registry)
    names = ", ".join(t.filename for t in tables)
    try:
        table = basis_table(registry, basis)
    except InputError as exc:
        return [Finding(_("The basis ${basis} cannot be read: ${error}",
                          mapping={"basis": basis.filename, "error": str(exc)}),
                        field="bases", code="basis_unreadable",
                        location={"file": names, "basis": basis.filename})]
    findings, checks, together = [], [], Shown()
    for stored in tables:
        def read(stored=stored):
            try:
                return read_shown(stored.filename, stored.read(), table)
            except Exception as exc:  # noqa: BLE001 - a file the format check let through
                return exc
        shown = _cached(registry, ("shown", _sha(stored), stored.filename, _sha(basis),
                         repr(methods_of(basis))), read)
        if isinstance(shown, Exception):
            findings.append(Finding(_("${file} cannot be read as a table: ${error}",
                                      mapping={"file": stored.filename, "error": str(shown)}),
                                    field="files", code="table_unreadable",
                                    location={"file": stored.filename}))
            continue
        together.merge(shown)
        checks.append((stored, shown))

    def audit(suppressed):
        return _cached(registry, ("audit", _sha(basis), repr(methods_of(basis)), suppressed,
                                  settings),
                       lambda: audit_pattern(table, suppressed, settings.rules(),
                                             settings.protection))

    translate = _translator(registry, language)
    for stored, shown in checks:
        check = TableCheck(stored.filename, basis.filename, table, shown, settings,
                           language=language, translate=translate, together=together,
                           files=names, audit=audit)
        if not shown.cells:
            findings.append(Finding(
                _("${file}: no cell of the basis ${basis} was found in it (row and "
                  "column labels must be codes or labels of its classifications).",
                  mapping={"file": stored.filename, "basis": basis.filename}),
                field="files", code="not_in_basis", location=check.location()))
        for _name, validator in get_disclosure_validators(registry).validators(
                registry.settings or {}):
            findings.extend(validator(check) or ())
    return findings


def _translator(registry, language):
    from pyramid.i18n import make_localizer
    from pyramid.interfaces import ITranslationDirectories

    if not language:
        from statportal.i18n import interpolate

        return interpolate
    localizer = make_localizer(language, registry.queryUtility(ITranslationDirectories,
                                                               default=[]))
    return localizer.translate


# -- failing closed: which materials are derived from primary data -----------------------
#: tables beyond those read cell by cell (TABLE_EXTENSIONS): checked as documents
OTHER_TABLE_EXTENSIONS = ("ods",)
HTML_EXTENSIONS = ("html", "htm")
_HTML_TABLE = re.compile(rb"<table[\s>/]", re.IGNORECASE)


#: plain text, which the upload check takes as the same format as .csv
TEXT_EXTENSIONS = ("txt",)
_DELIMITERS = (";", "\t", ",", "|")
#: a number in a cell of its own (one run of digits and spaces: no backtracking to speak of)
_NUMBER = re.compile(r"[-+−]?\d[\d \u00a0\u202f]*(?:[.,]\d+)?%?")


def is_table(stored, registry=None):
    """An .xlsx, .xls, .ods or .csv file, a web page with a ``<table>``, or a text file
    that holds a table (.csv content is accepted under the name .txt)."""
    extension = (getattr(stored, "extension", "") or "").lower()
    if extension in TABLE_EXTENSIONS or extension in OTHER_TABLE_EXTENSIONS:
        return True
    if extension in HTML_EXTENSIONS:
        if (getattr(stored, "preview", None) or {}).get("kind") == "table":
            return True
        test = _has_html_table
    elif extension in TEXT_EXTENSIONS:
        test = _text_is_table
    else:
        return False
    digest = getattr(stored, "sha256", None)  # never computed here: a GET writes nothing
    if digest is None:
        return test(stored.read())
    return _cached(registry, (test.__name__, digest), lambda: test(stored.read()))


def _has_html_table(data):
    return bool(_HTML_TABLE.search(data))


def _text_is_table(data):
    """A web-page table, or delimited rows: at least two lines split alike by one
    delimiter, one of them with a number in a cell of its own (prose has no such cell)."""
    if _has_html_table(data):
        return True
    text = data[:65536].decode("utf-8", "ignore")  # delimiters and digits are ASCII
    lines = [line for line in text.splitlines() if line.strip()][:500]
    for delimiter in _DELIMITERS:
        counts = {}
        for line in lines:
            if line.count(delimiter):
                counts.setdefault(line.count(delimiter), []).append(line)
        rows = max(counts.values(), key=len, default=[])
        if len(rows) >= 2 and any(_NUMBER.fullmatch(cell.strip().strip('"'))
                                  for row in rows for cell in row.split(delimiter)):
            return True
    return False


def declared(candidate):
    """``True``, ``False`` or ``None`` (not declared). ``False`` counts only with a reason:
    an unticked box of an older form declares nothing."""
    value = getattr(candidate, "primary_data", None)
    if value is False and not (getattr(candidate, "primary_data_reason", "") or "").strip():
        return None
    return value if value is True or value is False else None


def presumed(candidate, settings, registry=None):
    """A material of a statistical category (``presumed_categories``) with a table."""
    return getattr(candidate, "category", None) in settings.presumed_categories and \
        any(is_table(f, registry) and not is_basis(f.filename)
            for f in getattr(candidate, "files", ()) or ())


def derived_from_primary(candidate, settings, registry=None):
    """Whether every table needs its basis: given a basis, declared so, or — when nothing
    is declared — presumed by its category (fail closed)."""
    if getattr(candidate, "bases", None):
        return True
    value = declared(candidate)
    return presumed(candidate, settings, registry) if value is None else value


def declaration_of(candidate, registry):
    """What pages and reports show: the declaration, its reason, and what follows."""
    settings = settings_of(registry)
    value = declared(candidate)
    return {"primary_data": value,
            "primary_data_reason": (getattr(candidate, "primary_data_reason", "") or "")
            if value is False else "",
            "presumed": value is None and presumed(candidate, settings, registry),
            "derived": derived_from_primary(candidate, settings, registry)}


#: a table's language at the end of its name (wages-kk.xlsx, wages_ru.xls, wages.en.csv)
LANGUAGE_SUFFIX = re.compile(r"[-_. ](kk|kz|kaz|ru|rus|en|eng)$", re.IGNORECASE)


def _missing_basis(stored, presumption, taken=()):
    # one basis covers the tables named after it in every language: wages.basis.xlsx is
    # the basis of wages-kk.xlsx and wages-ru.xlsx (not one basis per language) — unless a
    # basis of that name is there already (listing other tables): then the table's own
    stem = stored.filename.rsplit(".", 1)[0]
    expected = (LANGUAGE_SUFFIX.sub("", stem) or stem) + ".basis.xlsx"
    if expected in taken:
        expected = stem + ".basis.xlsx"
    if presumption:
        message = _("${file} has no basis: the tables of a statistical material are "
                    "presumed derived from primary data. Upload its basis (name it like "
                    "${expected}), or declare that the tables are not derived from primary "
                    "data, with the reason.",
                    mapping={"file": stored.filename, "expected": expected})
    else:
        message = _("${file}: no basis (name it like ${expected}).",
                    mapping={"file": stored.filename, "expected": expected})
    return Finding(message, field="bases", code="missing_basis",
                   location={"file": stored.filename})


def disclosure_findings(candidate, registry, language=None):
    """Every finding, before any override; labels and numbers in ``language``.

    A material with primary data — declared, presumed (a statistical category with a
    table and no declaration otherwise) or given a basis — has every table checked
    against its basis, and each table without one is a finding naming the file; a file
    of a format that cannot be read as a table cannot be checked, so it is a finding
    too."""
    findings = []
    files = list(getattr(candidate, "files", ()) or ())
    bases = list(getattr(candidate, "bases", None) or ())
    primary = derived_from_primary(candidate, settings_of(registry), registry)
    presumption = primary and not bases and declared(candidate) is None
    for stored in files:
        if is_basis(stored.filename) or _looks_like_basis(stored, registry):
            findings.append(Finding(
                _("${file} looks like a basis (primary data with respondents): it must not "
                  "be a public file; upload it as a basis.", mapping={"file": stored.filename}),
                field="files", code="basis_in_public_files",
                location={"file": stored.filename}))
        elif primary and stored.extension not in TABLE_EXTENSIONS + IMAGES:
            findings.extend(_document_findings(registry, stored, bases, language))
    groups, lacking = {}, []
    for stored, basis in pairs(candidate):
        if basis is None:
            lacking.append(stored)
            continue
        groups.setdefault(id(basis), (basis, []))[1].append(stored)
    if primary:
        if not bases:  # .ods and web-page tables: checked as documents against the bases
            lacking.extend(f for f in files if f.extension not in TABLE_EXTENSIONS and
                           not is_basis(f.filename) and is_table(f, registry))
        taken = {basis.filename for basis in bases}
        findings.extend(_missing_basis(stored, presumption, taken) for stored in lacking)
        if not lacking and not bases:
            findings.append(Finding(
                _("The tables are derived from primary data but no basis was uploaded: the "
                  "confidential cells cannot be checked."), field="bases",
                code="missing_basis"))
    for basis, tables in groups.values():
        findings.extend(check_basis(registry, basis, tables, language))
    return findings


def _document_findings(registry, stored, bases, language):
    """A document beside tables of primary data: no value a table hides may appear in
    its text (unless a table publishes that same number elsewhere)."""
    from statportal.confidentiality.texts import numbers_in, text_of

    try:
        text = text_of(stored.extension, stored.read())
    except Exception:  # noqa: BLE001 - a damaged document is the format validator's
        text = None
    if text is None:
        return [Finding(
            _("${file} cannot be checked for confidential cells: with primary data, publish "
              "tables as .xlsx, .xls or .csv beside their basis, and notes as .pdf, .docx or "
              ".html.", mapping={"file": stored.filename}),
            field="files", code="unchecked_file", location={"file": stored.filename})]
    numbers = numbers_in(text)
    findings = []
    for basis in bases:
        try:
            table = basis_table(registry, basis)
        except InputError:
            continue  # reported with the tables
        hidden = _hidden_values(table, registry)
        for number, decimals in numbers:
            tolerance = 0.5 * 10 ** -decimals
            for key, value in hidden:
                if abs(number - value) <= tolerance and abs(value) >= 10 ** -decimals:
                    check = TableCheck(stored.filename, basis.filename, table, None,
                                       settings_of(registry), language=language,
                                       translate=_translator(registry, language))
                    findings.append(Finding(
                        _("${file} shows ${value}, the value of the confidential cell "
                          "${cell}.", mapping={"file": stored.filename,
                                               "value": check.number(number),
                                               "cell": check.cell_text(key)}),
                        field="files", code="confidential_shown",
                        location=check.location(key)))
                    break
    return findings


def _hidden_values(table, registry):
    """``[(key, value)]`` of the primary cells whose value no published-looking cell
    shares (a number in a note that equals a shareable value says nothing)."""
    from statportal.disclosure.rules import primary_cells

    unsafe = primary_cells(table, settings_of(registry).rules())
    public = {round(c.value, 6) for k, c in table.cells.items() if k not in unsafe}
    return [(key, table.cells[key].value) for key in unsafe
            if table.cells[key].value and round(table.cells[key].value, 6) not in public]


def _looks_like_basis(stored, registry=None):
    if stored.extension not in TABLE_EXTENSIONS:
        return False
    return _cached(registry, ("looks like a basis", _sha(stored), stored.extension),
                   lambda: _header_names_basis(stored))


def _header_names_basis(stored):
    try:
        header = next((row for row in rows_of(stored.filename, stored.read(), limit=20)
                       if any(v not in (None, "") for v in row)), [])
    except Exception:  # noqa: BLE001 - unreadable tables are the format validator's
        return False
    names = {str(v).strip().casefold() for v in header if v is not None}
    return "respondents" in names and "value" in names


def confidentiality_validator(candidate, request):
    from pyramid.threadlocal import get_current_registry

    registry = request.registry if request is not None else get_current_registry()
    findings = disclosure_findings(candidate, registry, getattr(request, "locale_name", None))
    if findings and override_of(candidate, settings_of(registry)):
        return [f for f in findings if f.code in NOT_OVERRIDABLE]
    return findings
