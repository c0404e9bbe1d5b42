"""A refusal at the release time keeps no confidential value in the history."""

from tests.helpers.disclosure_samples import published_xlsx


def test_a_release_refusal_records_no_value_of_the_basis(app, testapp, scheduled,  # noqa: F811
                                                         frozen):
    """The material's history is shown to every member of the staff who sees the material
    (once published, all of them); the values of its basis are the coordinators' and
    moderators' only (the disclosure page). A refusal at the release time names the file
    and the check there, never a value."""
    from datetime import timedelta

    from persistent.list import PersistentList
    from pyramid.traversal import find_resource

    from statportal.files import StoredFile
    from statportal.releases.worker import run_pass
    from statportal.testing import open_portal
    from tests.helpers.disclosure_samples import basis_xlsx
    from tests.helpers.embargo import RELEASE

    material, entry = scheduled
    shown = published_xlsx(status={}, change={("ABAI-1", "B"): 400.0})
    with open_portal(app) as portal:
        obj = find_resource(portal, material)
        obj.files = PersistentList([StoredFile("wages.xlsx", shown, language="en")])
        obj.bases = PersistentList([StoredFile("wages.basis.xlsx", basis_xlsx())])
        obj.primary_data, obj.primary_data_reason = True, ""
    frozen.set(RELEASE + timedelta(seconds=1))
    assert run_pass(app.registry).released == []
    with open_portal(app) as portal:
        obj = find_resource(portal, material)
        refused = [h for h in obj.__workflow_history__ if h["action"] == "release_refused"]
        notes = list(find_resource(portal, entry).notes)
    assert len(refused) == 1
    comment = refused[0]["comment"]
    assert "wages.xlsx" in comment and "confidentiality check" in comment
    for value in ("412.5", "412,5", "400"):
        assert value not in comment and not any(value in note for note in notes), value
