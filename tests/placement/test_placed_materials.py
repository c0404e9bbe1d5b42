"""The placed materials of an executor's unit (art. 10.1), and only theirs."""

from statportal.testing import login_html
from tests.helpers.placement import as_user, b64
from tests.helpers.register import placed

HTML = {"Accept": "text/html"}


class TestPlacedMaterials:
    def test_the_executor_sees_what_was_placed_from_the_units_requests(self, testapp, demo):
        first = placed(testapp, title={"ru": "Промышленное производство, октябрь 2026"},
                       languages=["ru"])
        material = first["material"]
        revised = placed(testapp, placement_type="replace", replaces=material, languages=["en"],
               title={"en": "Industrial production, October 2026 (revised)"},
               files=[{**b64("report.docx"), "language": "en"}])
        other = placed(testapp, title={"kk": "Өнеркәсіп, қараша 2026"}, languages=["kk"])
        testapp.authorization = None
        login_html(testapp, "aigerim")
        page = testapp.get("/my-work", headers={**HTML, "Accept-Language": "en"})
        rows = page.html.select("#placed-materials tbody tr")
        # One row per material, the latest placement first; the replaced one once.
        assert len(rows) == 2
        links = [row.select_one("a") for row in rows]
        assert links[0]["href"] == f"http://localhost{other['material']}"
        assert links[0].text == "Өнеркәсіп, қараша 2026" and links[0]["lang"] == "kk"
        assert links[1]["href"] == f"http://localhost{material}"
        assert links[1].text == "Industrial production, October 2026 (revised)"
        assert links[1]["lang"] == "en"
        assert rows[1].select_one("time")["datetime"] == revised["executed_at"]
        assert rows[1].select_one("a[href*='/" + revised["id"] + "']").text == \
            revised["number"]
        assert "Published" in rows[0].text
        # The public link is the public page.
        testapp.reset()
        testapp.authorization = None
        testapp.get(material, headers=HTML, status=200)

    def test_other_units_and_the_office_do_not_get_the_list(self, testapp, demo):
        placed(testapp)
        as_user(testapp, "admin")
        testapp.post_json("/++api++/principals/users", {
            "@type": "User", "id": "saule", "fullname": "Сәуле", "email": "saule@stat.kz",
            "org_unit": "/orgunits/labour-statistics", "password": "a long password"})
        testapp.post_json("/++api++/orgunits/labour-statistics/@sharing",
                          {"principal": "user:saule", "grant": ["Executor"]})
        for login, password in (("saule", "a long password"), ("zhanar", None)):
            testapp.reset()
            testapp.authorization = None
            login_html(testapp, login, *([password] if password else []))
            page = testapp.get("/my-work", headers=HTML)
            assert page.html.select_one("#placed-materials") is None, login
