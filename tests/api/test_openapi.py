"""The OpenAPI document says what the fields take."""



def test_the_openapi_document_says_what_the_fields_take(testapp):
    schemas = testapp.get("/@openapi.json").json["components"]["schemas"]
    keywords = schemas["Material"]["properties"]["keywords"]["oneOf"]
    assert [k["type"] for k in keywords] == ["string", "array", "object"]
    assert set(keywords[2]["properties"]) == {"kk", "ru", "en"}
    reason = schemas["ReleaseEntry"]["properties"]["reason"]
    assert [r["type"] for r in reason["oneOf"]] == ["string", "object"]
    assert reason["writeOnly"] is True
    assert schemas["PlacementRequest"]["properties"]["register_note"]["type"] == "string"


JSON = "application/json"


def _json_views(registry):
    """The introspector's JSON views: ``accept=application/json`` or an API view name
    (``@…``); not exception views, nor those kept out with ``openapi=False``."""
    for item in registry.introspector.get_category("views"):
        view = item["introspectable"]
        context = view["context"]
        if isinstance(context, type) and issubclass(context, BaseException):
            continue
        accept = view["accept"]
        accepts = accept if isinstance(accept, list | tuple) else [accept]
        if view.get("openapi") is False or view["route_name"] is not None:
            continue
        if JSON in accepts or (view["name"] or "").startswith("@"):
            yield view


def test_every_json_view_is_in_the_document(app, testapp):
    paths = testapp.get("/@openapi.json").json["paths"]
    walked = 0
    for view in _json_views(app.registry):
        given = view["request_methods"] or ("GET",)
        given = (given,) if isinstance(given, str) else given
        methods = [m.lower() for m in given if m != "HEAD"]
        name = view["name"] or ""
        if name:
            found = [p for p in paths if f"/{name}" in p]
        else:  # an object's own URL: the portal, a fixed place or /{path}
            found = [p for p in paths if "@" not in p]
        for method in methods:
            assert any(method in paths[p] for p in found), \
                f"{method.upper()} {name or '(object)'} on {view['context']} is missing"
        walked += 1
    assert walked >= 30
    for name in ("@search", "@queue", "@register", "@translations", "@outbox"):
        assert any(p.endswith("/" + name) for p in paths), name


def test_an_add_ons_json_view_appears_with_its_permission(tmp_path):
    from pyramid.config import Configurator
    from webtest import TestApp

    from statportal.content.resources import Portal
    from statportal.testing import close_app, make_settings

    with Configurator(settings=make_settings(tmp_path)) as config:
        config.include("statportal")
        config.commit()
        config.add_view(lambda context, request: {"ok": True}, context=Portal,
                        name="@figures", renderer="json", permission="statportal.manage")
        config.add_openapi_operation("/@figures", "get", summary="The office's figures")
    app = config.make_wsgi_app()
    try:
        paths = TestApp(app).get("/@openapi.json").json["paths"]
        assert paths["/@figures"]["get"]["summary"] == "The office's figures"
        assert paths["/@figures"]["get"]["x-permission"] == "statportal.manage"
        assert set(paths["/@figures"]["get"]["responses"]) >= {"200", "400", "403"}
    finally:
        close_app(app)
