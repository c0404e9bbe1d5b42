"""The office register's CSV: no cell a spreadsheet runs as a formula."""



# -- the register's CSV: no cell a spreadsheet runs as a formula --------------------------
def test_the_register_csv_neutralises_every_formula_start(testapp, demo):
    import csv
    import io

    from tests.helpers.placement import REQUESTS, as_user
    from tests.helpers.register import register, submitted

    url = submitted(testapp, note="\t=1+1")
    register(testapp, url, {"register_note": "\r=HYPERLINK(\"http://x.example\",\"y\")"})
    as_user(testapp, "dana")
    text = testapp.get(f"{REQUESTS}/@register?format=csv",
                       headers={"Accept-Language": "en"}).body.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    values = dict(zip(header, row, strict=True))
    assert values["Note"].startswith("'") and values["Register note"].startswith("'")
    for value in row:
        assert value[:1] not in ("=", "+", "-", "@", "\t", "\r"), value
