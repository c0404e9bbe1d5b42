"""The staff's import page ``<indicator>/@@import``: a form with the CSRF token, the errors
listed by row and column, the vintages below."""

from webtest import Upload

from statportal.testing import last_transaction, login_html
from tests.helpers.taldau import REGIONS, SEXES, dimension, make_indicator

PATH = "/data/wages"


def add_wages(app):
    make_indicator(app, PATH, periodicity="monthly",
                   dimensions=[dimension("region", ("Өңір", "Регион", "Region"), REGIONS),
                               dimension("sex", ("Жыныс", "Пол", "Sex"), SEXES)],
                   unit="/orgunits/industry-statistics", title={"en": "Average wage"})


def test_the_page_lists_the_errors_by_row_and_column_then_imports(app, testapp, demo,
                                                                  frozen):
    add_wages(app)
    login_html(testapp, "aigerim")
    page = testapp.get(f"{PATH}/@@import")
    assert "region, sex, period, value, status" in page.text
    form = page.forms["taldau-import-form"]
    form["file"] = Upload("wages.csv", b"region,sex,period,value\nKZ,T,2026-01,1\n"
                                       b"KZ-XXX,T,2026-01,2\nKZ,M,2026-01,abc\n")
    written = last_transaction(app)
    refused = form.submit(status=400)
    cells = [[td.text_content().strip() for td in tr.findall("td")]
             for tr in refused.lxml.xpath("//section[@class='import-errors']//tbody/tr")]
    assert [c[:2] for c in cells] == [["3", "region"], ["4", "value"]]
    assert "KZ-XXX" in cells[0][2] and "abc" in cells[1][2]
    assert last_transaction(app) == written
    form = refused.forms["taldau-import-form"]
    form["file"] = Upload("wages.csv", b"region,sex,period,value,status\n"
                                       b"KZ,T,2026-01,1.5,\nKZ,M,2026-01,,X\n")
    done = form.submit(status=303).follow()     # POST/redirect/GET (R1 finding 9)
    status = done.lxml.xpath("//p[@role='status']")[0].text_content()
    assert "vintage 1" in status and "2 rows" in status and "1 confidential" in status
    rows = done.lxml.xpath("//section[@aria-labelledby='vintages-heading']//tbody/tr")
    assert len(rows) == 1 and "wages.csv" in rows[0].text_content()


def test_the_page_needs_the_import_permission_and_the_token(app, testapp, demo, frozen):
    add_wages(app)
    login_html(testapp, "zhanar")
    testapp.get(f"{PATH}/@@import", status=403)
    testapp.reset()
    login_html(testapp, "aigerim")
    written = last_transaction(app)
    testapp.post(f"{PATH}/@@import",
                 upload_files=[("file", "w.csv", b"region,sex,period,value\nKZ,T,2026-01,1\n")],
                 status=400)   # no CSRF token
    assert last_transaction(app) == written
