"""A material's JSON: files with their download URLs, versions, languages, dates."""

from statportal.i18n import LANGUAGES
from statportal.security.staff import is_staff


def download_url(request, material, index, stored, version=None):
    elements = ["@@download"] + ([f"v{version}"] if version else []) + [str(index),
                                                                         stored.filename]
    return request.resource_url(material, *elements)


def file_json(request, material, index, stored, version=None):
    return {"@id": download_url(request, material, index, stored, version),
            **stored.describe(), "version": stored.version}


def may_see_versions(request):
    from pyramid.settings import asbool

    return is_staff(request) or asbool(
        request.registry.settings.get("statportal.public_versions", False))


def serialize_material(request, material, data):
    data["files"] = [file_json(request, material, i, f) for i, f in enumerate(material.files)]
    from statportal.materials.workflow import REPORTS

    if request.has_permission(REPORTS, material):  # bases hold primary data: staff only
        data["bases"] = [{"@id": request.resource_url(material, "@@basis", str(i), b.filename),
                          **b.describe(), "tables": list(getattr(b, "tables", ()) or ())}
                         for i, b in enumerate(material.bases or ())]
        from statportal.interfaces import IPrimaryDataDeclaration

        provider = request.registry.queryUtility(IPrimaryDataDeclaration)
        if provider is not None:
            # an unticked box of an older form declared nothing: null, as the checks read it
            data["primary_data"] = provider.declared(material)
    else:
        data.pop("bases", None)
        data.pop("primary_data", None)  # the declaration and its reason: staff only
        data.pop("primary_data_reason", None)
    data["languages"] = [lang for lang in LANGUAGES if lang in material.languages]
    data["available_languages"] = material.available_languages()
    data["version"] = material.version
    data["published_at"] = material.published_at.isoformat() if material.published_at \
        else None
    if may_see_versions(request):
        data["versions"] = [{
            "version": record["version"], "title": record["title"],
            "review_state": "superseded",
            "published_at": record["published_at"].isoformat()
            if record.get("published_at") else None,
            "replaced_at": record["replaced_at"].isoformat(),
            "by_request": record.get("by_request"),
            "files": [file_json(request, material, i, f, record["version"])
                      for i, f in enumerate(record["files"])],
        } for record in reversed(material.versions)]
    return data
