"""Material validators: what must hold before a material is published (issue #4 item 7).

A validator is ``validator(candidate, request) -> [Finding]``; the candidate is a
Material, or a placement request about to be placed (both have ``title``,
``languages`` and ``files``). Validators are registered data, in order:

    config.add_material_validator("confidentiality", check_cells)

Built-ins: ``format`` (every file allowed by the policy and intact) and ``house_style``
(a title in every declared language; a table that shows ``X`` explains it in a footnote).
The disclosure-control issue registers ``confidentiality``.
"""

from statportal.i18n import LANGUAGES, _
from statportal.workflow import Finding

LANGUAGE_NAMES = {"kk": _("Kazakh"), "ru": _("Russian"), "en": _("English")}


class MaterialValidators:
    def __init__(self):
        self.validators = {}

    def add(self, name, validator):
        self.validators[name] = validator

    def check(self, candidate, request):
        return [finding for validator in self.validators.values()
                for finding in (validator(candidate, request) or ())]


def get_validators(registry):
    """The registry's ``IMaterialValidators``."""
    from statportal.directives import utility
    from statportal.interfaces import IMaterialValidators

    return utility(registry, IMaterialValidators, MaterialValidators)


def add_material_validator(config, name, validator):
    """Register (or replace, by name) a validator that can refuse publishing: a callable
    ``validator(candidate, request) -> [Finding]`` or its dotted name."""
    from statportal.directives import check_name, resolve

    check_name("add_material_validator", name)
    validator = resolve(config, "add_material_validator", name, validator, "validator")

    def register():
        get_validators(config.registry).add(name, validator)

    intr = config.introspectable("statportal material validators", name, name,
                                 "statportal material validator")
    intr["validator"] = validator
    config.action(("statportal-material-validator", name), register, introspectables=(intr,))


def format_validator(candidate, request):
    """Every file is of an allowed format and reads as that format (the policy may have
    narrowed since it was uploaded)."""
    from statportal.files.policy import FileRefused, check_upload
    from statportal.files.upload import policy_of

    findings = []
    for index, stored in enumerate(candidate.files):
        try:
            check_upload(stored.filename, stored.read(), policy_of(request))
        except FileRefused as refused:
            findings.append(Finding(refused.message, field="files", code="file_format",
                                    location=index))
    return findings


def house_style_validator(candidate, request):
    findings = []
    for lang in LANGUAGES:
        if lang in (candidate.languages or ()) and not (candidate.title or {}).get(lang):
            findings.append(Finding(
                _("The material is declared in ${language} but has no title in it.",
                  mapping={"language": LANGUAGE_NAMES[lang]}), field="title",
                code="missing_title", location=lang))
    for index, stored in enumerate(candidate.files):
        preview = stored.preview or {}
        if preview.get("has_x") and not preview.get("x_explained"):
            findings.append(Finding(
                _("${file} shows X but no footnote explains it (for example: "
                  "\"X – data are confidential\").", mapping={"file": stored.filename}),
                field="files", code="x_unexplained", location=index))
    return findings


def validators_guard(obj, request, transition):
    return get_validators(request.registry).check(obj, request)
