"""A stored file as an HTTP response: streamed from its blob, with the right headers.

Content-Type from the checked format; Content-Disposition with the original name
(RFC 6266: an ASCII fallback and ``filename*`` in UTF-8); an ETag and Last-Modified
that change only when the file does; Range requests (webob's conditional response
seeks in the blob file instead of reading it whole).
"""

from urllib.parse import quote

from pyramid.response import Response
from webob.static import FileIter

from statportal.files.policy import safe_name


def content_disposition(filename, inline=False):
    name = safe_name(filename)
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\%' else "_" for ch in name)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def etag_of(stored):
    oid, serial = getattr(stored, "_p_oid", None), getattr(stored, "_p_serial", None)
    if oid is None:
        return None
    return f"{oid.hex()}-{serial.hex()}"


def file_response(request, stored, inline=False):
    try:
        path = stored.blob.committed()
    except Exception:  # noqa: BLE001 (a blob written in this transaction has no file yet)
        path = None
    if path is not None:
        response = Response(app_iter=FileIter(open(path, "rb")),  # noqa: SIM115 (closed by the server)
                            content_type=stored.content_type, conditional_response=True)
        response.content_length = stored.size
    else:
        response = Response(body=stored.read(), content_type=stored.content_type,
                            conditional_response=True)
    if stored.content_type.startswith("text/"):
        response.charset = None  # the bytes are sent as stored, no charset is promised
    response.content_disposition = content_disposition(stored.original_name, inline)
    response.etag = etag_of(stored)
    response.last_modified = stored.stored_at
    response.accept_ranges = "bytes"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
