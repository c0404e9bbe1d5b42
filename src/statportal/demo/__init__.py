"""Demo content for ``statportal init --demo`` and the tests: one module per feature.

``sections`` (the tree), ``people`` (org units, one user per role), and the features'
content: ``materials`` (published materials with real files), ``releases`` (the release
calendar and the work plan), ``questions`` (questions from the public in every state) and
``data`` (Taldau's topics and indicators, one month embargoed for a release of the calendar).
"""

from statportal.demo.people import ORGUNITS, USERS, add_demo_people
from statportal.demo.sections import SECTIONS, add_demo_sections
from statportal.demo.texts import T

__all__ = ["ORGUNITS", "SECTIONS", "USERS", "T", "add_demo_content"]


def add_demo_content(registry, portal, password_factory=None, materials=True):
    """Fill an empty portal; returns [(login, password, roles)] of the demo users.

    ``materials``: also the features' demo content (published materials with their files,
    the calendar, questions, Taldau's indicators); tests that do not need it leave it
    out: it takes a second."""
    add_demo_sections(registry, portal)
    credentials = add_demo_people(registry, portal, password_factory)
    if materials:
        from statportal.demo.materials import add_demo_materials
        from statportal.demo.questions import add_demo_questions
        from statportal.demo.releases import add_demo_calendar

        add_demo_materials(registry, portal)
        add_demo_calendar(registry, portal)
        add_demo_questions(registry, portal)
        if "data" in portal:  # Taldau's place (an application without it has no data)
            from statportal.demo.data import add_demo_data

            add_demo_data(registry, portal)  # after the calendar: binds to its CPI release
    return credentials
