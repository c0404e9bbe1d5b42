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
from collections import OrderedDict

from statportal.confidentiality.basis import basis_name, is_basis, read_basis
from statportal.confidentiality.checks import (
    DisclosureSettings,
    TableCheck,
    get_disclosure_validators,
)
from statportal.confidentiality.published import TABLE_EXTENSIONS, read_shown, rows_of
from statportal.disclosure.errors import InputError
from statportal.i18n import _
from statportal.workflow import Finding

_CACHE = OrderedDict()
_CACHE_SIZE = 64


def settings_of(registry):
    settings = getattr(registry, "statportal_disclosure_settings", None)
    if settings is None:
        settings = registry.statportal_disclosure_settings = \
            DisclosureSettings.from_settings(registry.settings or {})
    return settings


def classifications_of(registry):
    return getattr(registry, "statportal_classifications", None) or {}


def add_classification(config, name, source):
    """A classification the portal knows (``code,parent,label[,label_kk,…]`` CSV, a path
    or an asset spec): a basis CSV may name it as a dimension."""
    from pyramid.path import AssetResolver

    from statportal.disclosure.hierarchy import Hierarchy

    def register():
        path = AssetResolver().resolve(source).abspath() if ":" in source else source
        registry = config.registry
        known = dict(classifications_of(registry))
        known[name] = Hierarchy.from_csv(name, path)
        registry.statportal_classifications = known

    config.action(("statportal-classification", name), register)


def tables_of(candidate):
    return [f for f in getattr(candidate, "files", ()) or () if f.extension in TABLE_EXTENSIONS]


def pairs(candidate):
    """``[(published file, basis file or None)]`` for every table of the candidate."""
    bases = list(getattr(candidate, "bases", None) or ())
    result = []
    for stored in tables_of(candidate):
        if is_basis(stored.filename):
            continue
        stem = stored.filename.rsplit(".", 1)[0].lower()
        match = None
        for basis in bases:
            name = basis_name(basis.filename).lower()
            if stem == name or (stem.startswith(name) and stem[len(name)] in "-_. "):
                match = basis
                break
        if match is None and len(bases) == 1:
            match = bases[0]
        result.append((stored, match))
    return result


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


def check_pair(registry, stored, basis, language=None):
    """The findings of every disclosure validator for one table and its basis."""
    settings = settings_of(registry)
    table_data, basis_data = stored.read(), basis.read()
    key = (hashlib.sha256(table_data).hexdigest(), stored.filename,
           hashlib.sha256(basis_data).hexdigest(), basis.filename, settings,
           tuple(get_disclosure_validators(registry).factories), language)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    try:
        table = read_basis(basis.filename, basis_data, classifications_of(registry))
    except InputError as exc:
        findings = [Finding(_("The basis ${basis} cannot be read: ${error}",
                              mapping={"basis": basis.filename, "error": str(exc)}),
                            field="bases", code="basis_unreadable",
                            location={"file": stored.filename, "basis": basis.filename})]
    else:
        try:
            shown = read_shown(stored.filename, table_data, table)
        except Exception as exc:  # noqa: BLE001 - a file the format check let through
            findings = [Finding(_("${file} cannot be read as a table: ${error}",
                                  mapping={"file": stored.filename, "error": str(exc)}),
                                field="files", code="table_unreadable",
                                location={"file": stored.filename})]
        else:
            check = TableCheck(stored.filename, basis.filename, table, shown, settings,
                               language, _translator(registry, language))
            findings = []
            if not shown.cells:
                findings.append(Finding(
                    _("${file}: no cell of the basis ${basis} was found in it (row and "
                      "column labels must be codes or labels of its classifications).",
                      mapping={"file": stored.filename, "basis": basis.filename}),
                    field="files", code="not_in_basis", location=check.location()))
            for _name, validator in get_disclosure_validators(registry).validators(
                    registry.settings or {}):
                findings.extend(validator(check) or ())
    _CACHE[key] = findings
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return findings


def _translator(registry, language):
    from pyramid.i18n import make_localizer
    from pyramid.interfaces import ITranslationDirectories

    if not language:
        return str
    localizer = make_localizer(language, registry.queryUtility(ITranslationDirectories,
                                                               default=[]))
    return localizer.translate


def disclosure_findings(candidate, registry, language=None):
    """Every finding, before any override; labels and numbers in ``language``."""
    findings = []
    for stored in getattr(candidate, "files", ()) or ():
        if is_basis(stored.filename) or _looks_like_basis(stored):
            findings.append(Finding(
                _("${file} looks like a basis (primary data with respondents): it must not "
                  "be a public file; upload it as a basis.", mapping={"file": stored.filename}),
                field="files", code="basis_in_public_files",
                location={"file": stored.filename}))
    bases = getattr(candidate, "bases", None) or ()
    if getattr(candidate, "primary_data", False) and not bases:
        findings.append(Finding(
            _("The tables are derived from primary data but no basis was uploaded: the "
              "confidential cells cannot be checked."), field="bases", code="missing_basis"))
    for stored, basis in pairs(candidate):
        if basis is None:
            if getattr(candidate, "primary_data", False) and bases:
                findings.append(Finding(
                    _("${file}: no basis (name it like ${expected}).",
                      mapping={"file": stored.filename,
                               "expected": stored.filename.rsplit(".", 1)[0] +
                               ".basis.xlsx"}),
                    field="bases", code="missing_basis", location={"file": stored.filename}))
            continue
        findings.extend(check_pair(registry, stored, basis, language))
    return findings


def _looks_like_basis(stored):
    if stored.extension not in TABLE_EXTENSIONS:
        return False
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
        return []
    return findings
