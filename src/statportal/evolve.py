"""Evolve steps: persistent schema changes applied once, by a command, never at start-up.

    config.add_evolve_step("statportal", "statportal.content.resources.upgrade_fixed_places", 1)

Each package has a schema version stored on the ZODB root (``root["statportal.evolve"]``,
``{package: version}``). A step is ``step(portal, registry)``; registered with the version
its package is at once it ran. ``statportal evolve CONFIG`` runs the pending steps (those
above the stored version) in order — packages in the order they registered their first
step (statportal's own first), versions ascending — in one transaction, and stores each
package's new version. A database made by this code (``statportal init``, or the first
start on an empty storage) is marked at the latest versions: it needs no step.

A database with pending steps is not served (``check_pending``): the running code
assumes the evolved data (a permission index filled, say), so an upgrade's restart before
the command stops with one message naming the steps and the command, rather than serving
pages that are wrong or a worker writing beside the old shape.
``statportal.evolve.pending = serve`` serves it anyway, with a warning in the log; the
commands open the database so (``statportal worker`` then refuses by itself).
"""

import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass

from persistent.mapping import PersistentMapping
from pyramid.exceptions import ConfigurationError

from statportal.directives import check_name, resolve, utility
from statportal.interfaces import IEvolveSteps

log = logging.getLogger(__name__)

#: The key on the ZODB root under which the schema versions live.
VERSIONS_KEY = "statportal.evolve"
#: A long step says how far it is at most this often (seconds).
PROGRESS_SECONDS = 5.0
#: Every so many objects a step's walk trims the connection's cache of unchanged ones.
TRIM_EVERY = 2000
#: ``statportal evolve``'s progress line writer while a step runs (None otherwise).
_progress = ContextVar("statportal_evolve_progress", default=None)


def progress(items, what="objects", total=None, jar=None):
    """Yield ``items``; while ``statportal evolve`` runs the step, a line every
    ``PROGRESS_SECONDS`` says how many are done (of ``total``), so a step over a large
    database is not silent for minutes. With ``jar`` (a ZODB connection), its cache of
    unchanged objects is trimmed as the walk goes: the steps run in one transaction, where
    the cache is otherwise trimmed only at the end. Outside a step it only yields."""
    say = _progress.get()
    if say is None:
        yield from items
        return
    started = last = time.monotonic()
    done = 0
    for item in items:
        yield item
        done += 1
        if jar is not None and done % TRIM_EVERY == 0:
            jar.cacheGC()
        now = time.monotonic()
        if now - last >= PROGRESS_SECONDS:
            last = now
            of = f" of {total:,}" if total is not None else ""
            say(f"  {done:,}{of} {what} ({now - started:.0f} s)")


@dataclass(frozen=True)
class EvolveStep:
    package: str
    version: int
    step: object

    @property
    def title(self):
        """``package version: the first paragraph of the step's docstring`` (what the
        command prints), or its name."""
        doc = (getattr(self.step, "__doc__", None) or "").strip().split("\n\n")[0]
        what = " ".join(doc.replace("``", "").split()) or getattr(
            self.step, "__name__", repr(self.step))
        return f"{self.package} {self.version}: {what}"

    def __call__(self, portal, registry):
        return self.step(portal, registry)


class EvolveSteps:
    """The registered steps, ``package -> {version: EvolveStep}`` (the registry's
    ``IEvolveSteps`` utility)."""

    def __init__(self):
        self.packages = {}  # insertion order: the order packages are evolved in

    def add(self, step):
        self.packages.setdefault(step.package, {})[step.version] = step

    def latest(self):
        """``{package: its highest version}``."""
        return {package: max(steps) for package, steps in self.packages.items()}

    def pending(self, versions):
        """The steps above ``versions`` (``{package: version}``; a package not there is at
        0), in the order they run."""
        return [steps[version]
                for package, steps in self.packages.items()
                for version in sorted(steps) if version > versions.get(package, 0)]


def get_evolve_steps(registry):
    return utility(registry, IEvolveSteps, EvolveSteps)


def add_evolve_step(config, package, step, version):
    """Register ``step(portal, registry)`` (a callable or its dotted name) as what brings
    ``package``'s schema to ``version`` (a whole number ≥ 1). Two steps of one package and
    version conflict."""
    check_name("add_evolve_step", package)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ConfigurationError(f"add_evolve_step {package!r}: the version {version!r} is "
                                 "not a whole number of 1 or more")
    step = resolve(config, "add_evolve_step", package, step, "the step")
    registered = EvolveStep(package, version, step)
    registry = config.registry
    discriminator = ("statportal-evolve-step", package, version)
    intr = config.introspectable("statportal evolve steps", discriminator, registered.title,
                                 "statportal evolve step")
    intr["package"] = package
    intr["version"] = version
    intr["step"] = step
    config.action(discriminator, lambda: get_evolve_steps(registry).add(registered),
                  introspectables=(intr,))


# -- the versions on the ZODB root -------------------------------------------------------------
def stored_versions(zodb_root):
    """``{package: version}`` of the database (empty for one older than evolve steps)."""
    return dict(zodb_root.get(VERSIONS_KEY) or {})


def _set_version(zodb_root, package, version):
    versions = zodb_root.get(VERSIONS_KEY)
    if versions is None:
        versions = zodb_root[VERSIONS_KEY] = PersistentMapping()
    versions[package] = version


def mark_latest(zodb_root, registry):
    """A new database: every registered package at its latest version (nothing pending)."""
    for package, version in get_evolve_steps(registry).latest().items():
        _set_version(zodb_root, package, version)


def pending_steps(zodb_root, registry):
    return get_evolve_steps(registry).pending(stored_versions(zodb_root))


def evolve(zodb_root, portal, registry, report=None, say=None):
    """Run the pending steps in order inside the caller's transaction, storing each
    package's version after its step; ``report(step)`` is called before each and
    ``say(line)`` with a long step's progress (``progress``). Returns the steps run. A
    step's exception propagates (the caller aborts: nothing is kept)."""
    done = []
    token = _progress.set(say)
    try:
        for step in pending_steps(zodb_root, registry):
            if report is not None:
                report(step)
            step(portal, registry)
            _set_version(zodb_root, step.package, step.version)
            done.append(step)
    finally:
        _progress.reset(token)
    return done


PENDING_MODES = ("refuse", "serve")


def check_pending(zodb_root, registry):
    """At start-up: with steps pending, ``statportal.evolve.pending = refuse`` (the default)
    stops the application (a ``ConfigurationError`` naming the steps and the command);
    ``serve`` logs the same as a warning and serves the database as it is (the commands
    open it so: ``statportal evolve`` among them)."""
    pending = pending_steps(zodb_root, registry)
    if not pending:
        return pending
    steps = ", ".join(f"{s.package} {s.version}" for s in pending)
    if registry.settings.get("statportal.evolve.pending", "refuse") == "serve":
        log.warning("The database needs %d evolve step(s) (%s): run `statportal evolve "
                    "CONFIG` (see `--dry-run`).", len(pending), steps)
        return pending
    raise ConfigurationError(
        f"The database needs {len(pending)} evolve step(s) ({steps}): run `statportal evolve "
        "CONFIG` (see `--dry-run`) before starting the portal, or set "
        "statportal.evolve.pending = serve to serve it as it is.")


def includeme(config):
    mode = config.registry.settings.get("statportal.evolve.pending", "refuse")
    if mode not in PENDING_MODES:
        raise ConfigurationError(f"statportal.evolve.pending must be refuse or serve, not "
                                 f"{mode!r}")
    config.add_directive("add_evolve_step", add_evolve_step)
    get_evolve_steps(config.registry)
