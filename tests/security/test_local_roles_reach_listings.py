"""A local role granted or revoked through Sharing changes, on the next request, what the
user finds in the listings that read the catalog's allowed index through each connection's
kept copy (a section's page, search results and facets): the copy is not kept past the
change, in this connection or another."""

from pyramid.authorization import Allow, Deny, Everyone
from webtest import TestApp

from statportal.content.paths import find_by_path
from statportal.materials.catalog import get_catalog
from statportal.security.permissions import VIEW
from statportal.security.roles import role_principal
from statportal.testing import basic_auth, open_portal

INDUSTRY = "/official-statistics/economy/industry"
HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}


def client(app, login=None):
    made = TestApp(app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "en",
                                       "REMOTE_ADDR": "127.0.0.1"})
    made.authorization = basic_auth(login) if login else None
    return made


def share(app, path, principal, **change):
    client(app, "admin").post_json(f"/++api++{path}/@sharing",
                                   {"principal": principal, **change}, status=200)


def test_a_moderator_granted_on_a_section_lists_its_drafts_at_once(app, demo):
    client(app, "admin").post_json(f"/++api++{INDUSTRY}", {
        "@type": "Material", "id": "secret-draft", "category": "bulletin",
        "title": {"kk": "Secret draft", "ru": "Secret draft", "en": "Secret draft"}},
        status=201)
    serik = client(app, "serik")
    for _ in range(2):  # the connection's copy made and kept
        assert "Secret draft" not in serik.get(f"{INDUSTRY}/", headers=HTML).text
    share(app, INDUSTRY, "user:serik", grant=["Moderator"])
    serik.get(f"/++api++{INDUSTRY}/secret-draft", status=200)   # the policy lets him
    assert "Secret draft" in serik.get(f"{INDUSTRY}/", headers=HTML).text
    share(app, INDUSTRY, "user:serik", revoke=["Moderator"])
    assert "Secret draft" not in serik.get(f"{INDUSTRY}/", headers=HTML).text


def test_search_follows_a_grant_and_a_revocation(app, demo):
    """Published materials only moderators may view (their ACL set by a script, indexed
    again): a local Moderator role on their section lets serik find them; revoked, their
    titles leave his search and its facets at once."""
    client(app, "admin").post_json(f"/++api++{INDUSTRY}", {
        "@type": "Material", "id": "restricted", "category": "bulletin",
        "title": {"kk": "Restricted", "ru": "Restricted", "en": "Restricted"}}, status=201)
    client(app, "admin").post_json(f"/++api++{INDUSTRY}/restricted/@workflow/publish", {},
                                   status=200)
    with open_portal(app) as portal:
        section = find_by_path(portal, INDUSTRY)
        hidden = set()
        for material in section.values():
            if getattr(material, "__content_type__", None) == "Material":
                material.__acl__ = [(Allow, role_principal("Moderator"), VIEW),
                                    (Deny, Everyone, VIEW)]
                get_catalog(portal).index(material)
                hidden.add(material.title["en"])
    assert "Restricted" in hidden
    serik = client(app, "serik")

    def found():
        data = serik.get("/@search", {"b_size": "200"}, headers=JSON).json
        return ({item["title"]["en"] for item in data["items"]},
                {f["value"]: f["count"] for f in data["facets"]["section"]})

    for _ in range(2):
        titles, sections = found()
        assert not hidden & titles and INDUSTRY not in sections
    share(app, INDUSTRY, "user:serik", grant=["Moderator"])
    titles, sections = found()
    assert hidden <= titles and sections[INDUSTRY] == len(hidden)
    share(app, INDUSTRY, "user:serik", revoke=["Moderator"])
    titles, sections = found()
    assert not hidden & titles and INDUSTRY not in sections
