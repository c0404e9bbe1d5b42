"""What confidentiality adds to the types of other features, by registration only.

Materials and placement requests know nothing of confidentiality: this module gives their
one schema (deform form and JSON API) the declaration and the bases
(``config.add_schema_extension``), writes the bases when a form or the API sends them,
tells their pages the declaration (the ``IPrimaryDataDeclaration`` utility), names the
page that explains a disclosure finding (``IFindingPages``) and, when a material takes a
request at Place or at its release, copies the request's declaration into the material's
history (``TookRequest``).
"""

from statportal.interfaces import IFindingPages, IPrimaryDataDeclaration

#: the types whose schema carries the declaration and the bases
TYPES = ("Material", "PlacementRequest")


def declaration_nodes():
    """``primary_data``, ``primary_data_reason`` and ``bases``, in that order (after
    ``files``)."""
    from statportal.confidentiality.declaration import (
        primary_data_node,
        primary_data_reason_node,
    )
    from statportal.confidentiality.upload import bases_node

    return [primary_data_node(), primary_data_reason_node(), bases_node()]


def check_fields(node, value):
    """The declaration (a ``false`` needs its reason), then the bases' ``tables``."""
    from statportal.confidentiality.declaration import check_declaration
    from statportal.confidentiality.upload import check_basis_tables

    check_declaration(node, value)
    check_basis_tables(node, value)


def set_bases(obj, uploads):
    """Bases sent with an edit replace the bases; an edit without them keeps them. A
    material's keep its current version (a request has none: 1)."""
    if uploads:
        from statportal.confidentiality.upload import stored_bases

        obj.bases = stored_bases(uploads, version=getattr(obj, "version", 1))


class PrimaryData:
    """The ``IPrimaryDataDeclaration`` utility: what pages and the JSON show of a
    candidate's declaration."""

    @staticmethod
    def declared(candidate):
        from statportal.confidentiality.material import declared

        return declared(candidate)

    def __call__(self, candidate, registry):
        from statportal.confidentiality.material import declaration_of

        return declaration_of(candidate, registry)


def declaration_provider(registry):
    """The registered declaration provider, or None (confidentiality not included)."""
    return registry.queryUtility(IPrimaryDataDeclaration)


def took_request(event):
    """A material that took a request's content takes its declaration too, and its history
    says so, in the name of who declared it (the request's executor)."""
    from statportal.confidentiality.declaration import (
        declaration_comment,
        declarer,
        take_declaration,
    )
    from statportal.workflow import note

    material, request_obj = event.material, event.request_obj
    if take_declaration(material, request_obj):
        note(material, "primary_data", declaration_comment(material, request_obj.number),
             actor=declarer(request_obj) or event.actor, request=event.request)


def register(config):
    """The registrations above (called by ``statportal.confidentiality.includeme``)."""
    from statportal.confidentiality.checks import CODES
    from statportal.directives import utility

    for type_name in TYPES:
        config.add_schema_extension("confidentiality", type_name, declaration_nodes,
                                    validator=check_fields, after="files",
                                    setters={"bases": set_bases})
    config.registry.registerUtility(PrimaryData(), IPrimaryDataDeclaration)
    utility(config.registry, IFindingPages, dict).update(
        dict.fromkeys(CODES, "disclosure"))
