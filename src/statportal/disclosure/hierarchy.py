"""A classification's hierarchy, read from a CSV ``code,parent,label`` (the root has an
empty parent; optional ``label_kk``, ``label_ru``, ``label_en`` give labels per
language): regions (republic → oblasts → districts), activities (total → sections →
divisions …). Checked when read: one root, known parents, no cycles, no duplicates."""

import csv
import io
from dataclasses import dataclass, field

from statportal.disclosure.errors import InputError


@dataclass
class Hierarchy:
    name: str
    parents: dict = field(default_factory=dict)    # code -> parent ("" for the root)
    labels: dict = field(default_factory=dict)
    children: dict = field(default_factory=dict)   # code -> [codes], in file order
    root: str = ""
    names: dict = field(default_factory=dict)      # code -> {language: label}, optional

    @classmethod
    def from_rows(cls, name, rows, file=None):
        """``rows``: ``(line, code, parent, label)``."""
        hierarchy = cls(name)
        lines, roots = {}, []
        for line, code, parent, label in rows:
            if not code:
                raise InputError("the code is empty", file, line, "code")
            if code in lines:
                raise InputError(f"code {code!r} is given twice (first on line "
                                 f"{lines[code]})", file, line, "code")
            lines[code] = line
            hierarchy.parents[code] = parent
            hierarchy.labels[code] = label or code
            if not parent:
                roots.append((line, code))
        if not roots:
            raise InputError("no root: one code must have an empty parent", file)
        if len(roots) > 1:
            raise InputError(f"two roots: {roots[0][1]!r} (line {roots[0][0]}) and "
                             f"{roots[1][1]!r}", file, roots[1][0], "parent")
        hierarchy.root = roots[0][1]
        for code, parent in hierarchy.parents.items():
            if parent and parent not in hierarchy.parents:
                raise InputError(f"the parent {parent!r} of {code!r} is not a code",
                                 file, lines[code], "parent")
            hierarchy.children.setdefault(code, [])
            if parent:
                hierarchy.children.setdefault(parent, []).append(code)
        for code in hierarchy.parents:  # every code must reach the root
            seen, current = set(), code
            while current:
                if current in seen:
                    raise InputError(f"{code!r} is in a cycle of parents", file,
                                     lines[code], "parent")
                seen.add(current)
                current = hierarchy.parents[current]
        return hierarchy

    @classmethod
    def from_csv(cls, name, source, file=None):
        """``source``: a path, or text. Columns ``code``, ``parent``, ``label``."""
        if isinstance(source, str) and "\n" not in source and file is None:
            file = source
            with open(source, encoding="utf-8-sig", newline="") as stream:
                return cls.from_csv(name, stream.read(), file)
        reader = csv.DictReader(io.StringIO(source))
        missing = [c for c in ("code", "parent") if c not in (reader.fieldnames or ())]
        if missing:
            raise InputError(f"missing column {missing[0]!r} (expected code,parent,label)",
                             file, 1, missing[0])
        rows, names = [], {}
        languages = [c for c in (reader.fieldnames or ()) if c.startswith("label_")]
        for n, row in enumerate(reader, start=2):
            code = (row.get("code") or "").strip()
            rows.append((n, code, (row.get("parent") or "").strip(),
                         (row.get("label") or "").strip()))
            translated = {c[6:]: (row.get(c) or "").strip() for c in languages}
            if any(translated.values()):
                names[code] = {k: v for k, v in translated.items() if v}
        hierarchy = cls.from_rows(name, rows, file)
        hierarchy.names = names
        return hierarchy

    def label(self, code, language=None):
        """The code's label in ``language`` when the hierarchy has it, else its label."""
        return (self.names.get(code) or {}).get(language) or self.labels.get(code, code)

    def is_leaf(self, code):
        return not self.children.get(code)

    def leaves(self):
        return [code for code in self.parents if self.is_leaf(code)]

    def lineage(self, code):
        """The code and its ancestors up to the root."""
        result = []
        while code:
            result.append(code)
            code = self.parents[code]
        return result

    def depth(self, code):
        return len(self.lineage(code)) - 1

    def __contains__(self, code):
        return code in self.parents
