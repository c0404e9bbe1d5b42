"""The Moderator's offline copy of a section in the CMS: ``SECTION/@@bundle`` (the form and
the section's jobs with their progress), ``SECTION/@bundle-jobs`` (the same as JSON, what
the page's script polls) and ``SECTION/@@bundle-download?job=ID`` (the zip, as an
attachment). Who may: ``MAKE_BUNDLE`` on the section, granted to the publishers' group (the
Moderators, who place materials there). The rules are in :mod:`statportal.bundle.job`.
"""

from datetime import date

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.response import Response
from pyramid.traversal import resource_path
from pyramid.view import view_config
from webob.static import FileIter

from statportal.bundle.job import LANGUAGES, JobBusy, find_job, jobs_of, start_job
from statportal.content.resources import Section, get_portal
from statportal.files.download import content_disposition
from statportal.i18n import LANGUAGE_NAMES, _, format_size, timezone
from statportal.views.content import flash

MAKE_BUNDLE = "statportal.bundle.make"
TEMPLATE = "statportal.bundle:templates/bundle_jobs.pt"


def _page(context, request, errors=None, values=None):
    portal = get_portal(request)
    jobs = jobs_of(portal, resource_path(context))
    return {"jobs": jobs, "active": any(job.state in ("queued", "running") for job in jobs),
            "errors": errors or {},
            "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            "values": values or {"languages": LANGUAGES, "since": ""},
            "size": lambda job: format_size(request, job.size),
            "download_url": lambda job: request.resource_url(
                context, "@@bundle-download", query={"job": job.id})}


@view_config(context=Section, name="bundle", permission=MAKE_BUNDLE, request_method="GET",
             renderer=TEMPLATE)
def bundle_page(context, request):
    return _page(context, request)


def _read_form(request):
    """(languages, since, errors by field) from the posted form."""
    errors = {}
    languages = tuple(lang for lang in LANGUAGES if lang in request.POST.getall("languages"))
    unknown = set(request.POST.getall("languages")) - set(LANGUAGES)
    if unknown or not languages:
        errors["languages"] = _("Choose at least one of the portal's languages.")
    since, text = None, request.POST.get("since", "").strip()
    if text:
        try:
            since = date.fromisoformat(text)
        except ValueError:
            errors["since"] = _("Give a date as YYYY-MM-DD, or leave it empty.")
    return languages, since, errors


@view_config(context=Section, name="bundle", permission=MAKE_BUNDLE, request_method="POST",
             renderer=TEMPLATE)
def start_bundle(context, request):
    languages, since, errors = _read_form(request)
    if errors:
        request.response.status = 400
        return _page(context, request, errors,
                     {"languages": languages, "since": request.POST.get("since", "")})
    from statportal import clock

    try:
        start_job(get_portal(request), context, request.authenticated_userid, clock.now(),
                  languages, since, zone=timezone(request))
    except JobBusy:
        request.response.status = 409
        return _page(context, request, {"form": _(
            "A copy of this section is already being made: wait for it to finish.")})
    flash(request, _("The offline copy is being made; this page shows its progress."))
    return HTTPSeeOther(request.resource_url(context, "@@bundle"))


@view_config(context=Section, name="@bundle-jobs", permission=MAKE_BUNDLE,
             request_method="GET", renderer="json")
def bundle_jobs_json(context, request):
    items = []
    for job in jobs_of(get_portal(request), resource_path(context)):
        items.append({
            "id": job.id, "state": job.state, "done": job.done, "total": job.total,
            "requested_by": job.requested_by, "requested_at": job.requested_at.isoformat(),
            "languages": list(job.languages),
            "since": job.since.isoformat() if job.since else None,
            "size": job.size if job.state == "done" else None,
            "error": job.error,
            "download": request.resource_url(context, "@@bundle-download",
                                             query={"job": job.id})
            if job.state == "done" else None})
    return {"items": items}


@view_config(context=Section, name="bundle-download", permission=MAKE_BUNDLE,
             request_method="GET")
def bundle_download(context, request):
    job = find_job(get_portal(request), request.GET.get("job", ""))
    if (job is None or job.section_path != resource_path(context) or job.state != "done"
            or job.result is None):
        raise HTTPNotFound()
    stream = open(job.result.committed(), "rb")  # noqa: SIM115 (the server closes it)
    response = Response(app_iter=FileIter(stream), content_type="application/zip")
    response.content_length = job.size
    response.content_disposition = content_disposition(job.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control = "private, no-store"
    return response


def includeme(config):
    config.add_permission_grant("Section", MAKE_BUNDLE, ("group:publishers",))
    config.add_object_tab("bundle", "Section", "@@bundle", _("Offline copy"), MAKE_BUNDLE)
    config.add_worker_task("bundle_jobs", "statportal.bundle.job.run_jobs", order=50)
    config.scan("statportal.bundle.job_views")
