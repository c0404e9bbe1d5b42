"""The package data: every file beside the code (templates, catalogs, static files) is declared
in setup.cfg, so a wheel (``pip install .``) carries all the code names; a data file in a new
folder or of a new kind that no glob takes fails here, not on an installed portal."""

import configparser
import fnmatch
import re
from pathlib import Path

from setuptools import find_namespace_packages

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
#: An asset spec the code renders or a template loads: ``statportal.questions:templates/ask.pt``.
SPEC = re.compile(r"""["' ](statportal[\w.]*):([\w/.-]+\.pt)\b""")


def listed(value):
    return [item.strip() for item in re.split(r"[,\n]", value) if item.strip()]


def setup_cfg():
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg", encoding="utf-8")
    find = parser["options.packages.find"]
    packages = set(find_namespace_packages(where=str(SRC),
                                           include=listed(find.get("include", "*")),
                                           exclude=listed(find.get("exclude", ""))))
    data = {name: listed(value) for name, value in parser["options.package_data"].items()}
    return packages, data


def declared(path, packages, data):
    """Whether setuptools installs ``path``: its folder is a package and a glob takes it."""
    package = ".".join(path.relative_to(SRC).parent.parts)
    globs = data.get("*", []) + data.get(package, [])
    return package in packages and any(fnmatch.fnmatch(path.name, glob) for glob in globs)


def data_files():
    for path in sorted((SRC / "statportal").rglob("*")):
        if path.is_file() and path.suffix not in (".py", ".pyc") \
                and "__pycache__" not in path.parts:
            yield path


def test_the_package_finds_the_data_folders_as_packages():
    packages, _ = setup_cfg()
    assert "statportal.questions.templates" in packages
    assert "statportal.templates.deform" in packages
    assert not [name for name in packages if "__pycache__" in name]


def test_every_data_file_is_package_data():
    packages, data = setup_cfg()
    files = list(data_files())
    assert len([f for f in files if f.suffix == ".pt"]) > 40
    assert [str(f.relative_to(SRC)) for f in files if not declared(f, packages, data)] == []


def test_every_template_the_code_names_exists_and_is_package_data():
    packages, data = setup_cfg()
    named, missing = set(), []
    for path in (SRC / "statportal").rglob("*"):
        if path.suffix in (".py", ".pt"):
            for package, name in SPEC.findall(path.read_text(encoding="utf-8")):
                template = SRC.joinpath(*package.split("."), name)
                named.add(template)
                if not (template.is_file() and declared(template, packages, data)):
                    missing.append(f"{path.relative_to(SRC)}: {package}:{name}")
    assert len(named) > 40
    assert missing == []


def test_an_undeclared_kind_of_file_or_folder_is_found():
    packages, data = setup_cfg()
    assert not declared(SRC / "statportal" / "questions" / "templates" / "ask.js",
                        packages, data)
    assert not declared(SRC / "statportal" / "newfeature" / "templates" / "page.pt",
                        packages, data)
    assert declared(SRC / "statportal" / "questions" / "templates" / "ask.pt", packages, data)
