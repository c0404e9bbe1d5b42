"""One thread at a time turns Python syntax trees into code in this process.

CPython before 3.13 keeps the state of that conversion per interpreter, not per thread
(gh-106905): two threads compiling at once can fail with ``SystemError: AST constructor
recursion depth mismatch``. Chameleon compiles a page template on its first render, so the
first visitors of a freshly started portal — two readers opening the calendar at the same
moment — could get a 500 (seen under bench/load.py, docs/operations.md). ``includeme``
makes Chameleon take ``SYNTAX_TREE_LOCK`` while it compiles; code of ours that parses Python
(the suite's layout checks) takes it too.
"""

import sys
import threading
from functools import wraps

SYNTAX_TREE_LOCK = threading.RLock()
NEEDED = sys.version_info < (3, 13)


def serialise_template_compiles():
    """Wrap Chameleon's compile of a template (``BaseTemplate._cook``) in the lock, once per
    process; a compiled template renders without it."""
    from chameleon.template import BaseTemplate

    cook = BaseTemplate._cook
    if not NEEDED or getattr(cook, "under_syntax_tree_lock", False):
        return

    @wraps(cook)
    def _cook(self, body, name, builtins):
        with SYNTAX_TREE_LOCK:
            return cook(self, body, name, builtins)

    _cook.under_syntax_tree_lock = True
    BaseTemplate._cook = _cook


def includeme(config):
    serialise_template_compiles()


def parse(source, filename="<unknown>"):
    """``ast.parse`` under the lock (see the module's docstring)."""
    import ast

    with SYNTAX_TREE_LOCK:
        return ast.parse(source, filename)
