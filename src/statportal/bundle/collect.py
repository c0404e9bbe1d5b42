"""What goes on the disc: a section's and its sub-sections' materials as the public sees
them — published and viewable by Anonymous (its ACL walked as the security policy walks
it), so nothing scheduled, private or withdrawn; their files, never their bases (the
tables' confidential bases live in ``Material.bases``, not in ``files``)."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from pyramid.authorization import Everyone

from statportal.content.paths import find_by_path, path_of
from statportal.content.resources import Section
from statportal.i18n import timezone
from statportal.security.acl import permits
from statportal.security.permissions import VIEW
from statportal.workflow import state_of


class BundleError(Exception):
    """Bad input (not a section, output exists …): the message is for the user."""


@dataclass
class Node:
    """A section in the table of contents: its materials and sub-sections."""
    section: object
    path: str
    materials: list = field(default_factory=list)
    children: list = field(default_factory=list)

    def count(self):
        return len(self.materials) + sum(child.count() for child in self.children)

    def all_materials(self):
        yield from self.materials
        for child in self.children:
            yield from child.all_materials()


def find_section(portal, section_path):
    """The Section at ``section_path``, or a :class:`BundleError` saying what it is."""
    found = find_by_path(portal, section_path)
    if found is None:
        raise BundleError(f"{section_path}: no such path in the portal")
    if not isinstance(found, Section):
        raise BundleError(f"{section_path}: not a section (it is a "
                          f"{getattr(found, '__content_type__', type(found).__name__)}); "
                          "give the path of a section, such as /official-statistics")
    return found


def is_public(obj, registry):
    """Published and viewable by Anonymous (Everyone), as the portal decides it."""
    if state_of(obj, "material") != "published":
        return False
    return bool(permits(registry, obj, [Everyone], VIEW))


def published_on(material):
    when = getattr(material, "published_at", None)
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when


def collect(section, registry, since=None):
    """The :class:`Node` tree of ``section``: public materials published on or after
    ``since`` (a day in ``statportal.timezone``), newest first; sub-sections the public
    may view."""
    zone = timezone(registry)
    node = Node(section, path_of(section))
    for _name, obj in section.items():
        if isinstance(obj, Section):
            if permits(registry, obj, [Everyone], VIEW):
                node.children.append(collect(obj, registry, since))
        elif getattr(obj, "__content_type__", None) == "Material" and is_public(obj, registry):
            when = published_on(obj)
            if since is not None and (when is None or when.astimezone(zone).date() < since):
                continue
            node.materials.append(obj)
    node.materials.sort(key=lambda m: published_on(m) or datetime.min.replace(tzinfo=UTC),
                        reverse=True)
    return node


def parse_since(text):
    """``--since YYYY-MM-DD`` as a date, or a :class:`BundleError`."""
    if text is None or isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BundleError(f"--since {text!r}: not a date; write it as YYYY-MM-DD") from None
