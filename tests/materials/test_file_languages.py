"""Listings and the material page show the languages the stored files really have, by
name (each in itself, marked with ``lang``), not the declared ``languages`` field."""

from tests.helpers import samples
from tests.helpers.materials import SECTION, add, as_user, publish, upload

HTML = {"Accept": "text/html", "Accept-Language": "en"}


def test_the_files_languages_not_the_declared_ones(app, testapp, demo):
    # Declared in three languages; files in Kazakh and Russian only.
    url = add(testapp, languages=["kk", "ru", "en"], files=[
        upload("kesto_kaz.xlsx", samples.xlsx_table(samples.TABLE)),
        upload("table_rus.xlsx", samples.xlsx_table(samples.TABLE))])
    publish(testapp, url)
    as_user(testapp, None)
    listing = testapp.get(SECTION + "/", headers=HTML)
    item = next(li for li in listing.html.select(".meta")
                if li.select(".lang-tag") and li.find_parent().find("a", href=True)
                and url in li.find_parent().find("a")["href"])
    assert [(t["lang"], t.text) for t in item.select(".lang-tag")] == [
        ("kk", "Қазақша"), ("ru", "Русский")]
    assert "English" not in item.text and ">en<" not in str(item)
    page = testapp.get(url, headers=HTML)
    shown = page.html.find("dd", class_="file-languages")
    assert [(s["lang"], s.text) for s in shown.find_all("span")] == [
        ("kk", "Қазақша"), ("ru", "Русский")]
    assert page.html.find("dt", string="Files in") is not None
