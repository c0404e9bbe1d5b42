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
from difflib import get_close_matches

import venusian
from pyramid.exceptions import ConfigurationError

from statportal.directives import check_name, deprecated, resolve
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


#: the hooks a type may give (``TypeInfo.meta``), each an explicit keyword of the directive
HOOKS = ("create", "update", "serializer", "name_factory", "read_only", "id_title",
         "id_required", "visible")


@dataclass(frozen=True)
class SchemaExtension:
    """Nodes another feature adds to a type's schema (``config.add_schema_extension``)."""

    name: str
    node_factory: object
    validator: object = None
    after: str | None = None
    setters: dict = field(default_factory=dict)


class ContentRegistry:
    def __init__(self):
        self.types = {}
        self._schemas = {}
        self.extensions = {}  # type name -> {extension name: SchemaExtension}

    def schema_template(self, info):
        """An unbound instance of the type's schema, made once: for reading its structure.

        Forms and validation bind a fresh clone (``bound_schema``); serialising an
        object only needs the node names and types, which never change.
        """
        cached = self._schemas.get(info.name)
        if cached is None or cached[0] is not info:
            cached = self._schemas[info.name] = (info, self.make_schema(info))
        return cached[1]

    def make_schema(self, info):
        """A new instance of the type's schema with the extensions other features
        registered for it: their nodes where they asked, their validators after the
        schema's own (each runs: a submission reports all their errors together)."""
        schema = info.schema()
        extensions = tuple(self.extensions.get(info.name, {}).values())
        for extension in extensions:
            nodes = extension.node_factory()
            nodes = list(nodes) if isinstance(nodes, list | tuple) else [nodes]
            names = [child.name for child in schema.children]
            # A node named like one already there would shadow it (the later value wins):
            # an add-on could silently take over another feature's field, e.g. the
            # confidentiality declaration, and with it what that feature checks.
            taken = sorted({node.name for node in nodes} & set(names))
            if taken:
                raise ConfigurationError(
                    f"add_schema_extension {extension.name!r}: {info.name} already has "
                    f"the field(s) {', '.join(taken)} (from its schema or another "
                    "extension); name the extension's nodes otherwise")
            # A setter writes a field of the extension's own nodes: one for another field
            # would take over how that field is stored (the first setter found wins).
            foreign = sorted(set(extension.setters) - {node.name for node in nodes})
            if foreign:
                raise ConfigurationError(
                    f"add_schema_extension {extension.name!r}: setters for "
                    f"{', '.join(foreign)}, which the extension's nodes do not add")
            at = names.index(extension.after) + 1 if extension.after in names else len(names)
            for offset, node in enumerate(nodes):
                schema.insert(at + offset, node)
        validators = [e.validator for e in extensions if e.validator is not None]
        if validators:
            schema.validator = _chained(schema.validator, validators)
        return schema

    def field_setter(self, obj, key):
        """What writes the field ``key`` of ``obj`` when an extension owns it, or None."""
        for extension in self.extensions.get(getattr(obj, "__content_type__", None),
                                             {}).values():
            setter = extension.setters.get(key)
            if setter is not None:
                return setter
        return None

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


def _chained(own, validators):
    """The schema's own validator (maybe deferred) and then each extension's, in turn:
    a deferred one is resolved at bind time like the schema's."""
    import colander

    def run(resolved):
        def validate(node, value):
            # Every validator runs: one submission reports all their errors (issue 18,
            # item 7), a field named by two keeps the first one's message.
            found = None
            for validator in resolved:
                if validator is None:
                    continue
                try:
                    validator(node, value)
                except colander.Invalid as exc:
                    found = exc if found is None else _merged(found, exc)
            if found is not None:
                raise found
        return validate

    everything = [own, *validators]
    if not any(isinstance(v, colander.deferred) for v in everything):
        return run(everything)

    @colander.deferred
    def deferred(node, kw):
        return run([v(node, kw) if isinstance(v, colander.deferred) else v
                    for v in everything])
    return deferred


def _merged(first, then):
    """``first`` with ``then``'s errors of fields ``first`` does not name."""
    taken = {child.pos for child in first.children}
    for child in then.children:
        if child.pos not in taken:
            first.add(child, child.pos)
            taken.add(child.pos)
    if then.msg and not first.msg:
        first.msg = then.msg
    return first


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
    *,
    create=None,
    update=None,
    serializer=None,
    name_factory=None,
    visible=None,
    read_only=(),
    id_title=None,
    id_required=False,
    meta=None,
    **unknown,
):
    """Register (or, in an including application, override) a content type.

    ``schema`` is a callable returning a colander schema; ``addable_to`` lists
    the type names it may be added to (``'*'``: any folder); ``permissions``
    maps a permission to the roles that have it on objects of this type
    (``'Anonymous'`` and ``'Authenticated'`` name everyone and every
    logged-in user); with ``inherit=False`` nothing else is granted from
    above. The hooks (``create``, ``update``, ``serializer``, ``name_factory``,
    ``visible``: callables or dotted names; ``read_only``: attribute names the JSON
    shows; ``id_title``, ``id_required``: the id field of the add form) land in
    ``TypeInfo.meta``, beside ``meta``, a dict of the integrator's own data.
    ``visible(request, obj)``: False hides an object the user may VIEW (listed nowhere,
    404 in the JSON API) while its data say it is not there for them yet.
    """
    directive = "add_content_type"
    if not name or not isinstance(name, str):
        raise ConfigurationError("add_content_type: the type name must be a non-empty string")
    extra = dict(meta or {})
    for key, value in unknown.items():
        close = get_close_matches(key, (*HOOKS, "meta", "title", "add_permission",
                                        "addable_to", "workflow", "permissions", "inherit",
                                        "description"), n=1, cutoff=0.75)
        if close:  # a typo of a hook is refused, never silently ignored
            raise ConfigurationError(f"add_content_type {name!r}: unknown keyword {key!r} "
                                     f"(did you mean {close[0]!r}?)")
        deprecated(f"add_content_type {name!r}: unknown keyword {key!r} is kept in "
                   f"TypeInfo.meta; pass meta={{{key!r}: ...}} instead")
        extra[key] = value
    try:
        factory = config.maybe_dotted(factory)
        schema = config.maybe_dotted(schema)
    except (ImportError, ValueError) as exc:
        raise ConfigurationError(f"add_content_type {name!r}: {exc}") from exc
    if not callable(factory) or not callable(schema):
        raise ConfigurationError(f"add_content_type {name!r}: factory and schema must be callables")
    if isinstance(addable_to, str) or isinstance(read_only, str):
        raise ConfigurationError(f"add_content_type {name!r}: addable_to and read_only are "
                                 "sequences of names, not one string")
    hooks = {}
    for key, value in (("create", create), ("update", update), ("serializer", serializer),
                       ("name_factory", name_factory), ("visible", visible)):
        if value is not None:
            hooks[key] = resolve(config, directive, name, value, key)
    if read_only:
        hooks["read_only"] = tuple(read_only)
    if id_title is not None:
        hooks["id_title"] = id_title
    if id_required:
        hooks["id_required"] = True
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
        meta={**extra, **hooks},
    )
    content = get_content_registry(config.registry)

    def register():
        content.types[name] = info

    intr = config.introspectable("statportal content types", name, name, "statportal content type")
    intr["typeinfo"] = info
    intr["factory"] = factory
    intr["workflow"] = workflow
    config.action(("statportal-content-type", name), register, introspectables=(intr,))


def add_schema_extension(config, name, type_name, node_factory, validator=None, after=None,
                         setters=None):
    """Let a feature add nodes to another's type schema, so that the one schema of the type
    (its deform form and its JSON API) carries them without the type importing the
    feature.

    ``node_factory()`` returns a colander node or a list of them, inserted after the node
    ``after`` (default: at the end); ``validator(node, value)`` (or a ``colander.deferred``
    one) runs on the whole mapping after the schema's own; ``setters`` maps a field name to
    ``setter(obj, value)``, which writes it (instead of ``setattr``) when a form or the API
    changes it. ``name`` names the extension; discriminator
    ``('statportal-schema-extension', type_name, name)``.
    """
    directive = "add_schema_extension"
    check_name(directive, name)
    check_name(directive, type_name)
    node_factory = resolve(config, directive, name, node_factory, "node_factory")
    if validator is not None:
        validator = config.maybe_dotted(validator)
        import colander

        if not callable(validator) and not isinstance(validator, colander.deferred):
            raise ConfigurationError(f"{directive} {name!r}: validator must be a callable")
    if after is not None and not isinstance(after, str):
        raise ConfigurationError(f"{directive} {name!r}: after names a node (a string)")
    if setters is not None and not isinstance(setters, dict):
        raise ConfigurationError(f"{directive} {name!r}: setters maps field names to "
                                 "callables")
    setters = {key: resolve(config, directive, name, fn, f"setter of {key!r}")
               for key, fn in (setters or {}).items()}
    extension = SchemaExtension(name, node_factory, validator, after, setters)
    content = get_content_registry(config.registry)

    def register():
        content.extensions.setdefault(type_name, {})[name] = extension
        content._schemas.pop(type_name, None)
        info = content.get(type_name)
        if info is not None:  # the type is there (an add-on after the core): check now
            content.make_schema(info)

    intr = config.introspectable("statportal schema extensions", (type_name, name),
                                 f"{type_name}: {name}", "statportal schema extension")
    intr.update(type_name=type_name, node_factory=node_factory, validator=validator,
                after=after, setters=tuple(setters))
    config.action(("statportal-schema-extension", type_name, name), register,
                  introspectables=(intr,))


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
    config.add_directive("add_schema_extension", add_schema_extension)

