"""What a page says about a transition: before it (a confirmation of what will happen)
and after it (a specific message instead of "Done.").

Both are data on the transition (``Transition.message``, ``Transition.confirm``): ``_()``
texts with named values. The general values are ``title``, ``number``, ``state`` (the state
reached), ``action`` (the transition's title) and ``link`` (the object's own page); the
workflow's ``values(obj, request)`` adds or overrides (a due time, where a material goes).
A value may itself be a ``_()`` text (translated first) and ``link`` is ``(text, url)``:
the message is returned in parts so that a page renders the link as an element and
every text, the user's titles included, escaped -- never as raw HTML.
"""

from statportal import labels
from statportal.i18n import _

#: where a message has no words of its own
GENERAL_MESSAGE = _("${action}: ${title} is now ${state}.")
_LINK = "\x00link\x00"
#: a title longer than this is cut in a message: a 500-character Cyrillic title, twice in
#: the message (its text and its link), overflowed the session cookie after the step
TITLE_SHOWN = 120


def values_of(request, obj, workflow, chosen, state=None):
    """The named values of ``chosen``'s texts for ``obj``, translated to text, and the
    link ``(text, url)``; ``state``: the one reached (after) or None (before)."""
    title = labels.words(request, getattr(obj, "title", None), getattr(obj, "__name__", ""))
    if len(title) > TITLE_SHOWN:  # the message waits in the session cookie (4 KB)
        title = title[:TITLE_SHOWN - 1] + "…"
    values = {"title": title, "number": getattr(obj, "number", None) or title,
              "action": labels.words(request, chosen.title, chosen.name),
              "state": labels.state_title(request, workflow, state or chosen.to_state),
              "link": (title, request.resource_url(obj))}
    if workflow.values is not None:
        values.update(workflow.values(obj, request) or {})
    link = values.pop("link", None)
    if link and len(link[0]) > TITLE_SHOWN:  # a workflow's own link (a placed material)
        link = (link[0][:TITLE_SHOWN - 1] + "…", link[1])
    text = {key: labels.words(request, value, "") if value is not None else ""
            for key, value in values.items()}
    return text, link


def _parts(request, template, values, link):
    mapping = dict(values, link=_LINK if link else "")
    text = request.localizer.translate(template, mapping=mapping)
    before, found, after = text.partition(_LINK)
    if not found:
        return {"text": text}
    link_text, url = link
    return {"text": before + link_text + after.replace(_LINK, ""),
            "before": before, "link_text": link_text, "url": url,
            "after": after.replace(_LINK, "")}


def said(request, obj, workflow, chosen, entry):
    """The message after ``chosen`` was taken (``entry``: its history entry): a dict with
    ``text`` (plain) and, when the message has a link, ``before``, ``link_text``, ``url``
    and ``after`` (escaped by the page that shows them)."""
    values, link = values_of(request, obj, workflow, chosen, entry.get("to"))
    return _parts(request, chosen.message or GENERAL_MESSAGE, values, link)


def confirmation(request, obj, workflow, chosen):
    """What will happen, asked before ``chosen`` is taken (a dict like ``said``'s), or
    None when the transition asks nothing."""
    if not chosen.confirm:
        return None
    values, link = values_of(request, obj, workflow, chosen)
    return _parts(request, chosen.confirm, values, link)


def flash_said(request, obj, workflow, chosen, entry, queue="success"):
    """Keep the message for the next page (the session's flash queue: a dict the layout
    renders with its link)."""
    request.session.flash(said(request, obj, workflow, chosen, entry), queue)


__all__ = ["GENERAL_MESSAGE", "confirmation", "flash_said", "said", "values_of"]
