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
