"""The interfaces under which statportal registers its utilities."""

from zope.interface import Interface


class IContentRegistry(Interface):
    """The registry of content types (``statportal.content.registry.ContentRegistry``)."""


class IRoleRegistry(Interface):
    """The registry of roles (``statportal.security.roles.RoleRegistry``)."""


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


class IPasswordHashing(Interface):
    """The application's password hashing at its ``statportal.argon2_profile``
    (``statportal.security.passwords.PasswordHashing``)."""
