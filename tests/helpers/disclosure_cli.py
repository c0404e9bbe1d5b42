"""Running statportal disclosure on files and reading what it wrote."""

import csv
import io


def run(*argv):
    from statportal.scripts.cli import main

    out, err = io.StringIO(), io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(err):
        code = main(list(argv), out=out)
    return code, out.getvalue(), err.getvalue()


def dims(path):
    return ["--dim", f"region={path / 'regions.csv'}", "--dim",
            f"activity={path / 'activity.csv'}"]


def read(path):
    with open(path, encoding="utf-8") as stream:
        return {(r["region"], r["activity"]): (r["shown"], r["status"])
                for r in csv.DictReader(stream)}
