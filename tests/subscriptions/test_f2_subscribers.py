"""Review of issue 21 (F2): the Manager's ``/@@subscribers`` shows a subscriber's choice
in the page's words -- the language's name, the sections' and categories' titles -- not
codes and paths."""

from webtest import TestApp

from statportal.subscriptions.resources import add_confirmed
from statportal.testing import login_html, open_portal

SECTION = "/official-statistics/economy"


def test_the_choice_is_shown_by_its_titles(sub_app):
    with open_portal(sub_app) as portal:
        add_confirmed(portal, "titles@example.org", "kk", sections=(SECTION,),
                      categories=("press_release",))
        section_title = portal["official-statistics"]["economy"].title["ru"]
    manager = TestApp(sub_app, extra_environ={"HTTP_ACCEPT_LANGUAGE": "ru",
                                              "REMOTE_ADDR": "10.5.0.1"})
    login_html(manager, "admin")
    form = manager.get("/@@subscribers").forms["subscriber-lookup"]
    form["email"] = "titles@example.org"
    page = form.submit("action", value="lookup")
    data = {dt.get_text(strip=True): dd.get_text(" ", strip=True) for dt, dd in
            zip(page.html.select("dl.subscriber-data dt"),
                page.html.select("dl.subscriber-data dd"), strict=True)}
    shown = " | ".join(data.values())
    assert "Казахский" in shown and " kk " not in f" {shown} "
    assert section_title in shown and SECTION not in shown
    assert "Пресс-релиз" in shown and "press_release" not in shown
