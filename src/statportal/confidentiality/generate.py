"""Generate (art. 22): the protected table made from a basis, in the place of the tables
the basis covers. The disclosure page's Generate and ``POST …/@generate`` call
``generate(request, context, params)``; every refusal is an ``EditError`` naming the field,
raised before anything changes."""

from statportal.confidentiality import material as rules
from statportal.content.editing import EditError
from statportal.i18n import _
from statportal.security.permissions import EDIT

#: what the JSON body of ``@generate`` may carry
GENERATE_FIELDS = ("basis", "rows", "cols", "method", "dim", "depth", "code", "to", "where",
                   "codes", "new_code", "label")
#: how the page's refusal names a field: by the label the page gives it, in the reader's
#: language (JSON's messages begin with the field's name, as its ``field`` says)
FIELD_TITLES = {
    "basis": _("Basis"), "rows": _("Rows"), "cols": _("Columns"),
    "method": _("How the confidential data are concealed"),
    "dim": _("Dimension (collapse, transfer, combine)"),
    "depth": _("Collapse: publish down to level (0 = the total)"),
    "code": _("Transfer: the code whose data move"),
    "to": _("Transfer: the code they are published under"),
    "where": _("Transfer: only where (optional, such as region=ABAI-1)"),
    "codes": _("Combine: the codes, separated by commas"),
    "new_code": _("Combine: the new code"),
    "label": _("Combine: its label (optional)"),
}


def in_page_words(request, message):
    """A refusal as the page says it: the field by its label (``Rows``, ``Жолдар``), not by
    the JSON body's name (``rows``)."""
    from translationstring import TranslationString

    mapping = dict(getattr(message, "mapping", None) or {})
    title = FIELD_TITLES.get(mapping.get("field"))
    if title is None:
        return message
    mapping["field"] = request.localizer.translate(title)
    return TranslationString(message, mapping=mapping)



def read_plain(request, basis):
    """The basis as uploaded (no method applied): what Generate starts from."""
    from statportal.confidentiality.basis import read_basis

    return read_basis(basis.filename, basis.read(), rules.classifications_of(request.registry))


def coverage(context, basis):
    """What Generate would write for ``basis``: ``[(file replaced or None, new name,
    language)]`` — each table the basis covers, in its place and language, or, when it
    covers none, one new ``<stem>-<language>.xlsx`` per declared language. Refuses
    (EditError, 409, field ``tables``) when a table it names is gone, or when the tables
    it covers by name are ambiguous."""
    from statportal.confidentiality.basis import (
        assign_tables,
        basis_name,
        is_basis,
        listed_tables,
    )

    files = list(getattr(context, "files", ()) or ())
    present = {f.filename for f in files}
    listed = listed_tables(basis)
    gone = [name for name in listed if name not in present]
    if gone:
        raise EditError(_("The basis ${basis} is the basis of ${file}, which is no longer "
                          "among the files: upload the basis again with the tables it "
                          "covers.", mapping={"basis": basis.filename, "file": gone[0]}),
                        field="tables", status=409, type="table_missing")
    tables = [t for t in rules.tables_of(context) if not is_basis(t.filename)]
    covered = [t for t, b in assign_tables(context.bases, tables) if b is basis]
    languages = [lang for lang in ("kk", "ru", "en") if lang in (context.languages or ())] \
        or ["kk"]
    if not covered:
        stem = basis_name(basis.filename) or basis.filename.rsplit(".", 1)[0]
        plan = [(None, f"{stem}-{lang}.xlsx", lang) for lang in languages]
    else:
        if not listed:
            by_language = {}
            for stored in covered:
                by_language.setdefault(stored.language, []).append(stored.filename)
            double = next((names for names in by_language.values() if len(names) > 1), None)
            if double:
                raise EditError(_("The basis ${basis} covers ${files} by their names, in the "
                                  "same language: which one does the generated table "
                                  "replace? Upload the basis with its tables listed.",
                                  mapping={"basis": basis.filename,
                                           "files": ", ".join(double)}),
                                field="tables", status=409, type="tables_ambiguous")
        plan = [(stored, stored.filename.rsplit(".", 1)[0] + ".xlsx",
                 stored.language if stored.language in ("kk", "ru", "en") else languages[0])
                for stored in covered]
    replaced = {id(old) for old, _name, _lang in plan if old is not None}
    kept = {f.filename for f in files if id(f) not in replaced}
    made = [name for _old, name, _lang in plan]
    clash = next((name for name in made if name in kept or made.count(name) > 1), None)
    if clash:
        raise EditError(_("The generated table ${file} would stand beside a file of the same "
                          "name: upload the basis with the tables it covers listed.",
                          mapping={"file": clash}),
                        field="tables", status=409, type="tables_ambiguous")
    return plan


def choose_basis(context, params):
    bases = list(getattr(context, "bases", ()) or ())
    if not bases:
        raise EditError(_("Upload a basis first."), field="bases", status=409,
                        type="missing_basis")
    wanted = params.get("basis")
    if wanted in (None, ""):
        if len(bases) > 1:
            raise EditError(_("Choose the basis to generate from: ${names}.",
                              mapping={"names": ", ".join(b.filename for b in bases)}),
                            field="basis", type="required")
        return bases[0]
    found = [b for b in bases if b.filename == wanted]
    if not isinstance(wanted, str) or not found:
        raise EditError(_("${name} is not a basis of this item; its bases: ${names}.",
                          mapping={"name": str(wanted)[:200],
                                   "names": ", ".join(b.filename for b in bases)}),
                        field="basis")
    return found[0]


def generate(request, context, params):
    """Protect a basis — by suppression alone, or after collapsing a level, transferring a
    cell or combining elements (art. 22) — and put the protected table, an .xlsx pivot in
    the table's language, in the place of each table the basis covers (same name with
    .xlsx, same language, same place among the files). Returns the names written; every
    refusal is an EditError naming the field, raised before anything changes."""
    from persistent.list import PersistentList

    from statportal.confidentiality.basis import MethodError, apply_method, method_of
    from statportal.content.events import ObjectModified
    from statportal.disclosure.errors import InputError
    from statportal.disclosure.output import xlsx_bytes
    from statportal.disclosure.protect import protect
    from statportal.files import StoredFile

    if not request.has_permission(EDIT, context):
        raise EditError(_("You may not change the files of this item."), status=403,
                        type="forbidden")
    basis = choose_basis(context, params)
    try:
        table = read_plain(request, basis)
    except InputError as exc:
        raise EditError(_("The basis is not valid: ${error}", mapping={"error": str(exc)}),
                        field="bases") from None
    for name in ("rows", "cols"):
        if params.get(name) not in table.dims:
            raise EditError(_("Choose a dimension of the basis for ${field}: ${dims}.",
                              mapping={"field": name, "dims": ", ".join(table.dims)}),
                            field=name, type="required" if not params.get(name) else "invalid")
    rows, cols = params["rows"], params["cols"]
    if rows == cols:
        raise EditError(_("Choose two different dimensions of the basis for rows and "
                          "columns."), field="cols")
    try:
        method = method_of(params, table.dims)
        published = apply_method(table, method)
    except MethodError as exc:
        raise EditError(_("${field}: ${error}", mapping={
            "field": exc.field, "error": request.localizer.translate(exc.message)}),
            field=exc.field) from None
    plan = coverage(context, basis)
    settings = rules.settings_of(request.registry)
    try:
        status = protect(published, settings.rules(), protection=settings.protection).status
    except ValueError as exc:  # the engine's InputError and its numerical refusals
        raise EditError(_("The protected table could not be made: ${error}",
                          mapping={"error": str(exc)}), field="bases", status=409,
                        type="protection_failed") from None
    version = getattr(context, "version", 1)
    contents = {}
    made = {}
    for old, name, language in plan:
        if language not in contents:
            contents[language] = xlsx_bytes(published, status, rows, cols, language)
        made[id(old) if old is not None else name] = StoredFile(
            name, contents[language], "xlsx", language=language, version=version)
    files = [made.pop(id(f), f) for f in context.files]
    files.extend(made.values())  # new tables, when the basis covered none
    context.files = PersistentList(files)
    basis.methods = (method,) if method["method"] != "suppress" else ()
    context.primary_data = True
    context.touch()
    request.registry.notify(ObjectModified(context, ("files", "primary_data")))
    return [name for _old, name, _lang in plan]
