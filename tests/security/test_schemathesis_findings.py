"""What the schemathesis run (test_schemathesis.py) found, each pinned by a test of its own:

1. Under waitress every refusal of a body (413 over the limit, 400 malformed) answered 500:
   the application set ``Connection: close``, a hop-by-hop header a WSGI application may
   not send (PEP 3333), and waitress turns it into a 500 of its own.
2. A multipart POST without a body and without its boundary reached the CSRF check, whose
   ``request.POST`` failed: 500.
3. ``@sharing`` with a role that is not a text (``"revoke": [[null]]``): 500.
4. The register's ``format=csv|xlsx`` file was answered with a media type the document did
   not name.
5. A Material whose ``languages`` list held an object (``[{}]``): 500 in colander's Set.
6. The batch parameters were documented without their maximum.
"""

import http.client
import threading

import pytest

from statportal.testing import basic_auth, last_transaction

MB = 1024 * 1024


@pytest.fixture
def served(app, demo):
    import waitress.server

    server = waitress.server.create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True, name="findings-server")
    thread.start()
    try:
        yield server.effective_port
    finally:
        server.close()
        thread.join(timeout=5)


def send(port, method, path, body=b"", **headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        connection.close()


@pytest.mark.parametrize(("path", "content_type", "body", "status"), [
    ("/login", "application/x-www-form-urlencoded", b"login=" + b"x" * MB, 413),
    ("/++api++/questions", "application/json", b"\x00", 400),
    ("/++api++/questions", "multipart/form-data", b"{}", 400),
])
def test_a_refused_body_is_answered_as_such_by_waitress(app, served, path, content_type, body,
                                                        status):
    before = last_transaction(app)
    got, headers, text = send(served, "POST", path, body, **{
        "Content-Type": content_type, "Accept": "application/json"})
    assert got == status, text[:300]
    assert b"unexpected internal server error" not in text
    assert last_transaction(app) == before


def test_an_empty_multipart_post_without_boundary_is_a_400(app, testapp, demo):
    before = last_transaction(app)
    testapp.authorization = basic_auth("admin")
    answer = testapp.post("/++api++/official-statistics/@sharing", b"", status=400,
                          headers={"Content-Type": "multipart/form-data"})
    assert "multipart/form-data" in answer.json["message"]
    assert last_transaction(app) == before


@pytest.mark.parametrize("roles", [[[None, None]], [None], [1], [{"role": "Editor"}]])
@pytest.mark.parametrize("key", ["grant", "revoke"])
def test_sharing_refuses_a_role_that_is_not_a_name_by_its_field(app, testapp, demo, key,
                                                                roles):
    testapp.authorization = basic_auth("admin")
    before = last_transaction(app)
    answer = testapp.post_json("/++api++/official-statistics/@sharing",
                               {"principal": "user:aigerim", key: roles}, status=400)
    assert answer.json["errors"][0]["field"] == key
    assert last_transaction(app) == before


def test_the_document_names_the_register_files_media_types(testapp, demo):
    testapp.authorization = basic_auth("admin")
    document = testapp.get("/++api++/@openapi.json").json
    content = document["paths"]["/requests/@register"]["get"]["responses"]["200"]["content"]
    for format_, media_type in (("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats"
                                                      "-officedocument.spreadsheetml.sheet")):
        answer = testapp.get(f"/++api++/requests/@register?format={format_}")
        assert answer.content_type == media_type and media_type in content


@pytest.mark.parametrize("languages", [[{}], [["kk"]], ["kk", {"ru": 1}]])
def test_a_set_field_with_objects_in_its_list_is_a_400_naming_it(app, testapp, demo,
                                                                 languages):
    """5. ``"languages": [{}]`` in a Material: colander's Set failed on it (500)."""
    from tests.helpers.materials import SECTION, material

    testapp.authorization = basic_auth("admin")
    added = testapp.post_json(f"/++api++{SECTION}", material(), status=201).json["@id"]
    before = last_transaction(app)
    refused = testapp.post_json(f"/++api++{SECTION}", material(languages=languages),
                                status=400)
    assert refused.json["errors"] == [{"field": "languages", "type": "invalid",
                                       "message": "A list of texts is expected."}]
    path = added.split("/++api++", 1)[1]
    refused = testapp.patch_json(f"/++api++{path}", {"languages": languages}, status=400)
    assert refused.json["errors"][0]["field"] == "languages"
    assert last_transaction(app) == before


def test_the_document_bounds_the_batch_as_the_server_does(testapp, demo):
    """6. ``b_size`` over ``statportal.batch_max`` and a ``b_start`` of ten digits are
    refused by name; the document now says so (schemathesis drew them as valid)."""
    document = testapp.get("/++api++/@openapi.json").json
    for path in ("/", "/{path}"):
        schemas = {p["name"]: p["schema"] for p in document["paths"][path]["get"]["parameters"]}
        assert schemas["b_size"]["maximum"] == 200
        assert schemas["b_start"]["maximum"] == 999_999_999
    testapp.get("/++api++/official-statistics", {"b_size": 200, "b_start": 999_999_999})
    for name, value in (("b_size", 201), ("b_start", 1_000_000_000)):
        refused = testapp.get("/++api++/official-statistics", {name: value}, status=400)
        assert refused.json["errors"][0]["field"] == name
