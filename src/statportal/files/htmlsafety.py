"""Active content refused at upload: HTML that could run, submit, frame or load anything,
and XML parts of Office/ODF containers that declare a document type.

A published HTML file is opened by readers' browsers from the portal's own address, so
anything in it that runs or fetches acts there. Rather than cleaning such files (a file
changed by the portal is no longer the file the ministry approved), they are refused with
the first reason found; the author removes it and uploads again.

What is refused, and why:

* a DOCTYPE with an internal subset, or any ``<!ENTITY`` (checked in the raw text, before
  any parser sees it): entities can pull in local files or other addresses;
* ``<script>`` and ``on…`` event-handler attributes: code;
* forms and controls: a published table has nothing to submit (phishing);
* frames, objects, embeds, applets, ``<base>``, ``<link>``, ``<meta http-equiv=refresh>``;
* ``javascript:``, ``vbscript:`` and ``data:`` URLs in any attribute;
* anything loaded automatically from elsewhere: ``src``, ``srcset``, ``poster``,
  ``background``, ``data``, ``action``, ``formaction``, ``xlink:href`` (and ``href`` inside
  SVG/MathML), CSS ``url(…)``, ``@import``, ``image-set(…)``; only references inside the
  file (``#id``) pass. Plain links (``<a href="https://…">``) are allowed: the reader
  follows them, nothing is loaded.

The tree is parsed with lxml's HTML parser (no network). Because browsers parse HTML5 and
libxml2 does not, a few patterns are also looked for in the raw text afterwards (e.g. an
``onerror=`` that libxml2 saw inside an attribute value but a browser would not), so a
disagreement between the two parsers errs on the side of refusing.
"""

import html
import io
import re
import zipfile
import zlib

import lxml.html
from lxml import etree

from statportal.files.errors import FileRefused
from statportal.i18n import _

DOCTYPE_SUBSET = re.compile(r"""<!doctype\s(?:[^>\["']|"[^"]*"|'[^']*')*\[""", re.I)
ENTITY = re.compile(r"<!entity", re.I)
XML_STYLESHEET = re.compile(r"<\?\s*xml-stylesheet", re.I)

SCRIPT_TAGS = {"script"}
FORM_TAGS = {"form", "input", "button", "select", "textarea", "keygen", "isindex"}
EMBED_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "portal"}
FOREIGN_TAGS = {"svg", "math"}
CHECKED_TAGS = SCRIPT_TAGS | FORM_TAGS | EMBED_TAGS | {"base", "link", "meta", "style"}

#: Attributes whose value the browser fetches without the reader doing anything.
RESOURCE_ATTRIBUTES = {"src", "srcset", "poster", "background", "data", "action",
                       "formaction", "xlink:href", "lowsrc", "dynsrc", "manifest", "codebase",
                       "archive", "classid", "icon"}
#: In SVG and MathML ``href`` loads too (``<image>``, ``<use>``, ``<feImage>``).
FOREIGN_RESOURCE_ATTRIBUTES = {"href"}

#: Searched in a value without whitespace and control characters (``java\tscript:`` runs).
SCRIPT_URL = re.compile(r"(?:java|vb|live)script:", re.I)
URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
URL_TABS = str.maketrans("", "", "\t\n\r")
#: A value that is a data: URL (``data:[mediatype][;params],``), not text such as "Data: …".
DATA_URL = re.compile(r"data:[\w!#$&^.+/-]*(?:;[\w!#$&^.+=-]*)*,", re.I)

#: What any of the checks below needs to find something (a quick test for plain styles).
CSS_SUSPECT = re.compile(r"[(@\\]|behavior|binding", re.I)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.S)
CSS_EXPRESSION = re.compile(r"expression\s*\(|-moz-binding|(?<![\w-])behavior\s*:", re.I)
CSS_IMPORT = re.compile(r"""@import\s*(?:url\(\s*)?["']?([^"');\s]*)""", re.I)
CSS_FUNCTION = re.compile(
    r"""(?<![\w-])(?:url|image|image-set|-webkit-image-set|src)\s*\(\s*(["']?)([^"')]*)""",
    re.I)

#: The raw-text patterns checked after the tree (see the module docstring).
RAW_SCRIPT = re.compile(r"<\s*script[\s/>]", re.I)
RAW_HANDLER = re.compile(r"<[a-z!/][^<>]*?[\s/\"'](on[a-z]+)\s*=", re.I)
RAW_SCRIPT_URL = re.compile(r"<[a-z][^<>]*(?:java|vb)\s*script\s*:", re.I)


def _decode(data):
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _shown(value, limit=100):
    value = "".join(ch if ch.isprintable() else " " for ch in value).strip()
    return value if len(value) <= limit else value[:limit] + "…"


def _css_text(css):
    """CSS with comments and escapes undone, so ``u\\72l(`` reads as ``url(``."""
    css = CSS_COMMENT.sub("", css)

    def unescape(match):
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code < 0x110000 else "\ufffd"
        return match.group(2)
    return CSS_ESCAPE.sub(unescape, css)


def _inline(url):
    """A reference inside the file itself (or none at all)."""
    url = url.strip()
    return url == "" or url.startswith("#")


class _Refusal(Exception):
    """The first reason found; check_html turns it into FileRefused naming the file."""

    def __init__(self, message, mapping):
        super().__init__(message)
        self.message = message
        self.mapping = mapping


def _refuse(message, **mapping):
    raise _Refusal(message, mapping)


def _check_css(css):
    css = _css_text(css)
    if CSS_EXPRESSION.search(css):
        _refuse(_("${file}: CSS expressions and behaviours are not accepted in HTML files."))
    match = CSS_IMPORT.search(css)
    if match:
        _refuse(_("${file}: HTML files may not load external resources (${url})."),
                url=_shown(match.group(1) or "@import"))
    for match in CSS_FUNCTION.finditer(css):
        if not _inline(match.group(2)):
            _refuse(_("${file}: HTML files may not load external resources (${url})."),
                    url=_shown(match.group(2)))


def _in_foreign(element):
    return next(element.iterancestors("svg", "math"), None) is not None


def _refuse_handler(element, name):
    if element.tag in FOREIGN_TAGS or _in_foreign(element):
        _refuse(_("${file}: SVG and MathML with scripts or event handlers are not accepted in "
                  "HTML files."))
    _refuse(_("${file}: event handler attributes (${attribute}) are not accepted in HTML "
              "files."), attribute=_shown(name))


def _check_attribute(element, name, value):
    lowered = name.lower()
    if "&" in value:  # libxml2 knows HTML 4's entities; browsers also read &colon; &Tab; …
        value = html.unescape(value)
    if ":" in value and (SCRIPT_URL.search(URL_NOISE.sub("", value)) or DATA_URL.match(
            value.translate(URL_TABS).strip("\x00\x20\x09\x0a\x0c\x0d"))):
        _refuse(_("${file}: javascript:, vbscript: and data: URLs are not accepted in HTML "
                  "files (${attribute})."), attribute=_shown(name))
    loads = lowered in RESOURCE_ATTRIBUTES or (
        lowered in FOREIGN_RESOURCE_ATTRIBUTES
        and (element.tag in FOREIGN_TAGS or _in_foreign(element)))
    if loads and not _inline(value):
        _refuse(_("${file}: HTML files may not load external resources (${url})."),
                url=_shown(value))
    if lowered == "style" and CSS_SUSPECT.search(value):
        _check_css(value)


def _check_element(element, tag):
    if tag in SCRIPT_TAGS:
        if _in_foreign(element):
            _refuse(_("${file}: SVG and MathML with scripts or event handlers are not "
                      "accepted in HTML files."))
        _refuse(_("${file}: scripts are not accepted in HTML files."))
    if tag in FORM_TAGS:
        _refuse(_("${file}: forms and form controls (<${tag}>) are not accepted in HTML "
                  "files."), tag=tag)
    if tag in EMBED_TAGS:
        _refuse(_("${file}: frames and embedded objects (<${tag}>) are not accepted in HTML "
                  "files."), tag=tag)
    if tag == "base":
        _refuse(_("${file}: <base> elements are not accepted in HTML files (they change "
                  "where links point)."))
    if tag == "link":
        _refuse(_("${file}: <link> elements are not accepted in HTML files (they load "
                  "stylesheets and other resources)."))
    if tag == "meta" and (element.get("http-equiv") or "").strip().lower() == "refresh":
        _refuse(_("${file}: automatic redirects (meta refresh) are not accepted in HTML "
                  "files."))
    if tag == "style":
        _check_css(element.text or "")


def _check_node(node):
    """A comment or processing instruction. Conditional comments (``<!--[if …]>``, which
    Office writes in every exported page) pass: only Internet Explorer, gone since 2022,
    read them, and a script in one is still found by the raw-text check."""
    if node.tag is etree.ProcessingInstruction and \
            (node.target or "").lower() == "xml-stylesheet":
        _refuse(_("${file}: HTML files may not load external resources (${url})."),
                url=_shown(node.get("href") or "xml-stylesheet"))


#: The nodes worth a look, in document order (so the reason given is the first one in the
#: file): elements with attributes or of a checked kind, comments and PIs.
NODES_TO_CHECK = etree.XPath(" | ".join(
    ["//*[@*]", "//comment()", "//processing-instruction()"]
    + [f"//{tag}" for tag in sorted(CHECKED_TAGS)]))


def _walk(root):
    for element in NODES_TO_CHECK(root):
        tag = element.tag
        if not isinstance(tag, str):
            _check_node(element)
            continue
        tag = tag.lower()
        if tag in CHECKED_TAGS:
            _check_element(element, tag)
        items = element.items()
        if items:
            # Event handlers first: the most specific reason for an element that also loads.
            for name, _value in items:
                if name.lower().rpartition(":")[2].startswith("on"):
                    _refuse_handler(element, name)
            for name, value in items:
                _check_attribute(element, name, value)


def _check_raw(text):
    """What libxml2 may have read differently from a browser."""
    if RAW_SCRIPT.search(text):
        _refuse(_("${file}: scripts are not accepted in HTML files."))
    match = RAW_HANDLER.search(text)
    if match:
        _refuse(_("${file}: event handler attributes (${attribute}) are not accepted in "
                  "HTML files."), attribute=_shown(match.group(1)))
    if RAW_SCRIPT_URL.search(text):
        _refuse(_("${file}: javascript:, vbscript: and data: URLs are not accepted in HTML "
                  "files (${attribute})."), attribute="…")


PARSER_OPTIONS = {"no_network": True, "encoding": "utf-8", "remove_comments": False,
                  "remove_pis": False, "huge_tree": False}


def parse_html(data, text=None):
    """The document element (an lxml.html element) of HTML bytes in utf-8 or cp1251, or
    None when there is none. Nothing is fetched; comments and PIs are kept."""
    text = _decode(data) if text is None else text
    try:
        return lxml.html.document_fromstring(
            text.encode("utf-8"), parser=lxml.html.HTMLParser(**PARSER_OPTIONS))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


def _parse_for_check(text):
    """The same parse with plain lxml elements (no HtmlElement lookup: faster to walk)."""
    try:
        return etree.fromstring(text.encode("utf-8"), etree.HTMLParser(**PARSER_OPTIONS))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


def check_html(filename, data):
    """Raise FileRefused (naming the file and the first reason found) for active content."""
    text = _decode(data)
    try:
        if DOCTYPE_SUBSET.search(text) or ENTITY.search(text):
            _refuse(_("${file}: document type declarations with an internal subset or entity "
                      "declarations are not accepted (they can hide external entities)."))
        if XML_STYLESHEET.search(text):
            _refuse(_("${file}: HTML files may not load external resources (${url})."),
                    url="xml-stylesheet")
        root = _parse_for_check(text)
        if root is None:
            _refuse(_("${file}: the HTML could not be read."))
        _walk(root)
        _check_raw(text)
    except _Refusal as refusal:
        message = _(refusal.message, mapping={"file": filename, **refusal.mapping})
        raise FileRefused(message, filename) from None


#: The part of an XML part read for its prolog (where a DOCTYPE would have to be).
XML_HEAD = 4096
XML_DECLARATIONS = re.compile(rb"<!doctype|<!entity", re.I)
XML_PROLOG_NOISE = re.compile(rb"<\?.*?\?>|<!--.*?-->", re.S)


def _xml_head(head):
    """The bytes as ASCII-compatible text: UTF-16/32 lose their zero bytes, BOMs go."""
    if b"\x00" in head[:4]:
        head = head.replace(b"\x00", b"")
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom):]
    return head


def _looks_like_xml(name, head):
    return name.lower().endswith((".xml", ".rels")) or head.lstrip().startswith(b"<")


def check_xml_parts(filename, data):
    """Refuse an OOXML/ODF container whose XML parts declare a document type (XXE, entity
    expansion). Each part's first 4 KB are read; the prolog must end within them."""
    refused = FileRefused(_("${file}: XML document type declarations are not accepted (they "
                            "can hide external entities).", mapping={"file": filename}),
                          filename)
    unreadable = FileRefused(_("${file}: a part of the document could not be read.",
                               mapping={"file": filename}), filename)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                with archive.open(info) as part:
                    head = _xml_head(part.read(XML_HEAD))
                if not _looks_like_xml(info.filename, head):
                    continue
                if XML_DECLARATIONS.search(head):
                    raise refused
                rest = XML_PROLOG_NOISE.sub(b"", head).lstrip()
                # The root element must start within the head: a prolog padded past 4 KB
                # could hide a declaration after it.
                if info.file_size > XML_HEAD and not re.match(rb"<[^!?]", rest):
                    raise refused
    except FileRefused:
        raise
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, OSError,
            EOFError, ValueError):
        raise unreadable from None
