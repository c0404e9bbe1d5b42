"""Confidentiality in the CMS (art. 22–23; issue #5): the ``confidentiality`` material
validator, the disclosure validators it runs on every table with a basis
(``config.add_disclosure_validator``), the classifications a basis CSV may name
(``config.add_classification``), and the disclosure page of materials and requests.

The engine is :mod:`statportal.disclosure`, which knows nothing of Pyramid.
"""


def includeme(config):
    from statportal.confidentiality import checks, material

    # A wrong setting stops the start, not the first publication.
    config.registry.statportal_disclosure_settings = \
        checks.DisclosureSettings.from_settings(config.get_settings() or {})
    config.add_directive("add_disclosure_validator", checks.add_disclosure_validator)
    config.add_directive("add_classification", material.add_classification)
    config.add_disclosure_validator(checks.primary_validator, name="primary")
    config.add_disclosure_validator(checks.consistency_validator, name="consistency")
    config.add_disclosure_validator(checks.audit_validator, name="audit")
    config.add_material_validator("confidentiality", material.confidentiality_validator)
    config.scan("statportal.confidentiality.views")
