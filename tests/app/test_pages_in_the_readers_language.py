"""What a walk through the portal as each role found (issue 15's review): the pages say
their refusals in the reader's language, and the declaration is the executor's."""

import re

from statportal.testing import login_html
from tests.helpers.materials import as_user
from tests.helpers.placement import REQUESTS, payload, step

KK = {"Accept": "text/html", "Accept-Language": "kk"}


def registered_request(testapp, **changes):
    as_user(testapp, "aigerim")
    url = testapp.post_json(REQUESTS, payload(**changes), status=201).json["@id"].replace(
        "http://localhost", "")
    step(testapp, "aigerim", url, "submit")
    step(testapp, "marat", url, "approve")
    step(testapp, "dana", url, "register")
    return url


def html_as(testapp, login):
    as_user(testapp, None)
    testapp.set_cookie("statportal_lang", "kk")
    login_html(testapp, login)


def test_a_refused_place_is_said_in_the_pages_language(testapp, demo):
    """The moderator's Place refused for a table without a basis: the Kazakh page names the
    action by its Kazakh title and lists the findings' words, with no English field names
    (``place``, ``bases``, ``comment``) among them."""
    url = registered_request(testapp, primary_data=None, primary_data_reason="")
    html_as(testapp, "yerlan")
    page = testapp.get(f"{url.replace('/++api++', '')}/@@workflow", headers=KK)
    form = page.forms["workflow-form"]
    asked = form.submit("transition", index=[b._value for b in form.fields["transition"]
                                             ].index("place"), headers=KK)
    # Place asks first (issue 18): the refusal follows the confirmation
    refused = asked.forms["confirm-form"].submit(headers=KK, status=409)
    alert = refused.html.select_one(".message.error")
    text = " ".join(alert.text.split())
    assert text.startswith("Орналастыру әрекеті қабылданбады"), text
    assert "place" not in text.split()
    assert alert.select("code") == []
    assert "report.xlsx" in text  # the finding names the file


def test_a_refused_route_is_said_in_the_pages_language(testapp, demo):
    """The coordinator routes a question without choosing a unit: the Kazakh page gives the
    action's Kazakh title and the finding without the field's name ``units``."""
    url = received_question(testapp)
    html_as(testapp, "dana")
    page = testapp.get(url, headers=KK)
    form = page.forms["question-form"]
    index = [b._value for b in form.fields["transition"]].index("route")
    refused = form.submit("transition", index=index, headers=KK, status=409)
    alert = refused.html.select_one(".message.error")
    text = " ".join(alert.text.split())
    assert not text.startswith("route") and "units" not in text.split(), text
    assert alert.select("code") == []


def test_the_delete_of_a_question_is_refused_in_the_pages_language(testapp, demo):
    """A question is never deleted: the 405 page has a Kazakh heading, not webob's
    English "Method Not Allowed"."""
    url = received_question(testapp)
    html_as(testapp, "admin")
    refused = testapp.get(f"{url}/@@delete", headers=KK, status=405)
    assert "Method Not Allowed" not in refused.text
    assert refused.html.select_one("h1").text.strip() != "Method Not Allowed"
    assert "Сұрақ ешқашан жойылмайды" in refused.text


def received_question(testapp):
    """A question asked through the API, waiting to be routed, as its page's path."""
    from tests.helpers.questions import ask, path

    return path(ask(testapp).json).replace("/++api++", "")


def test_the_material_names_the_executor_who_declared(app, testapp, demo):
    """The executor declares her tables not derived from primary data in the request; the
    moderator only places it: the material's history and the /@primary-data report name
    her, not him, as the issue's "recorded with who made it" asks."""
    from tests.helpers.placement import run_chain

    as_user(testapp, "aigerim")
    url = testapp.post_json(REQUESTS, payload(
        primary_data=False, primary_data_reason="Administrative data of the Ministry of "
        "Finance"), status=201).json["@id"].replace("http://localhost", "")
    run_chain(testapp, url)
    material = testapp.get(url).json["material"]
    as_user(testapp, "dana")
    history = testapp.get(f"/++api++{material}/@workflow").json["history"]
    assert [(h["actor"], h["comment"].split(" (")[0]) for h in history
            if h["action"] == "primary_data"] == [
        ("aigerim", "not derived from primary data: Administrative data of the Ministry "
         "of Finance")]
    report = testapp.get("/++api++/@primary-data").json["items"]
    row = next(item for item in report if item["@id"].endswith(material))
    assert row["declared_by"] == "aigerim"


def test_a_generate_refusal_names_the_field_by_its_label(testapp, demo):
    """Generate with collapse and no dimension: the Kazakh page names the field by the
    label the page shows (not ``dim``, an English name of the JSON body)."""
    from tests.helpers.disclosure_samples import basis_xlsx, published_xlsx
    from tests.helpers.materials import add, upload

    url = add(testapp, files=[upload("wages-en.xlsx", published_xlsx(status={}), "en")],
              bases=[upload("wages.basis.xlsx", basis_xlsx())], languages=["en"],
              title={"en": "Wages"}, description={}, primary_data=True)
    html_as(testapp, "yerlan")
    page = testapp.get(f"{url}/@@disclosure", headers=KK)
    form = page.forms["generate-form"]
    form["rows"], form["cols"], form["method"] = "region", "activity", "collapse"
    label = page.html.select_one("label[for=dim]").text.strip()
    refused = form.submit("generate", headers=KK, status=400)
    alert = " ".join(refused.html.select_one("[role=alert]").text.split())
    assert alert.startswith(f"{label}:"), alert
    assert not alert.startswith("dim")


def test_a_protected_table_names_its_sheet_in_its_language():
    """The Kazakh table Generate writes had openpyxl's English sheet name ("Sheet"), shown
    as the caption of its preview on the Kazakh page."""
    import io

    from openpyxl import load_workbook

    from statportal.confidentiality.basis import read_basis
    from statportal.disclosure import MinimumFrequency
    from statportal.disclosure.output import xlsx_bytes
    from statportal.disclosure.protect import protect
    from tests.helpers.disclosure_samples import basis_xlsx

    table = read_basis("wages.basis.xlsx", basis_xlsx(), {})
    status = protect(table, [MinimumFrequency(threshold=2)]).status
    names = {language: load_workbook(io.BytesIO(xlsx_bytes(
        table, status, "region", "activity", language))).sheetnames
        for language in ("kk", "ru", "en")}
    assert names == {"kk": ["Кесте"], "ru": ["Таблица"], "en": ["Table"]}


def test_the_request_page_shows_the_declaration_and_the_way_to_the_check(testapp, demo):
    """The head of unit approving, the coordinator registering: the request's page says what
    the executor declared and links its confidentiality check (where Generate is); before,
    only a refused Place led there."""
    as_user(testapp, "aigerim")
    url = testapp.post_json(REQUESTS, payload(
        primary_data=False, primary_data_reason="Administrative data of the Ministry of "
        "Finance"), status=201).json["@id"].replace("http://localhost", "")
    step(testapp, "aigerim", url, "submit")
    as_user(testapp, None)
    login_html(testapp, "marat")
    page = testapp.get(url.replace("/++api++", ""), headers={"Accept": "text/html",
                                                             "Accept-Language": "en"})
    shown = " ".join(page.html.select_one("#primary-data").text.split())
    assert shown.startswith("Not derived from primary data: Administrative data of the "
                            "Ministry of Finance"), shown
    link = page.html.select_one("#primary-data a")["href"]
    assert link.endswith("/@@disclosure")
    testapp.get(link, headers={"Accept": "text/html"}, status=200)


def test_the_reason_of_a_move_is_explained_once(testapp, demo):
    """The release's edit form: the help of "Reason for the change of date" (three fields,
    one per language) was printed twice, inside the fieldset and under it; once now, and
    the fieldset is described by it."""
    from tests.helpers.calendar import add as add_entry

    entry = add_entry(testapp, release_at="2027-03-12T10:00:00+05:00").json["@id"].replace(
        "http://localhost/++api++", "")
    html_as(testapp, "dana")
    page = testapp.get(f"{entry}/@@edit",
                       headers={"Accept": "text/html", "Accept-Language": "en"})
    helps = [p for p in page.html.select("p.form-text")
             if "Shown to the public with the change" in p.text]
    assert len(helps) == 1
    fieldset = page.html.find("legend", string="Reason for the change of date").parent
    assert helps[0]["id"] in fieldset["aria-describedby"].split()


def test_the_edit_form_names_the_current_basis(testapp, demo):
    """Editing a material (or request) with a basis: its empty basis slot said nothing of
    the basis it has, which an edit keeps unless another is chosen."""
    from tests.helpers.disclosure_samples import basis_xlsx, published_xlsx
    from tests.helpers.materials import add, upload

    url = add(testapp, files=[upload("wages-en.xlsx", published_xlsx(status={}), "en")],
              bases=[upload("wages.basis.xlsx", basis_xlsx())], languages=["en"],
              title={"en": "Wages"}, description={}, primary_data=True)
    html_as(testapp, "yerlan")
    page = testapp.get(f"{url}/@@edit", headers={"Accept": "text/html",
                                                 "Accept-Language": "en"})
    current = page.html.select_one(".item-basis .current-bases")
    assert " ".join(current.text.split()).startswith(
        "The bases now: wages.basis.xlsx. They are kept when no basis is chosen here")
    done = page.forms["edit-form"].submit("submit")  # saved unchanged: the basis stays
    assert done.status_int == 302
    as_user(testapp, "yerlan")
    assert [b["filename"] for b in testapp.get(f"/++api++{url}").json["bases"]] == [
        "wages.basis.xlsx"]


def test_a_missing_basis_suggests_one_basis_for_the_languages(testapp, demo):
    """Three tables, wages-kk/-ru/-en.xlsx, without a basis: the findings suggested three
    bases (wages-kk.basis.xlsx…) where one, wages.basis.xlsx, covers them all."""
    from tests.helpers.disclosure_samples import published_xlsx
    from tests.helpers.materials import add, publish, upload

    url = add(testapp, files=[upload(f"wages-{lang}.xlsx", published_xlsx(status={}), lang)
                              for lang in ("kk", "ru", "en")],
              languages=["kk", "ru", "en"], title={"en": "Wages"}, description={},
              category="press_release", primary_data=None, primary_data_reason="")
    refused = publish(testapp, url, status=409).json["errors"]
    messages = [e["message"] for e in refused if e["type"] == "missing_basis"]
    assert len(messages) == 3
    assert all("wages.basis.xlsx" in m and "-kk.basis" not in m and "-ru.basis" not in m
               for m in messages), messages


def test_a_published_table_given_as_its_basis_is_named_as_such(testapp, demo):
    """Choosing the published table in the basis slot said "no hierarchy for the dimension
    'Mining'"; it now says a basis is the long form with value and respondents."""
    from tests.helpers.disclosure_samples import published_xlsx
    from tests.helpers.materials import add, upload

    response = add(testapp, status=400, files=[upload("wages-en.xlsx", published_xlsx(), "en")],
                   bases=[upload("wages.basis.xlsx", published_xlsx())], languages=["en"],
                   title={"en": "Wages"}, description={}, primary_data=True)
    message = " ".join(e["message"] for e in response.json["errors"])
    assert "no column 'value' and 'respondents'" in message and "long form" in message


def test_a_missing_basis_beside_a_basis_of_that_name_suggests_its_own(testapp, demo):
    """wages.basis.xlsx lists only wages-kk.xlsx: wages-en.xlsx is told to have its own
    basis (wages-en.basis.xlsx), not the name that is already taken."""
    from tests.helpers.disclosure_samples import basis_xlsx, published_xlsx
    from tests.helpers.materials import add, publish, upload

    basis = upload("wages.basis.xlsx", basis_xlsx())
    basis["tables"] = ["wages-kk.xlsx"]
    url = add(testapp, files=[upload(f"wages-{lang}.xlsx", published_xlsx(status={}), lang)
                              for lang in ("kk", "en")], bases=[basis],
              languages=["kk", "en"], title={"en": "Wages"}, description={},
              category="press_release", primary_data=True)
    refused = publish(testapp, url, status=409).json["errors"]
    messages = [e["message"] for e in refused if e["type"] == "missing_basis"]
    assert len(messages) == 1 and "wages-en.basis.xlsx" in messages[0], messages


def test_the_request_page_names_the_placement_in_the_pages_language(testapp, demo):
    """The request's page said ``new`` (the JSON value) under "Placement" on every page;
    it says the add form's word, in the reader's language."""
    url = registered_request(testapp)
    html_as(testapp, "dana")
    page = testapp.get(url.replace("/++api++", ""), headers=KK)
    dd = next(dt.find_next_sibling("dd") for dt in page.html.select("dl.fields dt")
              if dt.text.strip() == "Орналастыру түрі")
    assert dd.text.strip() and dd.text.split()[0] != "new" and not dd.select("code"), dd
    en = testapp.get(url.replace("/++api++", ""), headers={"Accept": "text/html",
                                                          "Accept-Language": "en"})
    assert next(dt.find_next_sibling("dd") for dt in en.html.select("dl.fields dt")
                if dt.text.strip() == "Placement").text.split()[0] == "New"


def test_the_history_names_its_steps_in_the_pages_language(testapp, demo):
    """The history's Action column gave names (``place``, ``primary_data``,
    ``register_note``) on a Kazakh page; it gives the transitions' and the notes' titles."""
    url = registered_request(testapp, primary_data=False,
                             primary_data_reason="Administrative data")
    as_user(testapp, "dana")
    testapp.patch_json(url, {"register_note": "Paper copy received"}, status=(200, 204))
    html_as(testapp, "dana")
    page = testapp.get(f"{url.replace('/++api++', '')}/@@workflow", headers=KK)
    actions = [row.select("td")[2].text.strip() for row in page.html.select("tbody tr")]
    assert len(actions) == 6, actions
    assert not {"create", "submit", "approve", "register", "primary_data",
                "register_note"} & set(actions), actions
    assert actions[:5] == ["Тізілімдегі ескертпе", "Тіркеу", "Келісу", "Келісуге жіберу",
                           "Алғашқы деректер"], actions


def test_a_release_entry_names_its_section_without_indentation(testapp, demo):
    """The entry's page showed its section as the filter indents it ("  Prices")."""
    from tests.helpers.calendar import add as add_entry

    entry = add_entry(testapp, release_at="2027-03-12T10:00:00+05:00").json["@id"].replace(
        "http://localhost/++api++", "")
    as_user(testapp, None)
    page = testapp.get(entry, headers={"Accept": "text/html", "Accept-Language": "en"})
    dd = next(dt.find_next_sibling("dd") for dt in page.html.select("dl.facts dt")
              if dt.text.strip() == "Section")
    assert dd.text == "Prices", repr(dd.text)


def test_the_bases_field_is_titled_once(testapp, demo):
    """The add form said "Bases of the tables (never published)" twice, a label (of no
    input) above the sequence's own heading."""
    html_as(testapp, "aigerim")
    page = testapp.get("/requests/@@add?type=PlacementRequest",
                       headers={"Accept": "text/html", "Accept-Language": "en"})
    # each item of the sequence has a label for screen readers that names the sequence
    # ("Bases of the tables (never published): Basis", issue 18's forms); the eye sees
    # the title once
    visible = re.sub(r'<label[^>]*class="visually-hidden"[^>]*>.*?</label>', "", page.text,
                     flags=re.S)
    assert visible.count("Bases of the tables (never published)") == 1
    assert "Bases of the tables (never published): Basis" in page.text
