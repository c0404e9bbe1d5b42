"""The Manager's Users and groups page: search, batches, each user's global roles and the
places where they hold local roles; e-mail addresses only to those who manage users; the
user form's password required only when adding."""

import re

from statportal.content.registry import get_content_registry
from statportal.testing import last_transaction, login_html, open_portal

HTML = {"Accept": "text/html"}
RU = {"Accept": "text/html", "Accept-Language": "ru"}


def _logins(page):
    return re.findall(r"<br><code>([\w-]+)</code>", page.text)


def test_search_by_login_name_and_e_mail(testapp, demo):
    login_html(testapp, "admin")
    assert _logins(testapp.get("/principals?q=MARAT", headers=HTML)) == ["marat"]
    assert _logins(testapp.get("/principals", {"q": "сейітова"}, headers=HTML)) == ["aigerim"]
    page = testapp.get("/principals", {"q": "dana@stat.example"}, headers=HTML)
    assert _logins(page) == ["dana"]
    assert "Users found: <span>1</span>" in page.text
    page = testapp.get("/principals", {"q": "no such person"}, headers=HTML)
    assert _logins(page) == [] and "No user matches." in page.text
    assert len(_logins(testapp.get("/principals", headers=HTML))) == len(demo)


def test_batches_keep_the_search(testapp, demo):
    login_html(testapp, "admin")
    page = testapp.get("/principals", {"q": "stat.example", "b_size": "2"}, headers=HTML)
    assert _logins(page) == ["admin", "aidos"]
    assert "?b_start=2&amp;b_size=2&amp;q=stat.example" in page.text
    page = testapp.get("/principals", {"q": "stat.example", "b_size": "2", "b_start": "2"},
                       headers=HTML)
    assert _logins(page) == ["aigerim", "dana"]


def test_a_bad_batch_number_is_refused_naming_it(testapp, demo):
    login_html(testapp, "admin")
    page = testapp.get("/principals", {"b_start": "-3"}, headers=HTML, status=400)
    assert "b_start" in page.text


def test_where_each_user_has_roles(app, testapp, demo):
    with open_portal(app) as portal:
        content = get_content_registry(app.registry)
        portal["principals"]["groups"].add("analysts", content.create(
            "Group", title={"en": "Analysts", "ru": "Аналитики"}, roles=("Support",)))
        portal["principals"]["users"]["aigerim"].groups = ("analysts",)
        portal["official-statistics"]["economy"]["prices"].grant("group:analysts", "Moderator")
    login_html(testapp, "admin")
    page = testapp.get("/principals", {"q": "aigerim"}, headers=RU)
    row = page.html.select_one("table.principals-users tbody tr")
    cells = row.find_all("td")
    assert "Служба поддержки" in cells[1].text and "Аналитики" in cells[1].text  # via the group
    places = [(a["href"], li.text.split(":")[1].strip())
              for li in cells[2].find_all("li") for a in [li.a]]
    assert ("http://localhost/official-statistics/economy/industry/@@sharing",
            "Исполнитель") in places
    assert ("http://localhost/orgunits/industry-statistics/@@sharing", "Исполнитель") in places
    prices = next(li for li in cells[2].find_all("li") if "prices" in li.a["href"])
    assert "Модератор" in prices.text and "Аналитики" in prices.text
    assert page.html.select_one("table.principals-groups") is None  # no group is "aigerim"
    page = testapp.get("/principals", {"q": "аналитики"}, headers=RU)
    groups = page.html.select_one("table.principals-groups tbody tr")
    assert "analysts" in groups.text and "Модератор" in groups.find_all("td")[3].text
    # The global role shown translated, and nobody else's row on a search.
    page = testapp.get("/principals", {"q": "dana"}, headers=RU)
    assert "Координатор" in page.html.select_one("table.principals-users tbody").text


def test_e_mail_addresses_only_for_those_who_manage_users(testapp, demo):
    login_html(testapp, "dana")  # a Coordinator: no user management
    testapp.get("/principals", headers=HTML, status=403)
    testapp.get("/principals", {"q": "aigerim@stat.example.kz"}, headers=HTML, status=403)
    testapp.reset()
    login_html(testapp, "admin")
    assert "mailto:aigerim@stat.example.kz" in testapp.get("/principals", headers=HTML).text
    sharing = testapp.get("/official-statistics/economy/industry/@@sharing", headers=HTML)
    assert "@stat.example.kz" not in sharing.text  # the Sharing page names, never addresses


def test_password_required_on_add_not_on_edit(app, testapp, demo):
    login_html(testapp, "admin")
    edit = testapp.get("/principals/users/aigerim/@@edit", headers=HTML)
    for name in ("password", "password-confirm"):
        field = edit.html.find("input", attrs={"name": name})
        assert field.get("required") is None and field.get("aria-required") is None
    assert "Leave empty to keep the current password." in edit.text
    add = testapp.get("/principals/users/@@add?type=User", headers=HTML)
    for name in ("password", "password-confirm"):
        assert add.html.find("input", attrs={"name": name}).get("required") is not None
    assert "Leave empty to keep the current password." not in add.text
    # On edit an empty password keeps the current one ...
    with open_portal(app) as portal:
        before = portal["principals"]["users"]["aigerim"].password_hash
    form = edit.forms["edit-form"]
    form["fullname"] = "Әйгерім Сейітова-Ли"
    form.submit("submit").follow()
    with open_portal(app) as portal:
        user = portal["principals"]["users"]["aigerim"]
        assert user.fullname == "Әйгерім Сейітова-Ли" and user.password_hash == before
    # ... and adding without one is refused at the field, storing nothing.
    form = add.forms["edit-form"]
    form["id"], form["fullname"], form["email"] = "asel", "Әсел", "asel@stat.kz"
    stored = last_transaction(app)
    page = form.submit("submit", status=200)
    assert page.html.select_one(".item-password .invalid-feedback") is not None
    assert last_transaction(app) == stored


def test_a_users_page_says_where_they_have_roles(app, testapp, demo):
    with open_portal(app) as portal:
        content = get_content_registry(app.registry)
        portal["principals"]["groups"].add("analysts", content.create(
            "Group", title={"en": "Analysts", "ru": "Аналитики"}, roles=("Support",)))
        portal["principals"]["users"]["aigerim"].groups = ("analysts",)
        portal["orgunits"]["almaty-city"].grant("group:analysts", "Coordinator")
    login_html(testapp, "admin")
    page = testapp.get("/principals/users/aigerim/", headers=RU)
    assert page.html.h1.text == "Әйгерім Сейітова"  # the account shown, not the reader's
    fields = dict(zip([dt.text for dt in page.html.select("dl.fields dt")],
                      [dd.get_text(" ", strip=True) for dd in page.html.select("dl.fields dd")],
                      strict=True))
    roles = fields["Глобальные роли"]
    assert "Служба поддержки" in roles and "Аналитики" in roles  # through the group
    assert fields["Подразделение"] == "Управление статистики промышленности"  # a name, not a path
    assert fields["Электронная почта"] == "aigerim@stat.example.kz"
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")]
            for tr in page.html.select("table.user-places tbody tr")]
    assert rows == [  # in the order of their paths
        ["Промышленное производство", "Исполнитель", "—"],
        ["Департамент статистики города Алматы", "Координатор", "Аналитики"],
        ["Управление статистики промышленности", "Исполнитель", "—"]]
    testapp.reset()
    login_html(testapp, "dana")
    testapp.get("/principals/users/aigerim/", headers=HTML, status=403)
