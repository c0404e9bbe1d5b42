"""What every statportal directive does alike (house rule d5).

A directive takes its name first, resolves dotted names (``config.maybe_dotted``), refuses a
bad registration with ``ConfigurationError`` naming the directive and what is wrong, adds an
introspectable, and stores what it registers in a registry utility declared in
``statportal.interfaces``. These helpers are the shared part, so the rules read the same
everywhere.
"""

import threading
import warnings

from pyramid.exceptions import ConfigurationError


def check_name(directive, name):
    """The registration's name: a non-empty text."""
    if not isinstance(name, str) or not name.strip():
        raise ConfigurationError(f"{directive}: the name must be a non-empty string, "
                                 f"not {name!r}")
    return name


def resolve(config, directive, name, value, what, required=True):
    """``value`` with a dotted name resolved; a callable unless ``required`` is False."""
    try:
        value = config.maybe_dotted(value)
    except (ImportError, ValueError, AttributeError) as exc:
        raise ConfigurationError(f"{directive} {name!r}: {what} {value!r} cannot be "
                                 f"imported ({exc})") from exc
    if required and not callable(value):
        raise ConfigurationError(f"{directive} {name!r}: {what} must be a callable or its "
                                 f"dotted name, not {value!r}")
    return value


#: made and registered under this lock, so that requests arriving together at a fresh
#: process share one utility (one CubeCache: its herd protection holds from the first burst).
#: Reentrant: a factory may ask for another utility.
_MAKING = threading.RLock()


def utility(registry, iface, factory):
    """The registry's utility under ``iface``, made (by ``factory()``) and registered the
    first time it is asked for (once, when threads ask together)."""
    found = registry.queryUtility(iface)
    if found is None:
        with _MAKING:
            found = registry.queryUtility(iface)  # another thread may have made it
            if found is None:
                found = factory()
                registry.registerUtility(found, iface)
    return found


def deprecated(message, stacklevel=4):
    """An old call that still works: say what to write instead. Called from a directive,
    the default ``stacklevel`` names the line that called ``config.add_...`` (past the
    directive and Pyramid's action wrapper), where the old call is to be changed."""
    warnings.warn(message, DeprecationWarning, stacklevel=stacklevel)
