"""Fixed places that features add at the portal's root (``config.add_fixed_place``).

The core's own places are ``resources.FIXED_PLACES``; a feature (``/data`` of
``statportal.taldau``) registers its place here, so the core names no feature.
``bootstrap_portal`` makes them in a new database; an existing one gets a feature's place
from that feature's evolve step (``ensure_place``).
"""

from pyramid.exceptions import ConfigurationError

from statportal.directives import check_name, utility
from statportal.i18n import LANGUAGES
from statportal.interfaces import IFixedPlaces


class FixedPlaces:
    """``name -> (type name, kk/ru/en title)``, in registration order."""

    def __init__(self):
        self.places = {}


def registered_places(registry):
    return dict(utility(registry, IFixedPlaces, FixedPlaces).places)


def all_places(registry):
    """The core's fixed places and the registered ones: ``name -> (type, title)``."""
    from statportal.content.resources import FIXED_PLACES

    return {**FIXED_PLACES, **registered_places(registry)}


def ensure_place(portal, registry, name):
    """Make the registered place ``name`` if the portal has nothing of that name (an
    evolve step's work); returns the place. Something else under the name is refused
    rather than replaced: it may be content someone made."""
    from statportal.content.registry import get_content_registry

    type_name, title = registered_places(registry)[name]
    place = portal.get(name)
    if place is None:
        place = get_content_registry(registry).create(type_name, title=title)
        portal.add(name, place, send_events=False)
    elif getattr(place, "__content_type__", None) != type_name:
        raise ValueError(f"/{name} exists and is not a {type_name}: rename it first")
    return place


def add_fixed_place(config, name, type_name, title):
    """Register the fixed place ``/name`` of the content type ``type_name`` with its
    kk/ru/en ``title``. The type must be registered (checked at commit); a name of the
    core's places or root views is refused. Discriminator ``('statportal-fixed-place',
    name)``."""
    from statportal.content.names import InvalidName
    from statportal.content.names import check_name as valid_id
    from statportal.content.resources import FIXED_PLACES, ROOT_VIEW_NAMES

    directive = "add_fixed_place"
    check_name(directive, name)
    check_name(directive, type_name)
    try:
        valid_id(name)
    except InvalidName as exc:
        raise ConfigurationError(f"{directive} {name!r}: not a valid id ({exc})") from exc
    if name in FIXED_PLACES or name in ROOT_VIEW_NAMES:
        raise ConfigurationError(f"{directive} {name!r}: the name is the core's")
    if (not isinstance(title, dict) or set(title) - set(LANGUAGES)
            or not any(isinstance(v, str) and v.strip() for v in title.values())):
        raise ConfigurationError(f"{directive} {name!r}: the title is a dict of "
                                 f"{'/'.join(LANGUAGES)} texts, not {title!r}")
    registry = config.registry
    places = utility(registry, IFixedPlaces, FixedPlaces)

    def register():
        from statportal.content.registry import get_content_registry

        if type_name not in get_content_registry(registry):
            raise ConfigurationError(f"{directive} {name!r}: no content type {type_name!r} "
                                     "is registered")
        places.places[name] = (type_name, dict(title))

    intr = config.introspectable("statportal fixed places", name, f"/{name}",
                                 "statportal fixed place")
    intr.update(type_name=type_name, title=dict(title))
    intr.relate("statportal content types", type_name)
    # after the content types (order 0): the type may be registered later in the config
    config.action(("statportal-fixed-place", name), register, introspectables=(intr,),
                  order=1)


def includeme(config):
    utility(config.registry, IFixedPlaces, FixedPlaces)
    config.add_directive("add_fixed_place", add_fixed_place)
