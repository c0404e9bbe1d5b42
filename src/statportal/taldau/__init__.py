"""Taldau, the time-series data service (issue #20): indicators whose observations come in
vintages (``store``), read as cubes (``cube``), served to people and programs.

Core (this package's first modules): ``periods`` (period ordinals), ``resources`` and
``schemas`` (``/data``, its topics, the indicators), ``store`` (vintages in blobs),
``cube`` (the visible vintages applied, cached). The other parts include their own
modules below.
"""

from statportal.i18n import _
from statportal.security.permissions import ADD, EDIT, VIEW

#: Sees embargoed vintages (the staff's reads, ``staff=True``).
SEE_EMBARGOED = "statportal.data.embargoed"
#: Imports a file of observations as a new vintage.
IMPORT = "statportal.data.import"
#: (``schemas.ASSIGN``, ``statportal.data.assign``: gives an indicator to an org unit,
#: the publishers' as adding is; schemas.py holds it, the rule's one reader.)
OFFICE = ("group:office",)
PUBLISHERS = ("group:publishers", "group:administrators")
IMPORTERS = ("group:executors", *PUBLISHERS)
DATA_ROOT_TITLE = {"kk": "Taldau", "ru": "Талдау", "en": "Taldau"}


def includeme(config):
    from statportal.taldau import resources, schemas

    config.add_content_type(
        "DataRoot", resources.DataRoot, schemas.data_root_schema, title=_("Data service"),
        # MANAGE (the staff pages) follows the portal's grant to the staff.
        permissions={VIEW: ("Anonymous",), ADD: PUBLISHERS, EDIT: PUBLISHERS,
                     SEE_EMBARGOED: OFFICE, IMPORT: IMPORTERS})
    config.add_content_type(
        "DataTopic", resources.DataTopic, schemas.topic_schema, title=_("Data topic"),
        addable_to=("DataRoot", "DataTopic"),
        permissions={VIEW: ("Anonymous",), ADD: PUBLISHERS, EDIT: PUBLISHERS})
    config.add_content_type(
        "Indicator", resources.Indicator, schemas.indicator_schema, title=_("Indicator"),
        addable_to=("DataRoot", "DataTopic"),
        # the executors of its unit (Indicator.local_role_sources) answer for it
        permissions={VIEW: ("Anonymous",), EDIT: IMPORTERS, IMPORT: IMPORTERS,
                     schemas.ASSIGN: PUBLISHERS},
        create=resources.create_indicator,  # ids unique under /data, not only per folder
        # the public's generic JSON and listings: no e-mail, nothing before the first release
        serializer="statportal.taldau.visibility.serialize_indicator",
        visible="statportal.taldau.visibility.indicator_visible")
    config.add_fixed_place("data", "DataRoot", DATA_ROOT_TITLE)
    from pyramid.events import ContextFound

    # an indicator not yet visible answers every view (edit, import, preflight) with 404
    # (dotted names: the package imports none of its parts)
    config.add_subscriber("statportal.taldau.visibility.hide_invisible", ContextFound)
    config.add_exception_view("statportal.taldau.visibility.json_not_found",
                              context="statportal.taldau.visibility.NotVisible",
                              openapi=False)
    config.include("statportal.taldau.pages")  # the public pages (part G)
    config.include("statportal.taldau.pxweb")  # PxWeb API 2.0 under /api/v2 (part E)
    config.include("statportal.taldau.import_views")  # @import and @@import (part B)
    config.include("statportal.taldau.api")  # @tables, @metadata, @data (part C)
    # the embargo: releases publish or cancel the data bound to them; the worker's task
    # for releases of data only; the probe's and the currency monitor's registrations;
    # the reliability check (part F)
    config.include("statportal.taldau.embargo")
    config.include("statportal.taldau.worker")
    config.include("statportal.taldau.currency")
    config.include("statportal.taldau.consistency_views")
    from statportal.interfaces import IEvolveSteps

    if config.registry.queryUtility(IEvolveSteps) is not None:
        config.add_evolve_step("statportal.taldau", add_data_root, 1)


def add_data_root(portal, registry):
    """/data, the data service's place, in a database made before it."""
    from statportal.content.places import ensure_place

    ensure_place(portal, registry, "data")
