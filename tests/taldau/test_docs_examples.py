"""docs/taldau.md's examples work as written against the demo (``make serve``'s content):
every curl command's address, body and credentials through WebTest (the import with the
docs' own ``grp.csv``), and the Python examples (pandas, pxwebpy) run over HTTP against
the same app served by waitress. The demo is made at the tests' ``NOW``, so the docs'
``asOf`` date comes after its vintages whenever the suite runs."""

import base64
import re
import shlex
import threading
from pathlib import Path

import pytest
from webtest import TestApp

from statportal.testing import DEMO_PASSWORD, close_app, make_app, make_settings, open_portal
from tests.helpers.clock import NOW

DOCS = Path(__file__).resolve().parents[2] / "docs" / "taldau.md"
DEMO = "http://localhost:6543"  # make serve's address, as the docs write it


def blocks():
    """The docs' fenced code blocks, in order."""
    return re.findall(r"^```\n(.*?)^```$", DOCS.read_text(encoding="utf-8"), re.S | re.M)


def curl_commands():
    """Each curl command of the docs (continuation lines joined) as its words."""
    found = []
    for block in blocks():
        for command in block.replace("\\\n", " ").splitlines():
            if command.startswith("curl "):
                found.append(shlex.split(command))
    return found


def csv_example():
    [block] = [b for b in blocks() if b.startswith("region,activity,period,value,status\n")]
    return block.encode("utf-8")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The demo at ``NOW`` (clock frozen for the module): (WebTest app, waitress URL)."""
    import waitress.server

    from statportal import clock
    from statportal.demo import add_demo_content

    with clock.frozen(NOW):
        app = make_app(make_settings(tmp_path_factory.mktemp("docs-examples")))
        with open_portal(app) as portal:
            add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD)
        server = waitress.server.create_server(app, host="127.0.0.1", port=0, threads=2)
        thread = threading.Thread(target=server.run, daemon=True, name="docs-examples")
        thread.start()
        try:
            yield TestApp(app), f"http://127.0.0.1:{server.effective_port}"
        finally:
            server.close()
            thread.join(timeout=5)
            close_app(app)


def request(testapp, words):
    """Do what curl would with ``words``; returns the response."""
    options, url, headers, auth = {}, None, {}, None
    it = iter(words[1:])
    for word in it:
        if word in ("-H", "-d", "-u"):
            options.setdefault(word, []).append(next(it))
        elif word == "-g":
            options["-g"] = True
        else:
            url = word
    assert url.startswith(DEMO + "/"), url
    # curl reads [ ] as its own ranges unless -g: the docs must say -g
    assert options.get("-g") or not re.search(r"[\[\]]", url), url
    for header in options.get("-H", []):
        name, value = header.split(": ", 1)
        headers[name] = value
    if options.get("-u"):
        login, password = options["-u"][0].split(":", 1)
        assert password == "$PASSWORD"  # read from var/demo-credentials.txt
        auth = ("Basic", (login, DEMO_PASSWORD))
    path = url[len(DEMO):]
    if "-d" not in options:
        return testapp.get(path, headers=headers, status="*")
    body = options["-d"][0]
    encoded = base64.b64encode(csv_example()).decode()
    body = body.replace("$(base64 < grp.csv | tr -d '\\n')", encoded)
    if auth:
        testapp.authorization = auth
    try:
        return testapp.post(path, body, headers=headers, status="*")
    finally:
        testapp.authorization = None


def test_every_curl_example_of_the_docs_answers(served):
    testapp, _url = served
    commands = curl_commands()
    assert len(commands) >= 5  # the import and the API's four
    for words in commands:
        response = request(testapp, words)
        if "/@import" in words[-1]:
            assert response.status_int == 201, response.text
            vintage = response.json
            # what the docs promise: public, 3 rows, 1 confidential, 2 revised
            assert (vintage["state"], vintage["rows"]) == ("public", 3)
            assert vintage["summary"]["confidential"] == 1
            assert vintage["summary"]["revised"] == 2
        else:
            assert response.status_int == 200, (words[-1], response.text[:300])
            assert response.body


def test_the_python_examples_run_against_the_served_demo(served):
    _testapp, url = served
    python = [b for b in blocks() if b.startswith(("import pandas", "from pxweb"))]
    assert len(python) == 2
    names = {}
    for block in python:
        exec(compile(block.replace(DEMO, url), str(DOCS), "exec"), names)  # noqa: S102
    names["api"]._client.session.close()  # its kept-alive connections would hold waitress
    grp = names["grp"]  # the CSV read by pandas: value numbers, status keeps X
    assert str(grp["value"].dtype) == "float64"
    confidential = grp[grp["status"] == "X"]
    assert len(confidential) and confidential["value"].isna().all()
    assert set(confidential["activity"]) == {"B", "H"}
    wages = names["wages"]  # pxwebpy's rows: KZ-7* are the three cities, 12 months
    assert sorted(wages["Region"].unique()) == ["Almaty city", "Astana city",
                                               "Shymkent city"]
    assert len(wages) == 36 and wages["value"].notna().all()


def test_the_imports_refusals_are_json_as_the_docs_say(served):
    """A wrong password 401, a user without the import permission 403: both JSON, with
    or without the example's Accept header."""
    testapp, _url = served
    [words] = [w for w in curl_commands() if "/@import" in w[-1]]
    path = words[-1][len(DEMO):]
    body = {"file": {"filename": "grp.csv",
                     "data": base64.b64encode(csv_example()).decode()}}
    for login, password, status in (("aigerim", "wrong", 401),
                                     ("dana", DEMO_PASSWORD, 403)):  # a coordinator
        testapp.authorization = ("Basic", (login, password))
        try:
            response = testapp.post_json(path, body, status=status)
        finally:
            testapp.authorization = None
        assert response.content_type == "application/json", (login, response.text[:200])
        assert response.json["errors"]
