"""Listings past their end and renames of fixed places and logins."""

from statportal.testing import basic_auth, open_portal

HTML = {"Accept": "text/html"}


def test_listing_total_past_the_end(testapp, demo):
    data = testapp.get("/++api++/official-statistics/economy?b_start=50").json
    assert data["items"] == [] and data["items_total"] == 6


class TestRenames:
    def test_fixed_places_keep_their_ids(self, app, testapp, demo):
        testapp.authorization = basic_auth("admin")
        page = testapp.post("/@@rename?name=principals",
                            {"new_name": "people",
                             "csrf_token": self._token(testapp)}, headers=HTML, status=200)
        assert "This id cannot be changed." in page.text
        with open_portal(app) as portal:
            assert "principals" in portal

    def test_logins_cannot_be_renamed(self, app, testapp, demo):
        testapp.authorization = basic_auth("admin")
        page = testapp.post("/principals/users/@@rename?name=aigerim",
                            {"new_name": "aika", "csrf_token": self._token(testapp)},
                            headers=HTML, status=200)
        assert "This id cannot be changed." in page.text

    def _token(self, testapp):
        return testapp.get("/official-statistics/@@rename?name=economy",
                           headers=HTML).forms["rename-form"]["csrf_token"].value
