"""The catalog of ``/questions``: who may view each question (the office's listing).

Only the security indexes of ``statportal.content.catalog.BaseCatalog``: the office's
listing of ``/questions`` reads the names a user may view from the ``allowed`` index
instead of asking the policy question by question (the public's listing reads the
published ones from the folder's own index).
"""

from statportal.content.catalog import BaseCatalog, local_roles_changed, reindex_security_at
from statportal.content.paths import find_by_path, root_of


class QuestionCatalog(BaseCatalog):
    """Kept on the ``/questions`` folder, which holds the questions: members are names."""

    key_attr = "__name__"
    members_attr = "names"
    store_names = True


def get_catalog(questions):
    catalog = getattr(questions, "_catalog", None)  # getattr: loads a ghost folder
    if catalog is None:  # a new folder, or one from before the catalog (see evolve_catalog)
        catalog = questions._catalog = QuestionCatalog()
        catalog._v_container = questions
        for question in questions.values():
            catalog.index(question)
    catalog._v_container = questions
    return catalog


def evolve_catalog(portal, registry):
    """Questions: the catalog of ``/questions`` (the office's listing reads it), made and
    filled.

    The evolve step ``statportal.questions`` 1; its first paragraph is what ``statportal
    evolve`` prints."""
    from pyramid.threadlocal import manager

    questions = portal.get("questions")
    if getattr(questions, "__content_type__", None) != "Questions":
        return
    manager.push({"registry": registry, "request": None})  # the discriminators read it
    try:
        get_catalog(questions)
    finally:
        manager.pop()


def _is_question(obj):
    return getattr(obj, "__content_type__", None) == "Question"


def on_added(event):
    if _is_question(event.object) and event.parent is not None:
        get_catalog(event.parent).index(event.object)


def on_changed(event):
    obj = event.object
    if local_roles_changed(event):  # on an org unit the questions are routed to, or above
        questions = find_by_path(root_of(obj), "/questions")
        if getattr(questions, "__content_type__", None) == "Questions":
            reindex_security_at(get_catalog(questions), obj)
    if _is_question(obj) and obj.__parent__ is not None:
        get_catalog(obj.__parent__).index(obj)
