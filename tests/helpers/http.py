"""A JSON client of a portal served by a real server (pserve in another process), over
HTTP with Basic auth, as the demo users `statportal init --demo` printed."""

import base64
import json
import socket
import time
import urllib.error
import urllib.request


class Http:
    def __init__(self, base, passwords=None):
        self.base = base.rstrip("/")
        self.passwords = passwords or {}

    def call(self, method, path, login=None, data=None, status=None, language="en",
             accept="application/json"):
        """``(status, body)`` of one request; the body decoded from JSON when it is."""
        headers = {"Accept": accept, "Accept-Language": language}
        body = None
        if data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        if login:
            token = base64.b64encode(f"{login}:{self.passwords[login]}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        request = urllib.request.Request(  # noqa: S310 (http only)
            self.base + path, data=body, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                code, raw, kind = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            code, raw, kind = error.code, error.read(), error.headers
        value = raw.decode("utf-8", "replace")
        if "json" in (kind.get("Content-Type") or ""):
            value = json.loads(value)
        if status is not None:
            assert code == status, (method, path, code, str(value)[:2000])
        return code, value

    def get(self, path, login=None, **kw):
        return self.call("GET", path, login, **kw)[1]

    def post(self, path, data, login=None, **kw):
        return self.call("POST", path, login, data=data, **kw)[1]

    def patch(self, path, data, login=None, **kw):
        return self.call("PATCH", path, login, data=data, **kw)[1]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_served(url, seconds=60, process=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the server stopped: status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} not served within {seconds} s")
