#!/usr/bin/env python
"""A release mailed to 100,000 subscribers, and the public pages meanwhile.

    .venv/bin/python bench/bench_mailing.py [--subscribers 100000] [--idle 10]

Builds the portal as the tests do (``make_settings``/``make_app``: a FileStorage with
blobs, the storage ``make serve`` opens) with the demo content and N confirmed
subscribers (``statportal.subscriptions.resources.add_confirmed``), with the in-process
mail sender on (``statportal.mail.deliver_in_process = true``, as ``make serve`` on its
own FileStorage) pointed at an aiosmtpd sink in a subprocess that only counts. The app is
served by waitress in a thread of this process, as in ``make serve``: the sender shares
the process (and its GIL) with the web threads. A client subprocess fetches ``/`` and a
section page in turn, one request at a time, for ``--idle`` seconds before the mailing
(the idle baseline) and all through it (``--rate``: that many a second; by default
back to back, the worst case for the sender, which then waits for the GIL). Then one bulk
mail (kk/ru/en parts) is queued in one transaction as a release queues it (the
subscribers' ids and the recipient resolver's name) and the sender is woken; the sender
reads each chunk's subscribers and signs their unsubscribe and manage links.

Prints the time to queue, the time until the sink has every message, messages per second,
and p50/p99 of the pages idle and while sending.
"""

import argparse
import http.client
import logging
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

HOST = "127.0.0.1"
PAGES = ("/", "/official-statistics/economy/")


def sink(port, count, ready):
    """An SMTP server that counts the messages it takes (in its own process)."""
    from aiosmtpd.controller import Controller

    class Counting:
        async def handle_DATA(self, server, session, envelope):
            with count.get_lock():
                count.value += 1
            return "250 OK"

    controller = Controller(Counting(), hostname=HOST, port=port)
    controller.start()
    ready.set()
    while True:
        time.sleep(3600)


def client(port, stop, out, rate):
    """GET the pages in turn until ``stop``, ``rate`` a second (0: back to back);
    ``(start, seconds)`` of each into ``out``."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    samples, number, began = [], 0, time.time()
    while not stop.is_set():
        if rate:
            time.sleep(max(0.0, began + number / rate - time.time()))
        path = PAGES[number % len(PAGES)]
        number += 1
        start = time.time()
        conn.request("GET", path, headers={"Accept": "text/html"})
        response = conn.getresponse()
        response.read()
        assert response.status == 200, (path, response.status)
        samples.append((start, time.time() - start))
    out.put(samples)


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * fraction))] if values else float("nan")


def add_subscribers(app, total, batch=5000):
    from statportal.subscriptions.resources import add_confirmed
    from statportal.testing import open_portal

    languages = ("kk", "ru", "en")
    for first in range(0, total, batch):
        with open_portal(app) as portal:
            for number in range(first, min(total, first + batch)):
                add_confirmed(portal, f"reader{number:06d}@example.org",
                              language=languages[number % 3],
                              sections=("/official-statistics/economy",))


def queue_release(app):
    """The release's mailing to every subscriber of the section, in one transaction, as
    the release's transaction queues it (``announce``): the subscribers' ids and the
    resolver's name; their addresses and signed links are made by the sender."""
    from statportal.mail.bulk import queue_bulk_mail
    from statportal.subscriptions.compose import RESOLVER
    from statportal.subscriptions.resources import recipient_ids
    from statportal.testing import open_portal

    parts = {lang: {"subject": f"[{lang}] Consumer prices, November 2026",
                    "text": "Консольдік баға индексі жарияланды.\n"
                            "https://stat.example.kz/official-statistics/economy/cpi\n\n"
                            "Unsubscribe: $unsubscribe_url\nManage: $manage_url\n"}
             for lang in ("kk", "ru", "en")}
    with open_portal(app) as portal:
        key = queue_bulk_mail(
            portal, key_prefix="release-cpi", sender="noreply@stat.example.kz", parts=parts,
            recipients=recipient_ids(portal, section_path="/official-statistics/economy"),
            resolver=RESOLVER, context={"base": "https://stat.example.kz",
                                        "frequency": "immediate"})
    return key


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle baseline")
    parser.add_argument("--threads", type=int, default=4, help="waitress threads")
    parser.add_argument("--rate", type=float, default=0,
                        help="the client's requests a second (default 0: back to back)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    for name in [name for name in os.environ if name.startswith("STATPORTAL_")]:
        del os.environ[name]
    import waitress

    from statportal.demo import add_demo_content
    from statportal.mail import start_sender
    from statportal.mail.running import kick_of
    from statportal.testing import DEMO_PASSWORD, close_app, make_app, make_settings, open_portal

    smtp_port, count, ready = free_port(), multiprocessing.Value("i", 0), multiprocessing.Event()
    sink_process = multiprocessing.Process(target=sink, args=(smtp_port, count, ready),
                                           daemon=True)
    sink_process.start()
    ready.wait(30)
    with tempfile.TemporaryDirectory() as data_dir:
        app = make_app(make_settings(data_dir, **{
            "mail.host": HOST, "mail.port": str(smtp_port), "mail.delivery": "smtp"}))
        with open_portal(app) as portal:
            add_demo_content(app.registry, portal, password_factory=lambda: DEMO_PASSWORD)
        started = time.perf_counter()
        add_subscribers(app, args.subscribers)
        print(f"{args.subscribers} confirmed subscribers added in "
              f"{time.perf_counter() - started:.1f} s")
        # The sender starts once the set-up is written (the demo's mail is then sent too).
        app.registry.settings["statportal.mail.deliver_in_process"] = "true"
        start_sender(app.registry)
        time.sleep(1)
        sent_before = count.value
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        server = waitress.create_server(app, host=HOST, port=0, threads=args.threads)
        port = server.effective_port
        threading.Thread(target=server.run, daemon=True).start()
        stop, out = multiprocessing.Event(), multiprocessing.Queue()
        reader = multiprocessing.Process(target=client, args=(port, stop, out, args.rate),
                                         daemon=True)
        reader.start()
        time.sleep(args.idle + 2)  # the first 2 s warm the pages, then the idle baseline
        queue_start = time.time()
        key = queue_release(app)
        queued = time.time()
        kick_of(app.registry)()
        while count.value - sent_before < args.subscribers:
            time.sleep(0.05)
        done = time.time()
        stop.set()
        samples = out.get(timeout=60)
        reader.join(10)
        server.close()
        idle = [s for t, s in samples if queue_start - args.idle <= t < queue_start]
        queueing = [s for t, s in samples if queue_start <= t < queued]
        busy = [s for t, s in samples if queued <= t and t + s <= done]
        with open_portal(app) as portal:
            from statportal.mail.outbox import get_outbox

            counts = get_outbox(portal)[key].counts
        close_app(app)
    sink_process.terminate()
    total, sent = done - queue_start, count.value - sent_before
    print(f"queued in {queued - queue_start:.1f} s; all {sent} messages at the sink "
          f"{total:.1f} s after the start of queueing ({done - queued:.1f} s of sending): "
          f"{sent / (done - queued):.0f} messages/s; outbox counts {counts}")
    for name, values in (("idle", idle), ("while queueing", queueing),
                         ("while sending", busy)):
        if not values:
            continue
        print(f"public pages {name}: {len(values)} requests, "
              f"p50 {statistics.median(values) * 1000:.1f} ms, "
              f"p99 {percentile(values, 0.99) * 1000:.1f} ms, "
              f"max {max(values) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
