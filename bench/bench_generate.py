"""Generate, the disclosure page and publishing, through the JSON API, on a large table.

    .venv/bin/python bench/bench_generate.py [--districts 220] [--divisions 88] \
        [--enterprises 200000]

Runs the portal as ``make serve`` stores it (FileStorage with blobs, a temporary
directory) and drives it through WebTest, as the executor, the coordinator and the
moderator would: a placement request whose tables (.xlsx pivots in English and Russian)
are the issue's 220-district × 88-division table of one-decimal values, unprotected
(``tests/helpers/disclosure_decimal_samples.py``), with its basis (.xlsx) listing them; the
disclosure report (JSON and the page); ``POST …/@generate`` with each of art. 22's methods;
the chain to Place; the protected tables placed again for a release, whose checks the
worker runs ahead of the second (then the release transaction); and a request with the
same tables and no basis, which the fail-closed check must refuse naming every table. A
small table (3 districts × 42 divisions) runs first in the same process, as the baseline
(after a warm-up run of the same size). Checks on the way: no 500, the findings of each
generated table are empty, every number of the generated and published .xlsx has at most
the basis's decimals (no float noise), Place publishes.
"""

import argparse
import base64
import io
import re
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from statportal.testing import (  # noqa: E402
    DEMO_PASSWORD,
    close_app,
    make_app,
    make_settings,
    open_portal,
)

REQUESTS = "/++api++/requests"


def upload(name, data, language=None, **extra):
    body = {"data": base64.b64encode(data).decode(), "encoding": "base64", "filename": name,
            **extra}
    if language:
        body["language"] = language
    return body


def basis_workbook(districts, divisions, enterprises):
    """``(basis .xlsx bytes, Table)``: the long form (values as numbers, as Excel keeps
    them) and the two hierarchies."""
    from openpyxl import Workbook
    from tests.helpers.disclosure_decimal_samples import basis_rows, hierarchies

    from statportal.confidentiality.basis import read_basis

    regions, activity = hierarchies(districts, divisions)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("basis")
    sheet.append(["region", "activity", "value", "respondents", "top1", "top2"])
    for region, code, value, respondents, top1, top2 in basis_rows(
            districts, divisions, enterprises):
        sheet.append([region, code, value / 10, respondents, top1 / 10, top2 / 10])
    for name, rows in (("region", regions), ("activity", activity)):
        dim = book.create_sheet(name)
        dim.append(["code", "parent", "label"])
        for row in rows:
            dim.append(list(row))
    stream = io.BytesIO()
    book.save(stream)
    data = stream.getvalue()
    return data, read_basis("table.basis.xlsx", data)


def numbers_of(data):
    """Every number of every sheet of an .xlsx."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return [v for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                for v in row if isinstance(v, int | float) and not isinstance(v, bool)]
    finally:
        book.close()


def noisy(values, decimals=1):
    """The values with more than ``decimals`` decimals (float noise such as 7471.900000000001)."""
    return [v for v in values if isinstance(v, float) and repr(v) != repr(round(v, decimals))]


class Timer:
    def __init__(self):
        self.times = {}

    def __call__(self, label, call, *args, **kw):
        began = time.perf_counter()
        result = call(*args, **kw)
        self.times[label] = time.perf_counter() - began
        return result


def run(client, app, districts, divisions, enterprises, out):
    from statportal.disclosure.output import to_html, xlsx_bytes
    from statportal.releases.worker import prepare_releases, run_releases

    timer = Timer()
    basis, table = basis_workbook(districts, divisions, enterprises)
    tables = {"table-en.xlsx": xlsx_bytes(table, {}, "region", "activity", "en"),
              "table-ru.xlsx": xlsx_bytes(table, {}, "region", "activity", "ru")}
    cells = sum(1 for key in table.cells if table.cells[key].value is not None)
    payload = {
        "@type": "PlacementRequest", "title": {"en": f"Wages {districts}x{divisions}",
                                                "ru": f"Зарплата {districts}x{divisions}"},
        "category": "express_information", "unit": "/orgunits/industry-statistics",
        "section": "/official-statistics/economy/industry", "placement_type": "new",
        "languages": ["en", "ru"], "executor_email": "aigerim@stat.example.kz",
        "executor": "Aigerim", "head_of_unit": "Marat", "page_count": 1,
        "paper_number": "05-12/345", "paper_date": "2026-11-26",
        "files": [upload("table-en.xlsx", tables["table-en.xlsx"], "en"),
                  upload("table-ru.xlsx", tables["table-ru.xlsx"], "ru")],
        "bases": [upload("table.basis.xlsx", basis, tables=list(tables))],
        "primary_data": True}
    login(client, "aigerim")
    url = timer("POST request (table + basis)", client.post_json, REQUESTS, payload,
                status=201).json["@id"].replace("http://localhost", "")
    page = url.replace("/++api++", "")
    cold(app)
    report = timer("GET @disclosure (JSON), cold", client.get, f"{url}/@disclosure").json
    timer("GET @@disclosure (page), warm", client.get, f"{page}/@@disclosure",
          headers={"Accept": "text/html"})
    cold(app)
    timer("GET @@disclosure (page), cold", client.get, f"{page}/@@disclosure",
          headers={"Accept": "text/html"})
    before = {f.get("type") for f in report["findings"]}
    first, second = table.hierarchies["region"], table.hierarchies["activity"]
    region_leaf = next(c for c in first.parents if first.lineage(c)[1:] and
                       len(first.lineage(c)) == 3)
    siblings = [c for c in first.parents if first.parents[c] == first.parents[region_leaf]
                and c != region_leaf]
    divisions_of = [c for c in second.parents if len(second.lineage(c)) == 3]
    divisions_of = next([c for c in divisions_of if second.parents[c] == second.parents[d]]
                        for d in divisions_of
                        if sum(second.parents[c] == second.parents[d] for c in divisions_of) > 1)
    methods = [
        ("collapse", {"method": "collapse", "dim": "region", "depth": 1}),
        ("combine", {"method": "combine", "dim": "activity", "codes": divisions_of[:2],
                     "new_code": "COMBINED", "label": "Two divisions"}),
        ("transfer", {"method": "transfer", "dim": "region", "code": region_leaf,
                      "to": siblings[0]} if siblings else None),
        ("suppress", {"method": "suppress"}),
    ]
    for name, body in methods:
        if body is None:
            continue
        response = timer(f"POST @generate ({name})", client.post_json, f"{url}/@generate",
                         {"rows": "region", "cols": "activity", **body}, status="*")
        problems = [] if response.status_int == 200 else [response.text[:300]]
        data = response.json if response.status_int == 200 else {}
        if data.get("findings"):
            problems.append(f"findings {[f.get('type') for f in data['findings']][:5]}")
        out.append((name, response.status_int, data.get("generated"), problems))
    cold(app)
    timer("GET @@disclosure (page), generated, cold", client.get, f"{page}/@@disclosure",
          headers={"Accept": "text/html"})
    timer("GET @disclosure (JSON), generated, warm", client.get, f"{url}/@disclosure")
    for login_name, transition in (("aigerim", "submit"), ("marat", "approve"),
                                   ("dana", "register"), ("yerlan", "place")):
        login(client, login_name)
        if transition == "place":
            cold(app)  # as another web process, whose cache has not seen the tables
        timer(f"POST @workflow/{transition}" + (", cold" if transition == "place" else ""),
              client.post_json, f"{url}/@workflow/{transition}", {"comment": "benchmark"},
              status=200)
    material = client.get(url).json["material"]
    login(client, None)
    public = timer("GET the published material (JSON)", client.get,
                   f"/++api++{material}").json
    shown = timer("GET the published material (page)", client.get, material,
                  headers={"Accept": "text/html"}).text
    text = re.sub(r"<[^>]*>", " ", shown)  # the page's text, not its times' attributes
    noise = re.findall(r"\d[.,]\d{6,}", text)  # 7471.900000000001 on the page
    for f in public["files"]:
        data = client.get(f["@id"].replace("http://localhost", "")).body
        if f["filename"].endswith(".xlsx"):
            noise += noisy(numbers_of(data))
    # the protected tables again, placed for a release: the worker's checks ahead of the
    # release's second, then the release transaction at the second (cold cache: the worker
    # command's own process)
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=10)
    login(client, "dana")
    entry = client.post_json("/++api++/calendar", {
        "@type": "ReleaseEntry", "title": {"en": f"Wages {districts}x{divisions}"},
        "release_at": later.isoformat(), "status": "confirmed",
        "category": "express_information", "non_working_confirmed": True,
        "section": "/official-statistics/economy/industry"}, status=201).json["@id"].replace(
        "http://localhost/++api++", "")
    login(client, "aigerim")
    protected = [upload(f["filename"], client.get(f["@id"].replace("http://localhost", ""))
                        .body, f["language"]) for f in public["files"]]
    scheduled = client.post_json(REQUESTS, dict(
        payload, files=protected, release=entry, title={"en": "Scheduled", "ru": "Позже"}),
        status=201).json["@id"].replace("http://localhost", "")
    for login_name, transition in (("aigerim", "submit"), ("marat", "approve"),
                                   ("dana", "register"), ("yerlan", "place")):
        login(client, login_name)
        client.post_json(f"{scheduled}/@workflow/{transition}", {"comment": "benchmark"},
                         status=200)
    cold(app)
    timer("worker: the release's checks, ahead of its second (cold)", prepare_releases,
          app.registry, later)
    released = timer("worker: the release transaction at the second", run_releases,
                     app.registry, later).released
    assert released == [entry], released
    # fail closed: the same tables (and an .ods and a web page of the table) without a basis
    login(client, "aigerim")
    page_table = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Table</title>"
                  "</head><body>" + to_html(table, {}, "region", "activity", "en") +
                  "</body></html>").encode("utf-8")
    payload = dict(payload, bases=[], title={"en": "No basis", "ru": "Без основы"},
                   files=[*payload["files"], upload("table-en.html", page_table, "en")])
    payload.pop("primary_data")
    bare = client.post_json(REQUESTS, payload, status=201).json["@id"].replace(
        "http://localhost", "")
    for login_name, transition in (("aigerim", "submit"), ("marat", "approve"),
                                   ("dana", "register")):
        login(client, login_name)
        client.post_json(f"{bare}/@workflow/{transition}", {}, status=200)
    login(client, "yerlan")
    refused = timer("POST @workflow/place, no basis (refused)", client.post_json,
                    f"{bare}/@workflow/place", {"comment": "benchmark"}, status="*")
    named = sorted({(f.get("location") or {}).get("file") for f in
                    refused.json.get("errors", [])
                    if f.get("type") == "missing_basis" and
                    isinstance(f.get("location"), dict)} - {None})
    return {"cells": cells, "before": sorted(before), "times": timer.times,
            "noise": noise[:5], "refused": refused.status_int, "named": named,
            "public_state": public["review_state"]}


def cold(app):
    """Forget what the checks cached (by content) for this application."""
    from statportal.confidentiality.cache import disclosure_cache

    disclosure_cache(app.registry).clear()


def login(client, name):
    client.authorization = ("Basic", (name, DEMO_PASSWORD)) if name else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=220)
    parser.add_argument("--divisions", type=int, default=88)
    parser.add_argument("--enterprises", type=int, default=200_000)
    args = parser.parse_args(argv)
    from webtest import TestApp

    from statportal.demo import add_demo_content

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(make_settings(Path(tmp)))
        try:
            with open_portal(app) as portal:
                add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD,
                                 materials=False)
            client = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                                 "REMOTE_ADDR": "127.0.0.1"})
            for label, size in (("warm-up", (3, 42, 120)), ("small", (3, 42, 120)),
                                ("large", (args.districts, args.divisions,
                                           args.enterprises))):
                generated = []
                results[label] = run(client, app, *size, generated)
                results[label]["generated"] = generated
                print(f"{label}: {size[0]} × {size[1]}, {results[label]['cells']} non-empty "
                      f"cells", flush=True)
        finally:
            close_app(app)
    small, large = results["small"], results["large"]
    print(f"\n| step | small (ms) | {args.districts}×{args.divisions} (s) |")
    print("|---|---|---|")
    for label in large["times"]:
        print(f"| {label} | {small['times'].get(label, 0) * 1000:,.0f} | "
              f"{large['times'][label]:.2f} |")
    results.pop("warm-up")
    for label, result in results.items():
        print(f"\n{label}: findings before Generate {result['before']}")
        for name, status, files, problems in result["generated"]:
            print(f"  generate {name}: {status} {files} {problems or 'no findings'}")
        print(f"  published: {result['public_state']}, values with more than one decimal "
              f"in the published .xlsx and page: {result['noise'] or 'none'}")
        print(f"  without a basis: Place answered {result['refused']}, missing_basis names "
              f"{result['named']}")


if __name__ == "__main__":
    main()
