"""Chameleon compiles templates one at a time in a process (CPython gh-106905 before 3.13:
two threads turning syntax trees into code at once failed with SystemError, a 500 on a
fresh portal's first pages under load — and this suite's layout checks failed the same
way beside a live server's threads)."""

import threading

from chameleon import PageTemplate

from statportal.syntax_trees import NEEDED, SYNTAX_TREE_LOCK


def test_a_template_compiles_only_while_no_one_else_holds_the_lock(app):
    assert NEEDED  # the Python this suite runs on (3.11) has the bug; drop it all at 3.13
    rendered = []
    worker = threading.Thread(
        target=lambda: rendered.append(PageTemplate("<p>${x}</p><!-- fresh -->")(x=7)))
    with SYNTAX_TREE_LOCK:
        worker.start()
        worker.join(0.5)
        assert worker.is_alive() and not rendered  # it waits for the lock to compile
    worker.join(10)
    assert rendered == ["<p>7</p><!-- fresh -->"]


def test_a_compiled_template_renders_without_the_lock(app):
    template = PageTemplate("<b>${x}</b>")
    assert template(x=1) == "<b>1</b>"  # compiled now
    done = []
    with SYNTAX_TREE_LOCK:
        worker = threading.Thread(target=lambda: done.append(template(x=2)))
        worker.start()
        worker.join(10)
    assert done == ["<b>2</b>"]
