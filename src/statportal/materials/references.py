"""The materials' search for the reference pickers (``statportal.views.picker``): the
material a request replaces or removes."""


def search(request, text, limit):
    """Published materials whose words start with ``text``'s, newest first, among those
    the user may view (the catalog's ``allowed`` index)."""
    from statportal.content.catalog import allowed_principals
    from statportal.content.resources import get_portal
    from statportal.materials.catalog import get_catalog

    page, _total = get_catalog(get_portal(request)).search(
        text=text, size=limit, principals=allowed_principals(request))
    return page


def includeme(config):
    from statportal.views.picker import register_reference_search

    register_reference_search(config, "Material", search)
