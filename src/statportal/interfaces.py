"""The interfaces under which statportal registers its utilities."""

from zope.interface import Interface


class IContentRegistry(Interface):
    """The registry of content types (``statportal.content.registry.ContentRegistry``)."""


class IRoleRegistry(Interface):
    """The registry of roles and role groups (``config.add_role``,
    ``config.add_role_group``; ``statportal.security.roles.RoleRegistry``)."""


class IPermissionGrants(Interface):
    """Permissions features grant on other packages' types and workflow states
    (``config.add_permission_grant``; ``statportal.security.grants.PermissionGrants``)."""


class ILoginThrottle(Interface):
    """Counts failed logins and says when to refuse (``statportal.security.throttle``)."""


class ICredentialCache(Interface):
    """Remembers recently verified Basic credentials (``statportal.security.throttle``)."""


class IWorkflowRegistry(Interface):
    """The workflows and the content types they are attached to (``statportal.workflow``)."""


class IUploadStore(Interface):
    """Uploads kept for forms between a refused submit and the corrected one
    (``statportal.files.kept.KeptUploads``)."""


class IBodyLimits(Interface):
    """The early per-path limits on request bodies (``statportal.security.bodylimit``)."""


class ITransitionGuards(Interface):
    """Guards that packages add to another's workflow transitions
    (``config.add_transition_guard``; ``statportal.workflow.guards.TransitionGuards``)."""


class IEvolveSteps(Interface):
    """The persistent schema's evolve steps by package (``config.add_evolve_step``;
    ``statportal.evolve.EvolveSteps``)."""


class IWorkerTasks(Interface):
    """The tasks the background worker runs (``config.add_worker_task``;
    ``statportal.worker.tasks.WorkerTasks``)."""


class IPasswordHashing(Interface):
    """The application's password hashing at its ``statportal.argon2_profile``
    (``statportal.security.passwords.PasswordHashing``)."""


class IMaterialValidators(Interface):
    """What must hold before a material is published (``config.add_material_validator``;
    ``statportal.materials.validators.MaterialValidators``)."""


class IDisclosureValidators(Interface):
    """The checks run on every published table with a basis
    (``config.add_disclosure_validator``; ``statportal.confidentiality.checks``)."""


class IDisclosureSettings(Interface):
    """The disclosure rules read from the settings
    (``statportal.confidentiality.checks.DisclosureSettings``)."""


class IClassifications(Interface):
    """The classifications a basis may name (``config.add_classification``; a dict of
    ``statportal.disclosure.hierarchy.Hierarchy`` by name)."""


class IDisclosureCache(Interface):
    """The confidentiality check's bounded cache of bases, tables and audits
    (``statportal.confidentiality.cache.DisclosureCache``)."""


class IPrimaryDataDeclaration(Interface):
    """``declaration(candidate, registry) -> dict``: a material's or request's primary-data
    declaration as pages show it (registered by ``statportal.confidentiality``)."""


class IFindingPages(Interface):
    """Which page explains a guard's finding: a dict of finding code -> view name
    (``statportal.views.workflow``)."""


class IFilePolicy(Interface):
    """The formats and sizes of uploaded files (``statportal.files.policy.FilePolicy``)."""


class IQuestionTopics(Interface):
    """The topics of questions (``config.add_question_topic``;
    ``statportal.questions.topics.TopicRegistry``)."""


class IQuestionLimits(Interface):
    """The limits on the public's questions (``statportal.questions.limits``)."""


class IDataLimits(Interface):
    """The limit on the public's requests to the data API (``statportal.taldau.limits``)."""


class IMailSender(Interface):
    """The running mail sender (``statportal.mail.sender``); ``kick()`` wakes it."""


class IWorker(Interface):
    """The running background worker thread (``statportal.worker.thread.Worker``;
    ``statportal.worker.worker_of(registry)``)."""


class IOpenAPIEntries(Interface):
    """What the OpenAPI document says of registered views beyond what the introspector
    knows (``config.add_openapi_entry``; ``statportal.api.openapi``)."""


class IPageNotices(Interface):
    """``notices(portal) -> [notice]``: what every page shows above its content, each with
    ``title``, ``cause`` and ``restore_by`` (registered by ``statportal.incidents``: its
    escalated incidents)."""


class ILayoutCache(Interface):
    """The anonymous visitor's navigation and breadcrumbs per state of the content tree
    (``statportal.views.layout.LayoutCache``)."""


class IReferenceSearch(Interface):
    """A named utility per content type (the name): ``search(request, text, limit) ->
    [object]``, the objects of that type whose titles match ``text`` among those the user
    may view (a catalog's ``allowed`` index). The reference pickers of forms ask it
    (``statportal.views.picker``); registered by the feature that keeps the catalog."""


class IHomePanels(Interface):
    """What other features show on the home page (``config.add_home_panel``;
    ``statportal.materials.home.HomePanels``): the release calendar's next releases."""


class IFixedPlaces(Interface):
    """The fixed places features add at the portal's root beside the core's
    (``config.add_fixed_place``; ``statportal.content.places.FixedPlaces``)."""


class ICubeCache(Interface):
    """The data service's bounded cache of indicator cubes (``statportal.data.cached_cubes``;
    ``statportal.taldau.cube.get_cube_cache(registry)``)."""


class IEmbargoProbeTargets(Interface):
    """What ``statportal embargo-probe`` asks for beside the scheduled materials
    (``config.add_embargo_probe_targets``; ``statportal.releases.probe``): name ->
    ``provider(portal)`` yielding targets; the data service's indicators."""


class ICurrencyWatches(Interface):
    """What the currency monitor watches beside the calendar and the materials
    (``config.add_currency_watch``; ``statportal.releases.currency.watches_of``): name ->
    ``watch(request, portal, now)``; the data service's outdated indicators."""


class IObjectTabs(Interface):
    """The staff tabs features add to the pages of a content type
    (``config.add_object_tab``; ``statportal.views.tabs``): name ->
    ``(content type, view name, title, permission, order)``."""


class IAlternateLinks(Interface):
    """The feeds (and other alternates) a page links to in its head
    (``config.add_alternate_links``; ``statportal.views.feeds``): name ->
    ``(content type, provider(context, request))``."""
