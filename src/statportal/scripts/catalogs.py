"""Message catalogs: ``extract`` (code and templates -> statportal.pot, with lingva),
``update`` (merge the .pot into kk, ru and en catalogs) and ``compile`` (.po -> .mo).

    python -m statportal.scripts.catalogs extract|update|compile|check
"""

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parent.parent
LOCALE = PACKAGE / "locale"
DOMAIN = "statportal"
LANGUAGES = ("kk", "ru", "en")
POT = LOCALE / f"{DOMAIN}.pot"


def extract(output=POT):
    """Write the template catalog from every .py and .pt file of the package."""
    pot_create = Path(sys.executable).with_name("pot-create")
    # Run from the project so the catalogs name files by their place in it, not this machine's.
    project = PACKAGE.parent.parent
    subprocess.run(  # noqa: S603  # nosec B603 # our own venv's pot-create, fixed arguments
        [str(pot_create), "-q", "-d", DOMAIN, "--no-linenumbers", "-s",
         "-o", str(Path(output).resolve()), str(PACKAGE.relative_to(project))],
        check=True, cwd=project)
    return output


def _read(path, locale=None):
    with open(path, "rb") as f:
        return read_po(f, locale=locale)


def update():
    template = _read(POT)
    for lang in LANGUAGES:
        path = LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        catalog = _read(path, lang) if path.exists() else None
        if catalog is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            from babel.messages.catalog import Catalog

            catalog = Catalog(locale=lang, domain=DOMAIN)
        catalog.update(template, update_header_comment=False)
        with open(path, "wb") as f:
            write_po(f, catalog, width=100, omit_header=False, ignore_obsolete=True)


def compile_all():
    written = []
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        catalog = _read(po_path, po_path.parts[-3])
        mo_path = po_path.with_suffix(".mo")
        with open(mo_path, "wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written


def main(argv=None):
    command = (argv or sys.argv[1:] or ["compile"])[0]
    if command == "extract":
        print(extract())
    elif command == "update":
        update()
    elif command == "compile":
        for path in compile_all():
            print(path.relative_to(PACKAGE.parent.parent))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
