"""Events sent by folders and editing code; subscribers use ``config.add_subscriber``."""


class _ObjectEvent:
    def __init__(self, obj, parent=None, name=None):
        self.object = obj
        self.parent = parent
        self.name = name


class ObjectAdded(_ObjectEvent):
    """An object was added to ``parent`` under ``name``."""


class ObjectWillBeRemoved(_ObjectEvent):
    """An object is about to be removed from ``parent``."""


class ObjectRemoved(_ObjectEvent):
    """An object was removed from ``parent``."""


class ObjectModified(_ObjectEvent):
    """Fields of an object changed; ``changed`` names them."""

    def __init__(self, obj, changed=()):
        super().__init__(obj, getattr(obj, "__parent__", None), getattr(obj, "__name__", None))
        self.changed = tuple(changed)


class ObjectRenamed(_ObjectEvent):
    def __init__(self, obj, parent, old_name, new_name):
        super().__init__(obj, parent, new_name)
        self.old_name = old_name


class DataPublished:
    """A data series (a Taldau indicator: ``object``) has new figures public from ``at``
    (one of its vintages left the embargo). Sent by the feature that holds the data, for
    features that tell people (subscriptions), which never import each other."""

    def __init__(self, obj, at):
        self.object = obj
        self.at = at


# -- the tree's serial: what caches of data derived from the content tree are keyed by

#: The attribute of the portal holding the serial (a ``BTrees.Length``: concurrent
#: increments resolve without a conflict, also between processes on one storage).
SERIAL_ATTRIBUTE = "__tree_serial__"


def bump_tree_serial(event):
    """Subscriber of the content and workflow events: the tree changed, in this
    transaction. The counter is persistent, so every process sees the bump through
    ZODB's invalidations once the transaction commits (a counter in memory would leave
    another process on the same storage with a stale cache)."""
    from BTrees.Length import Length

    from statportal.content.paths import root_of

    where = getattr(event, "parent", None)
    root = root_of(where if where is not None else event.object)
    if getattr(root, "__content_type__", None) != "Portal":
        return  # not (yet) in the tree: its ObjectAdded will count
    serial = getattr(root, SERIAL_ATTRIBUTE, None)
    if serial is None:
        serial = Length()
        setattr(root, SERIAL_ATTRIBUTE, serial)
    serial.change(1)


def tree_serial(portal):
    """A key for the committed state of the tree that ``portal`` shows, or None when this
    transaction has changed something: what it computes must not outlive it (it may be
    aborted, and the counter's value reached again by another transaction)."""
    jar = getattr(portal, "_p_jar", None)
    if jar is None or portal._p_changed or getattr(jar, "_registered_objects", None):
        return None  # unsaved, or a writing transaction (ZODB lists its changed objects)
    serial = getattr(portal, SERIAL_ATTRIBUTE, None)
    if serial is None:  # never changed since the counter exists: the portal's own serial
        return (id(jar.db()), portal._p_serial, 0)
    value = serial()  # loads the counter: its _p_serial is then the committing transaction's
    if serial._p_changed or serial._p_jar is None:
        return None
    return (id(jar.db()), serial._p_serial, value)
