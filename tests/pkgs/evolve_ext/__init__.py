"""An add-on with evolve steps (tests/evolve): each step leaves a mark on the portal;
``evolve_ext.fail = true`` makes step 3 fail after writing."""

from pyramid.settings import asbool


def first(portal, registry):
    """Marks the portal once."""
    portal.evolve_ext_marks = ("one",)


def second(portal, registry):
    """Adds a second mark."""
    portal.evolve_ext_marks = (*portal.evolve_ext_marks, "two")


def third(portal, registry):
    """Fails when evolve_ext.fail is set."""
    portal.evolve_ext_marks = (*portal.evolve_ext_marks, "three")
    if asbool(registry.settings.get("evolve_ext.fail")):
        raise ValueError("the third step met data it cannot read")


def includeme(config):
    # Registered out of order: the versions order them.
    config.add_evolve_step("evolve_ext", third, 3)
    config.add_evolve_step("evolve_ext", "tests.pkgs.evolve_ext.first", 1)
    config.add_evolve_step("evolve_ext", second, 2)
