"""Running the statportal console script in a subprocess."""

import io

from statportal.scripts.cli import main


def run(*argv):
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()
