"""Folder contents (``@@contents``) as a list that works: each item's state in words, a
filter by title that needs no script (``?filter=``), and what the bulk actions offer on
this page (``views/bulk.py`` does them).
"""

from urllib.parse import urlencode

from statportal import labels
from statportal.batching import Batch
from statportal.content.listing import visible, visible_batch
from statportal.i18n import LANGUAGES
from statportal.workflow import available_transitions, state_of, workflow_of

#: the longest filter text read (a title is shorter)
MAX_FILTER = 200


def filter_text(request):
    return " ".join(request.GET.get("filter", "").split())[:MAX_FILTER]


def matches(name, obj, needle):
    """Whether the id or the title in any language holds ``needle`` (casefolded)."""
    title = getattr(obj, "title", None)
    texts = [title.get(lang) or "" for lang in LANGUAGES] if isinstance(title, dict) \
        else [title or ""]
    return any(needle in text.casefold() for text in (name, *texts))


def filtered_batch(request, folder, text, start, size):
    """One page of the visible children whose id or title holds ``text``, and how many do
    (one walk, as ``visible_batch``)."""
    if not text:
        return visible_batch(request, folder, start, size)
    needle = text.casefold()
    items, total = [], 0
    for name, child in visible(request, folder):
        if matches(name, child, needle):
            if start <= total < start + size:
                items.append((name, child))
            total += 1
    return items, total


def state_title(request, obj):
    """The object's workflow state in words, or None when its type has no workflow."""
    workflow = workflow_of(request.registry, obj)
    if workflow is None:
        return None
    return labels.state_title(request, workflow, state_of(obj, workflow))


def offered_transitions(request, objects):
    """The transitions this user may take now on at least one of ``objects``, in the
    order met: ``[(name, title)]``. The bulk action tries each selected item and reports
    those where it is not possible."""
    offered = {}
    for obj in objects:
        for chosen in available_transitions(request, obj):
            offered.setdefault(chosen.name, labels.words(request, chosen.title, chosen.name))
    return list(offered.items())


def page_batch(request, folder):
    """The page's rows and numbers; the batch links keep the filter."""
    from statportal.api.content import batch_params
    from statportal.api.serialize import PayloadError

    try:
        b_start, b_size = batch_params(request)
    except PayloadError as exc:  # junk in the batch is a 400 naming it (issue 18)
        from pyramid.httpexceptions import HTTPBadRequest

        translate = request.localizer.translate
        raise HTTPBadRequest("; ".join(f"{error['field']}: {translate(error['message'])}"
                                       for error in exc.errors)) from None
    # The big folders list through their catalog (requests, questions: a register and a
    # dashboard of their own search them); a filter there would load every child.
    filterable = getattr(folder, "visible_batch", None) is None
    text = filter_text(request) if filterable else ""
    items, total = filtered_batch(request, folder, text, b_start, b_size)
    query = urlencode({"filter": text}) if text else ""
    return {"items": items, "filterable": filterable,
            **Batch(b_start, b_size, total, len(items)).page(query)}, text
