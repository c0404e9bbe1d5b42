"""Fail closed beyond table files: a table in a text file is presumed, a text that is no table
publishes, a category changed after publishing is checked, and reading a text for a table
takes no time whatever its cells."""

import pytest

from tests.helpers.disclosure_samples import published_xlsx
from tests.helpers.fail_closed import add, errors
from tests.helpers.materials import publish, upload

CSV_AS_TEXT = "Аймақ;Жалақы 2026\nАбай;412,5\nАқмола;398,1\nАлматы;501\n".encode()


TSV_AS_TEXT = b"Region\tWages\nAbai\t412.5\nAkmola\t398.1\n"


HTML_TABLE_AS_TEXT = b"<table><tr><th>Abai</th><td>412.5</td></tr></table>\n"


PROSE = (b"Wages rose in 2026, as the tables show.\nIn Abai, Akmola and Almaty, "
         b"by 4 %, 3 % and 5 %.\nSee the methodology, section 2.\n")


@pytest.mark.parametrize("data", [CSV_AS_TEXT, TSV_AS_TEXT, HTML_TABLE_AS_TEXT])
def test_a_table_in_a_text_file_is_presumed(testapp, demo, data):
    """.csv is the same format as .txt to the upload check: a table named .txt is a table."""
    url = add(testapp, files=[upload("wages.txt", data, "en")], languages=["en"])
    assert errors(publish(testapp, url, status=409)) == [("missing_basis", "bases",
                                                          "wages.txt")]
    assert testapp.get(f"/++api++{url}").json["review_state"] == "private"


def test_a_text_that_is_no_table_publishes(testapp, demo):
    url = add(testapp, files=[upload("note.txt", PROSE, "en")], languages=["en"],
              title={"en": "A note"})
    publish(testapp, url)
    assert testapp.get(f"/++api++{url}").json["review_state"] == "published"


class TestCategoryAfterPublishing:
    @pytest.fixture
    def app_settings(self, tmp_path):
        from statportal.testing import make_settings

        return make_settings(tmp_path, **{
            "statportal.disclosure.presumed_categories": "latest_data, press_release"})

    def test_a_category_changed_after_publishing_is_checked(self, app, testapp, demo):
        url = add(testapp, category="bulletin", languages=["en"],
                  files=[upload("wages.xlsx", published_xlsx(), "en")])
        publish(testapp, url)
        response = testapp.patch_json(f"/++api++{url}", {"category": "latest_data"},
                                      status=409)
        assert errors(response) == [("missing_basis", "bases", "wages.xlsx")]
        assert testapp.get(f"/++api++{url}").json["category"] == "bulletin"


def test_reading_a_text_for_a_table_takes_no_time_whatever_its_cells():
    import time

    from statportal.confidentiality.material import _text_is_table

    hostile = ("1" + " " * 60000 + "x;y\n").encode() * 2
    started = time.monotonic()
    assert _text_is_table(hostile) is False
    assert time.monotonic() - started < 1
