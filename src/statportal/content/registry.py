"""The content type registry and the ``config.add_content_type`` directive.

A content type is registered data: a name, a factory, a colander schema
factory (one schema serves the deform form and the JSON API), the permission
needed to add one, the types it may be added to, its workflow, and the
permission → roles map from which the ACL of its objects is derived.

Registering the same name twice in one configuration is a conflict
(discriminator ``('statportal-content-type', name)``); an application that
includes statportal and then registers the name itself, or an add-on
included after ``config.commit()``, overrides it.
"""

from dataclasses import dataclass, field

import venusian
from pyramid.exceptions import ConfigurationError

from statportal.interfaces import IContentRegistry
from statportal.security.permissions import ADD


@dataclass(frozen=True)
class TypeInfo:
    name: str
    factory: object
    schema: object
    title: object
    add_permission: str = ADD
    addable_to: tuple = ()
    workflow: str | None = None
    permissions: dict = field(default_factory=dict)
    inherit: bool = True
    description: object = None
    meta: dict = field(default_factory=dict)

    def is_addable_to(self, container_type):
        return "*" in self.addable_to or container_type in self.addable_to


class ContentRegistry:
    def __init__(self):
        self.types = {}
        self._schemas = {}

    def schema_template(self, info):
        """An unbound instance of the type's schema, made once: for reading its structure.

        Forms and validation bind a fresh clone (``bound_schema``); serialising an
        object only needs the node names and types, which never change.
        """
        cached = self._schemas.get(info.name)
        if cached is None or cached[0] is not info:
            cached = self._schemas[info.name] = (info, info.schema())
        return cached[1]

    def __contains__(self, name):
        return name in self.types

    def __getitem__(self, name):
        return self.types[name]

    def get(self, name):
        return self.types.get(name)

    def typeof(self, obj):
        return self.types.get(getattr(obj, "__content_type__", None))

    def addable_types(self, container):
        container_type = getattr(container, "__content_type__", None)
        return [info for info in self.types.values() if info.is_addable_to(container_type)]

    def create(self, name, **kw):
        """Make a new object of type ``name`` (its fields are set by the caller)."""
        info = self.types[name]
        obj = info.factory(**kw)
        obj.__content_type__ = name
        return obj


def get_content_registry(registry):
    content = registry.queryUtility(IContentRegistry)
    if content is None:
        raise ConfigurationError("statportal.content is not included in the configuration")
    return content


def add_content_type(
    config,
    name,
    factory,
    schema,
    title=None,
    add_permission=ADD,
    addable_to=(),
    workflow=None,
    permissions=None,
    inherit=True,
    description=None,
    **meta,
):
    """Register (or, in an including application, override) a content type.

    ``schema`` is a callable returning a colander schema; ``addable_to`` lists
    the type names it may be added to (``'*'``: any folder); ``permissions``
    maps a permission to the roles that have it on objects of this type
    (``'Anonymous'`` and ``'Authenticated'`` name everyone and every
    logged-in user); with ``inherit=False`` nothing else is granted from
    above.
    """
    if not name or not isinstance(name, str):
        raise ConfigurationError("add_content_type: the type name must be a non-empty string")
    try:
        factory = config.maybe_dotted(factory)
        schema = config.maybe_dotted(schema)
    except (ImportError, ValueError) as exc:
        raise ConfigurationError(f"add_content_type {name!r}: {exc}") from exc
    if not callable(factory) or not callable(schema):
        raise ConfigurationError(f"add_content_type {name!r}: factory and schema must be callables")
    info = TypeInfo(
        name=name,
        factory=factory,
        schema=schema,
        title=title or name,
        add_permission=add_permission,
        addable_to=tuple(addable_to),
        workflow=workflow,
        permissions={perm: tuple(roles) for perm, roles in (permissions or {}).items()},
        inherit=inherit,
        description=description,
        meta=meta,
    )
    content = get_content_registry(config.registry)

    def register():
        content.types[name] = info

    intr = config.introspectable("statportal content types", name, name, "statportal content type")
    intr["typeinfo"] = info
    intr["factory"] = factory
    intr["workflow"] = workflow
    config.action(("statportal-content-type", name), register, introspectables=(intr,))


class content_type:
    """Class decorator: ``@content_type('Report', schema=ReportSchema, ...)``.

    Its only job is to call ``config.add_content_type`` for the class when the
    module is scanned; the class itself stays a plain, directly constructible
    class.
    """

    venusian = venusian  # for testing injection

    def __init__(self, name, **kw):
        self.name = name
        self.kw = kw

    def __call__(self, wrapped):
        def callback(context, _name, ob):
            config = context.config.with_package(info.module)
            if not hasattr(config, "add_content_type"):
                raise ConfigurationError(
                    "@content_type used, but statportal is not included in the configuration"
                )
            config.add_content_type(self.name, ob, **self.kw)

        info = self.venusian.attach(wrapped, callback, category="statportal")
        return wrapped


def includeme(config):
    if config.registry.queryUtility(IContentRegistry) is None:
        config.registry.registerUtility(ContentRegistry(), IContentRegistry)
    config.add_directive("add_content_type", add_content_type)

