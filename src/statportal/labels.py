"""Words for what staff see: a state, an action, a term of a vocabulary (a placement type,
a category), a language, a unit -- never its name or path (``submit``, ``/orgunits/...``).

One helper for pages, exports and mail. ``source`` is a request (its language by default)
or a registry (give ``language``: a mail in its recipient's language); ``language``
overrides the request's. A value unknown here keeps its name: a label never fails.
"""

from statportal.i18n import LANGUAGE_NAMES, LANGUAGES, _, translate_for

#: history entries every workflow may hold that are no transition (the engine's own);
#: a workflow names its others in ``Workflow.notes``.
CORE_ACTIONS = {"create": _("Created")}


def _language(source, language):
    if language:
        return language
    return getattr(source, "locale_name", None) or LANGUAGES[0]


def words(source, value, fallback="", language=None):
    """``value`` in words: a kk/ru/en dict picked in the language (another language's text
    when it has none), a ``_()`` string translated, plain text as it is; ``fallback`` when
    empty."""
    if not value:
        return fallback
    lang = _language(source, language)
    if isinstance(value, dict):
        text = value.get(lang) or next((value[o] for o in LANGUAGES if value.get(o)), "")
        return text or fallback
    if not hasattr(value, "domain"):  # not a translation string
        return str(value)
    localizer = getattr(source, "localizer", None)
    if localizer is not None and language in (None, getattr(source, "locale_name", None)):
        return localizer.translate(value)
    registry = getattr(source, "registry", source)
    return translate_for(registry, value, lang)


def _workflow(source, workflow, obj=None):
    if workflow is None or isinstance(workflow, str):
        from statportal.interfaces import IWorkflowRegistry

        registry = getattr(source, "registry", source)
        workflows = registry.queryUtility(IWorkflowRegistry)
        if workflows is None:
            return None
        if isinstance(workflow, str):
            return workflows.workflows.get(workflow)
        return workflows.for_type(getattr(obj, "__content_type__", None))
    return workflow


def state_title(source, workflow, state, language=None):
    """A state's title (``workflow``: a Workflow or its name); "—" for none."""
    workflow = _workflow(source, workflow)
    found = workflow.state(state) if workflow is not None and state else None
    return words(source, getattr(found, "title", None), state or "—", language)


def action_title(source, workflow, action, language=None):
    """A history entry's action: the transition's title, else the workflow's title for
    that note (``Workflow.notes``), else the engine's (``create``), else its name."""
    workflow = _workflow(source, workflow)
    title = None
    if workflow is not None:
        chosen = workflow.transition(action)
        title = getattr(chosen, "title", None) or (getattr(workflow, "notes", None)
                                                   or {}).get(action)
    return words(source, title or CORE_ACTIONS.get(action), action, language)


def term(source, titles, value, language=None):
    """A vocabulary's value in words: ``titles`` maps values to titles (the placement
    types, the categories)."""
    return words(source, (titles or {}).get(value), value or "", language)


def language_title(code):
    """A language by its own name (Қазақша, Русский, English), whatever the page's."""
    return LANGUAGE_NAMES.get(code, code or "")


def unit_title(source, path, language=None, portal=None):
    """A unit (or a section: any place) by its title, not its path; the path when
    nothing is there. ``portal`` where the source is no request."""
    from statportal.content.paths import find_by_path

    if not path:
        return ""
    if portal is None:
        from statportal.content.resources import get_portal

        portal = get_portal(source)
    found = find_by_path(portal, path)
    return words(source, getattr(found, "title", None), path, language) if found else path


__all__ = ["CORE_ACTIONS", "action_title", "language_title", "state_title", "term",
           "unit_title", "words"]
