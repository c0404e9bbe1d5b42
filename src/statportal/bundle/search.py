"""The offline search's index: a script that sets ``window.BUNDLE_INDEX`` (a page opened
from ``file://`` may not ``fetch()`` a JSON file, but it may load a script beside it)."""

import json


def index_script(entries):
    """``search-index.js`` for ``entries`` (dicts: lang, url, title, text, date)."""
    data = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
    # "</" would end a <script> element if the file were ever inlined
    data = data.replace("</", "<\\/")
    return f"window.BUNDLE_INDEX = {data};\n".encode()
