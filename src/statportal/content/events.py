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
