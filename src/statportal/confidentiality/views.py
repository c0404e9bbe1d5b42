"""The disclosure page of a material or a placement request (``@@disclosure``, JSON
``@disclosure``): its tables and their bases, the findings with the cells' codes, labels
and rules, the override (a Manager, a reason, when the setting allows it), a protected
table generated from a basis, and the bases' downloads for staff (``@@basis/<i>/<name>``).

On a material these need the report permission (Coordinators, Moderators); on a placement
request, the right to see the request (requests are staff-only; their files hold the same
figures).
"""

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from statportal.confidentiality import material as rules
from statportal.confidentiality.checks import RULE_TITLES
from statportal.confidentiality.generate import GENERATE_FIELDS, generate, in_page_words
from statportal.content.base import utcnow
from statportal.content.editing import EditError
from statportal.i18n import _
from statportal.materials import REPORTS
from statportal.materials.resources import Material
from statportal.placement.resources import PlacementRequest
from statportal.security.permissions import EDIT, VIEW

HTML = "text/html"
CONTEXTS = (Material, PlacementRequest)


def finding_json(request, finding):
    return {"field": finding.field, "type": finding.code,
            "message": request.localizer.translate(finding.message),
            "location": finding.location}


def subject_of(context):
    """What publishing will check: a material, or what a request will make once placed
    (for a Replace, the new files over the material's)."""
    if isinstance(context, PlacementRequest):
        from statportal.placement.placing import placed_candidate

        try:
            return placed_candidate(context)
        except Exception:  # noqa: BLE001 - the material to replace is gone: check the request
            return context
    return context


def describe(request, context):
    settings = rules.settings_of(request.registry)
    subject = subject_of(context)
    findings = rules.disclosure_findings(subject, request.registry, request.locale_name)
    override = rules.override_of(subject, settings)
    return {
        # primary_data (true/false/null), primary_data_reason, presumed, derived
        **rules.declaration_of(subject, request.registry),
        "tables": [{"file": stored.filename, "basis": basis.filename if basis else None}
                   for stored, basis in rules.pairs(subject)],
        "bases": [{"@id": request.resource_url(context, "@@basis", str(i), b.filename),
                   **b.describe(), **basis_links(subject, b)}
                  for i, b in enumerate(getattr(context, "bases", ()) or ())],
        "findings": [finding_json(request, f) for f in findings],
        "blocks_publishing": bool(findings) and override is None,
        "allow_override": settings.allow_override,
        "override": {**override, "time": override["time"].isoformat()} if override else None,
        "rules": {"threshold": settings.threshold, "dominance": settings.dominance,
                  "p_percent": settings.p_percent, "protection": settings.protection},
    }


def basis_links(subject, basis):
    """A basis's ``tables`` (as given; none: by its name), the files it ``covers`` now,
    those it lists that are ``missing``, and the ``methods`` its tables were made with."""
    from statportal.confidentiality.basis import listed_tables, methods_of

    listed = list(listed_tables(basis))
    present = {f.filename for f in getattr(subject, "files", ()) or ()}
    return {"tables": listed,
            "covers": [t.filename for t, b in rules.pairs(subject) if b is basis],
            "missing": [name for name in listed if name not in present],
            "methods": [dict(m) for m in methods_of(basis)]}


#: Overriding the disclosure check: asked of the portal, so only a grant there counts (no
#: local grant below makes an override); the administrators hold it by the portal's "*".
OVERRIDE = "statportal.disclosure.override"


def is_manager(request):
    """Whether the user may override the check: the permission on the portal itself."""
    from statportal.content.resources import get_portal

    return bool(request.has_permission(OVERRIDE, get_portal(request)))


def record_override(request, context, reason):
    """Keep a Manager's override, for exactly the current files, in the history."""
    from statportal.workflow import note, workflow_of

    reason = " ".join((reason or "").split())
    settings = rules.settings_of(request.registry)
    if not settings.allow_override:
        return 409, _("Overrides are not allowed on this portal "
                      "(statportal.disclosure.allow_override).")
    if not is_manager(request):
        return 403, _("Only a Manager may publish despite the disclosure findings.")
    if len(reason) < 10 or len(reason) > 2000:
        return 400, _("Give the reason for the override (10 to 2000 characters).")
    subject = subject_of(context)
    if not rules.disclosure_findings(subject, request.registry):
        return 409, _("There is nothing to override: the tables pass every check.")
    context.disclosure_override = {"actor": request.authenticated_userid, "time": utcnow(),
                                   "reason": reason, "fingerprint": rules.fingerprint(subject)}
    workflow = workflow_of(request.registry, context)
    if workflow is not None:
        note(context, "disclosure_override", reason, request=request)
    return 200, None


@view_config(context=Material, name="@disclosure", permission=REPORTS, renderer="json",
             request_method="GET")
@view_config(context=PlacementRequest, name="@disclosure", permission=VIEW,
             renderer="json", request_method="GET")
def disclosure_json(context, request):
    return describe(request, context)


@view_config(context=Material, name="@disclosure", permission=REPORTS, renderer="json",
             request_method="POST")
@view_config(context=PlacementRequest, name="@disclosure", permission=VIEW,
             renderer="json", request_method="POST")
def override_json(context, request):
    from statportal.api.errors import json_error

    try:
        payload = request.json_body
    except ValueError:
        payload = None
    if not isinstance(payload, dict) or set(payload) != {"reason"} or \
            not isinstance(payload["reason"], str):
        request.tm.doom()
        return json_error(request, 400, _("The body is an object with a text \"reason\"."),
                          [{"field": "reason", "message": _("A reason is required."),
                            "type": "invalid"}])
    status, message = record_override(request, context, payload["reason"])
    if status != 200:
        request.tm.doom()
        return json_error(request, status, message, [{"field": "reason", "message": message}])
    return describe(request, context)


@view_config(context=Material, name="disclosure", accept=HTML, permission=REPORTS,
             renderer="statportal.confidentiality:templates/disclosure.pt")
@view_config(context=PlacementRequest, name="disclosure", accept=HTML, permission=VIEW,
             renderer="statportal.confidentiality:templates/disclosure.pt")
def disclosure_page(context, request):
    error = None
    for button, action, done in PAGE_ACTIONS:
        if request.method == "POST" and button in request.POST:
            try:
                status, error = action(request, context)
            except EditError as exc:  # a published material would become unsafe
                status, error = exc.status, in_page_words(request, exc.message)
            if status == 200:
                request.session.flash(request.localizer.translate(done), "success")
                return HTTPFound(request.resource_url(context, "@@disclosure"))
            request.tm.doom()
            request.response.status = status
            break
    data = describe(request, context)
    bases = list(getattr(context, "bases", ()) or ())
    return {**data, "error": error, "reason": request.POST.get("reason", "") if error else "",
            "may_override": data["allow_override"] and is_manager(request),
            "may_generate": bool(bases) and request.has_permission(EDIT, context),
            "dimensions": _dimensions(request, bases),
            "form": form_params(request) if error and "generate" in request.POST else {},
            "method_choices": list(METHOD_TITLES.items()),
            "method_title": lambda method: method_text(request, method),
            "rule_title": lambda name: request.localizer.translate(
                RULE_TITLES.get(name, name))}


PAGE_ACTIONS = (
    ("override", lambda request, context: record_override(request, context,
                                                          request.POST.get("reason")),
     _("The override is recorded in the history.")),
    ("generate", lambda request, context: generate_from_form(request, context),
     _("The protected tables took the place of the tables the basis covers.")),
)


def generate_from_form(request, context):
    """The page's Generate: refusals are EditErrors, shown on the page with their status."""
    generate(request, context, form_params(request))
    return 200, None


def _dimensions(request, bases):
    from statportal.disclosure.errors import InputError

    if not bases:
        return []
    try:
        return rules.basis_table(request.registry, bases[0]).dims
    except InputError:
        return []


METHOD_TITLES = {
    "suppress": _("Suppression: confidential cells and their complements shown as X"),
    "collapse": _("Collapse a level (global recoding): publish a dimension only down to a "
                  "level"),
    "transfer": _("Transfer a cell: publish an element's data under another element"),
    "combine": _("Combine elements: publish sibling elements as one"),
}


def method_text(request, method):
    """One line on a method the tables were made with, in the reader's language."""
    translate = request.localizer.translate
    kind = method.get("method")
    if kind == "collapse":
        return translate(_("${dim} collapsed to level ${depth}",
                           mapping={"dim": method["dim"], "depth": method["depth"]}))
    if kind == "transfer":
        where = ", ".join(f"{k}={v}" for k, v in (method.get("where") or {}).items())
        return translate(_("${dim} ${code} transferred to ${to}", mapping={
            "dim": method["dim"], "code": method["code"], "to": method["to"]})) + \
            (f" ({where})" if where else "")
    if kind == "combine":
        return translate(_("${dim} ${codes} combined into ${code}", mapping={
            "dim": method["dim"], "codes": "+".join(method["codes"]),
            "code": method["new_code"]}))
    return translate(METHOD_TITLES.get(kind, kind))


# -- Generate (statportal.confidentiality.generate) ----------------------------------------
def form_params(request):
    """The Generate form's fields, as the JSON body names them; empty ones left out."""
    return {name: request.POST.get(name) for name in GENERATE_FIELDS
            if (request.POST.get(name) or "").strip()}


@view_config(context=Material, name="@generate", permission=EDIT, renderer="json",
             request_method="POST")
@view_config(context=PlacementRequest, name="@generate", permission=EDIT,
             renderer="json", request_method="POST")
def generate_json(context, request):
    """``POST …/@generate {"rows", "cols", "method", …}``: the check after it, with
    ``generated`` (the files written)."""
    from statportal.api.errors import json_error

    try:
        payload = request.json_body
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        request.tm.doom()
        return json_error(request, 400, _("The body must be a JSON object."))
    unknown = sorted(k for k in payload if k not in GENERATE_FIELDS)
    if unknown:
        request.tm.doom()
        return json_error(request, 400, _("The request has errors."), [
            {"field": key, "message": _("Unknown field."), "type": "unknown_field"}
            for key in unknown])
    try:
        names = generate(request, context, payload)
    except EditError as exc:
        request.tm.doom()
        return json_error(request, exc.status, exc.message, [
            {"field": f.field, "message": f.message, "type": f.code, "location": f.location}
            for f in exc.findings] or [
            {"field": exc.field, "message": exc.message, "type": exc.type}])
    return {**describe(request, context), "generated": names}


@view_config(context=Material, name="basis", permission=REPORTS)
@view_config(context=PlacementRequest, name="basis", permission=VIEW)
def basis_download(context, request):
    from statportal.files.download import file_response

    if len(request.subpath) != 2:
        raise HTTPNotFound()
    index, name = request.subpath
    bases = list(getattr(context, "bases", ()) or ())
    try:
        stored = bases[int(index)]
    except (ValueError, IndexError):
        raise HTTPNotFound() from None
    if stored.filename != name:
        raise HTTPNotFound()
    response = file_response(request, stored)
    response.headers["Cache-Control"] = "private, no-store"
    return response

