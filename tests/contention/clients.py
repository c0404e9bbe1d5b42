"""A portal served by waitress on 127.0.0.1, and its HTTP clients: JSON calls with Basic
credentials, counted by status, from threads started at once."""

import base64
import json
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field

from statportal.testing import DEMO_PASSWORD, close_app, make_app, open_portal


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Portal:
    url: str
    app: object
    statuses: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def call(self, login, method, path, body=None, accept="application/json",
             retry_busy=0, language="en"):
        """One request (``retry_busy``: a 503 is tried again that many times after its
        ``Retry-After``, as a client should); every answer is counted in ``statuses``."""
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Accept": accept, "Content-Type": "application/json",
                   "Accept-Language": language}
        if login:
            token = base64.b64encode(f"{login}:{DEMO_PASSWORD}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        request = urllib.request.Request(self.url + path, data=data,  # noqa: S310 (http)
                                         method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (http only)
                answer = Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, dict(error.headers), error.read())
        with self.lock:
            self.statuses[method, path.rsplit("/", 1)[-1], answer.status] += 1
        if answer.status == 503 and retry_busy:
            time.sleep(int(answer.headers.get("Retry-After", "1")))
            return self.call(login, method, path, body, accept, retry_busy - 1, language)
        return answer

    def server_errors(self):
        return {key: n for key, n in self.statuses.items() if key[2] >= 500}


def run_clients(target, count, timeout=120):
    """``target(i)`` in ``count`` threads at once; the exceptions they raised."""
    errors = []
    barrier = threading.Barrier(count, timeout=30)

    def run(i):
        try:
            barrier.wait()
            target(i)
        except BaseException as exc:  # reported by the test  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a client did not finish"
    return errors


def serve(settings, threads=8, demo=True):
    """(Portal, stop): the app (with demo content added), served on a free port."""
    import waitress.server

    import statportal.demo

    app = make_app(settings)
    if demo:
        with open_portal(app) as portal:
            statportal.demo.add_demo_content(app.registry, portal,
                                             password_factory=lambda: DEMO_PASSWORD)
    server = waitress.server.create_server(app, host="127.0.0.1", port=0, threads=threads)
    stopping = threading.Event()

    def run():
        try:
            server.run()
        except (OSError, ValueError):  # its sockets closed under the loop by stop()
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True, name="contention-server")
    thread.start()

    def stop():
        stopping.set()
        server.task_dispatcher.shutdown()  # its threads done before their sockets close
        server.close()
        thread.join(timeout=10)
        close_app(app)

    return Portal(f"http://127.0.0.1:{server.effective_port}", app), stop
