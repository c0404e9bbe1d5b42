#!/usr/bin/env python
"""Load test: editors registering and placing requests while the public reads, on a storage.

Run from the project root::

    .venv/bin/python bench/load.py --storage file|zeo|relstorage [--web 2] [--threads 4]
                                   [--editors 6] [--readers 4] [--seconds 40]
                                   [--commit REV] [--variant native-blobs|server-sync]
                                   [--json FILE] [--keep]
    .venv/bin/python bench/load.py --self-check   # the checks' own test, in a second

It starts everything itself on 127.0.0.1, in a temporary directory: the storage (``file``:
a FileStorage with blobs; ``zeo``: a ZEO server, ``runzeo`` with a shared blob directory;
``relstorage``: a throw-away PostgreSQL cluster, history-free, blobs in the database — see
statportal.storage_servers), an SMTP sink for the portal's mail, ``statportal init CONFIG
--demo`` (the demo users' passwords are read from its output), ``--web`` ``pserve``
processes on a copy of etc/development.ini (``zodbconn.uri`` and the mail server through
the STATPORTAL_* environment; ``--threads`` waitress threads each) and, on ZEO and
RelStorage, one ``statportal worker CONFIG`` (the web processes do not run the release
worker there). A FileStorage is one process's: ``--web N`` on ``file`` is one process with
N × ``--threads`` threads, and the output says so.

Then for ``--seconds``: ``--editors`` threads each create a placement request with two
xlsx files through the JSON API as the demo executor, and take it through submit (the
executor), approve (the head), register (the coordinator) and place (the moderator), each
step on a web process picked at random; ``--readers`` anonymous threads load the home
page, the calendar, a category page and a material in turn. A line of progress every 5 s.

At the end it prints the throughput, p50/p99 per kind of request, the answers by status
(5xx counted by status), and the ConflictError retries (the ``statportal.retry`` lines the
web processes log, by the class of the object that conflicted); and it checks, itself:

* every request acknowledged (201 on create, 200 on a step) is stored as far as it was
  acknowledged — read back over HTTP as the Manager (state, number, file names) and from
  the database once the web processes are stopped (each file's bytes by their SHA-256);
* the registration numbers of all stored requests are gapless: per year exactly 1..max,
  each once.

It exits 1 when a check fails (the temporary directory, with every process's log, is then
kept), 0 otherwise. Every process it started is stopped at the end, also on Ctrl-C.
"""

import argparse
import configparser
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import requests  # noqa: E402
from load_checks import lost_requests, number_gaps, self_check  # noqa: E402
from load_clients import (  # noqa: E402
    PAGES,
    Editor,
    Reader,
    RetryCount,
    Tally,
    retry_self_check,
    sample_files,
)

BIN = Path(sys.executable).parent
STORAGE_KINDS = ("file", "zeo", "relstorage")
servers = None  # statportal.storage_servers, imported from the tree under test (main)
SOURCE = ROOT  # the tree whose src/ the portal runs from (--commit: an export of it)
ROLES = {"executor": "aigerim", "head": "marat", "coordinator": "dana", "moderator": "yerlan",
         "manager": "admin"}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--storage", choices=STORAGE_KINDS, default="file")
    parser.add_argument("--web", type=int, default=2, help="web processes (file: one)")
    parser.add_argument("--threads", type=int, default=4, help="waitress threads each")
    parser.add_argument("--editors", type=int, default=6)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--commit", help="run the portal of this commit (git archive of it, "
                        "e.g. HEAD: without uncommitted changes), not the working tree's")
    parser.add_argument("--variant", choices=("native-blobs", "server-sync"),
                        help="file: FileStorage's own blob support instead of zodburi's "
                        "BlobStorage wrapper; zeo: clients that sync with the server at "
                        "each transaction's start (both through a zconfig:// file)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--self-check", action="store_true", help="test the checks and exit")
    args = parser.parse_args(argv)
    if args.variant and (args.storage, args.variant) not in (("file", "native-blobs"),
                                                              ("zeo", "server-sync")):
        parser.error("--variant native-blobs is for --storage file, server-sync for zeo")
    if min(args.web, args.threads, args.editors) < 1 or args.readers < 0 or args.seconds <= 0:
        parser.error("--web, --threads and --editors need at least 1, --seconds more than 0")
    return args


def say(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


class MailSink:
    """An SMTP server that accepts and counts the portal's mail (aiosmtpd)."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.count = 0
        self.port = servers.free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.count += 1
        return "250 OK"


def write_config(directory, threads):
    """etc/development.ini with waitress's threads, no template reloading, INFO logging."""
    parser = configparser.RawConfigParser()
    parser.optionxform = str
    parser.read(SOURCE / "etc" / "development.ini", encoding="utf-8")
    parser.set("app:main", "pyramid.reload_templates", "false")
    parser.set("server:main", "threads", str(threads))
    parser.set("logger_statportal", "level", "INFO")
    path = Path(directory) / "load.ini"
    with open(path, "w", encoding="utf-8") as f:
        parser.write(f)
    return path


def child_environment(uri, mail_port):
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATPORTAL_")}
    env.update(STATPORTAL_ZODBCONN_URI=uri, STATPORTAL_MAIL_HOST="127.0.0.1",
               STATPORTAL_MAIL_PORT=str(mail_port), PYTHONUNBUFFERED="1",
               PYTHONPATH=os.pathsep.join(p for p in (str(SOURCE / "src"),
                                                      env.get("PYTHONPATH")) if p))
    return env


def demo_credentials(output):
    """{login: password} from ``statportal init --demo``'s output."""
    found = {}
    for line in output.splitlines():
        match = re.match(r"^\s+(\S+)\s+(\S+)\s+\S", line)
        if match:
            found[match.group(1)] = match.group(2)
    missing = sorted(set(ROLES.values()) - set(found))
    if missing:
        raise SystemExit(f"statportal init --demo did not print a password for {missing}:\n"
                         + output)
    return found


class Processes:
    """The processes started here, each stopped (terminate, then kill) when the run ends."""

    def __init__(self, stack):
        self.started = []
        stack.callback(self.stop_all)

    def start(self, argv, env, log_path):
        with open(log_path, "ab") as log:
            process = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT,
                                       cwd=ROOT, start_new_session=True)
        self.started.append(process)
        return process

    def stop_all(self):
        for process in reversed(self.started):
            servers.stop_process(process, timeout=15)
        self.started = []


def start_storage(args, directory, stack):
    """The storage's server (if any) and a function giving each process's zodbconn.uri."""
    kind = args.storage
    if kind == "file" and args.variant == "native-blobs":
        (directory / "data").mkdir()
        return "FileStorage with its own blob support (zconfig)", \
            lambda name: zconfig_uri(directory, "<filestorage>\n  path {data}/Data.fs\n"
                                     "  blob-dir {data}/blobs\n</filestorage>",
                                     data=directory / "data")
    if kind == "file":
        uri = servers.storage_uri("file", directory / "data")
        return "FileStorage with blobs (file://…?blobstorage_dir=)", lambda name: uri
    if kind == "zeo":
        server = servers.ZEOServer(directory / "zeo").start()
        stack.callback(server.stop)
        if args.variant == "server-sync":
            return (f"ZEO server on 127.0.0.1:{server.port} (shared blob directory, clients "
                    "with server-sync)",
                    lambda name: zconfig_uri(directory / name, (
                        "<clientstorage>\n  server 127.0.0.1:{port}\n  blob-dir {blobs}\n"
                        "  shared-blob-dir true\n  server-sync true\n</clientstorage>"),
                        port=server.port, blobs=server.blob_dir))
        return (f"ZEO server on 127.0.0.1:{server.port} (shared blob directory)",
                lambda name: servers.storage_uri("zeo", directory / name, zeo=server))
    server = servers.PostgresServer()
    stack.callback(server.stop)
    server.start()
    dsn = server.create_database("statportal")
    return (f"RelStorage on PostgreSQL (port {server.port}, history-free, blobs in the "
            "database)",
            lambda name: servers.storage_uri("relstorage", directory / name, dsn=dsn))


def zconfig_uri(directory, storage, **values):
    """A ``zconfig://`` URI of a file in ``directory`` opening ``storage`` (its ZConfig
    section, ``{name}`` filled from ``values``)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "storage.conf"
    path.write_text("%import ZEO\n<zodb main>\n" + storage.format(**values) + "\n</zodb>\n")
    return f"zconfig://{path}#main"


def wait_until_served(base, process, log_path, timeout=120):
    """Until ``base`` answers the home page (the portal built, catalogs loaded)."""
    port = int(base.rsplit(":", 1)[1])
    servers.wait_for_port(port, process, log_path, timeout)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/", timeout=30).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise servers.ServerError(f"{base} did not answer 200 within {timeout} s (log: {log_path})")


def run(args, directory, stack):
    sink = MailSink()
    sink.controller.start()
    stack.callback(sink.controller.stop)
    described, uri_of = start_storage(args, directory, stack)
    processes = Processes(stack)  # stopped first: before the storage and the mail sink
    say(f"storage: {described}")
    shared = args.storage != "file"
    web = args.web if shared else 1
    threads = args.threads if shared else args.threads * args.web
    config = write_config(directory, threads)
    init = subprocess.run([str(BIN / "statportal"), "init", str(config), "--demo"],
                          env=child_environment(uri_of("init"), sink.port), cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    if init.returncode:
        raise SystemExit(f"statportal init failed:\n{init.stdout}{init.stderr}")
    passwords = demo_credentials(init.stdout)
    bases, logs = [], []
    for index in range(web):
        port = servers.free_port()
        log_path = directory / f"web{index}.log"
        process = processes.start([str(BIN / "pserve"), str(config), f"http_port={port}"],
                                  child_environment(uri_of(f"web{index}"), sink.port),
                                  log_path)
        bases.append(f"http://127.0.0.1:{port}")
        logs.append(log_path)
        wait_until_served(bases[-1], process, log_path)
    if shared:
        log_path = directory / "worker.log"
        processes.start([str(BIN / "statportal"), "worker", str(config)],
                        child_environment(uri_of("worker"), sink.port), log_path)
        logs.append(log_path)
    layout = (f"{web} web process(es) × {threads} waitress threads" if shared else
              f"1 web process × {threads} threads (a FileStorage is one process's: "
              f"--web {args.web} × --threads {args.threads} run as threads of one process)")
    say(f"{layout}: {', '.join(bases)}" + ("; 1 statportal worker" if shared else ""))
    for _kind, path in PAGES:  # the readers' pages exist (demo content)
        status = requests.get(bases[0] + path, timeout=60).status_code
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}: the demo content changed?")

    tally, stop, retries = Tally(), threading.Event(), RetryCount(logs)
    retries.update()
    credentials = {role: (login, passwords[login]) for role, login in ROLES.items()}
    files = sample_files()
    tag = time.strftime("%H%M%S")
    editors = [Editor(i, bases, credentials, stop, tally, files, tag)
               for i in range(args.editors)]
    readers = [Reader(i, bases, stop, tally) for i in range(args.readers)]
    load_before = os.getloadavg()
    began = time.monotonic()
    for thread in (*editors, *readers):
        thread.start()
    try:
        while (left := began + args.seconds - time.monotonic()) > 0:
            stop.wait(min(5.0, left))
            progress(tally, retries, time.monotonic() - began)
    finally:
        stop.set()
        deadline = time.monotonic() + 150  # a request in flight ends within TIMEOUT
        for thread in (*editors, *readers):
            thread.join(max(0.1, deadline - time.monotonic()))
    elapsed = time.monotonic() - began
    load_after = os.getloadavg()
    time.sleep(0.5)
    retries.update()
    acknowledged = {}
    for editor in editors:
        acknowledged.update(editor.acknowledged)
    say(f"load done in {elapsed:.1f} s; reading {len(acknowledged)} acknowledged requests "
        "back over HTTP")
    stored_http = read_back(bases[0], credentials["manager"], acknowledged)
    causes = traceback_causes(logs)
    processes.stop_all()
    say("web processes stopped; reading the database")
    numbers, stored_db, requests_stored = read_database(uri_of("check"), acknowledged)
    problems = [*lost_requests(acknowledged, stored_http),
                *(f"database: {p}" for p in lost_requests(acknowledged, stored_db)),
                *number_gaps(numbers)]
    return {
        "storage": args.storage, "described": described, "layout": layout,
        "web_processes": web, "threads": threads, "editors": args.editors,
        "readers": args.readers, "seconds": round(elapsed, 1),
        "requests": tally.total(), "throughput": round(tally.total() / elapsed, 1),
        "rows": tally.rows(), "server_errors": {str(k): v for k, v in
                                                tally.server_errors().items()},
        "stale": dict(tally.stale), "busy": dict(tally.busy), "retries": retries.total,
        "retries_exhausted": retries.exhausted,
        "retries_by_class": dict(retries.by_class.most_common()),
        "retries_by_kind": dict(retries.by_kind.most_common()),
        "tracebacks_in_logs": sum(causes.values()), "causes": dict(causes.most_common()),
        "acknowledged": len(acknowledged),
        "acknowledged_by_step": count_steps(acknowledged),
        "stored_requests": requests_stored, "numbers": len(numbers),
        "mails_delivered": sink.count, "problems": problems,
        "samples": {f"{kind} {status}": body for (kind, status), body in tally.samples.items()},
        "load_average": {"before": [round(x, 2) for x in load_before],
                         "after": [round(x, 2) for x in load_after]},
    }


def progress(tally, retries, elapsed):
    total = tally.total()
    errors = sum(tally.server_errors().values())
    say(f"{elapsed:5.0f} s  {total} requests ({total / max(elapsed, 0.001):.1f}/s)  "
        f"created {tally.count('create', 201)}  registered {tally.count('register', 200)}  "
        f"placed {tally.count('place', 200)}  5xx/errors {errors}  "
        f"retries {retries.update()}  load {os.getloadavg()[0]:.1f}")


def traceback_causes(paths):
    """{the exception a traceback in the logs ends with (oids, serials and paths left out):
    count} — why the 5xx were 5xx."""
    causes = Counter()
    for path in paths:
        in_traceback = False
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("Traceback (most recent call last)"):
                in_traceback = True
            elif in_traceback and line and not line.startswith(" "):
                in_traceback = False
                line = re.sub(r"\(oid 0x\w+, class ([\w.]+).*", r"(class \1)", line)
                causes[re.sub(r"'No blob file at [^']*'", "'No blob file at …'", line)[:200]] += 1
    return causes


def count_steps(acknowledged):
    counts = {}
    for ack in acknowledged.values():
        counts[ack["step"]] = counts.get(ack["step"], 0) + 1
    return counts


def read_back(base, credentials, acknowledged):
    """{id: {state, number, files}} of the acknowledged requests, as the Manager reads them."""
    session = requests.Session()
    session.auth = credentials
    session.headers["Accept"] = "application/json"
    stored = {}
    for name, ack in acknowledged.items():
        response = session.get(base + ack["path"], timeout=60)
        if response.status_code == 200:
            data = response.json()
            stored[name] = {"state": data.get("review_state"), "number": data.get("number"),
                            "files": [f["filename"] for f in data.get("files") or ()]}
    return stored


def read_database(uri, acknowledged):
    """The numbers of every stored request, and the acknowledged ones as stored (a file
    whose bytes do not match their SHA-256 is named ``corrupt:<name>``)."""
    import hashlib

    import transaction
    import zodburi
    from ZODB import DB
    from ZODB.POSException import POSKeyError

    from statportal.content.resources import ZODB_ROOT_KEY
    from statportal.workflow import state_of

    factory, dbkw = zodburi.resolve_uri(uri)
    db = DB(factory(), **dbkw)
    try:
        manager = transaction.TransactionManager()
        conn = db.open(transaction_manager=manager)
        try:
            folder = conn.root()[ZODB_ROOT_KEY]["requests"]
            numbers, stored, total = [], {}, 0
            for name in list(folder.keys()):
                obj = folder[name]
                total += 1
                if getattr(obj, "number", None):
                    numbers.append(obj.number)
                if name in acknowledged:
                    files = []
                    for stored_file in obj.files:
                        try:
                            good = hashlib.sha256(stored_file.read()).hexdigest() in \
                                acknowledged[name]["sha256"]
                        except POSKeyError:  # the record is there, its blob file is not
                            files.append(f"missing:{stored_file.filename}")
                            continue
                        files.append(stored_file.filename if good else
                                     f"corrupt:{stored_file.filename}")
                    stored[name] = {"state": state_of(obj, "placement_request", None),
                                    "number": getattr(obj, "number", None), "files": files}
            manager.abort()
            return numbers, stored, total
        finally:
            conn.close()
    finally:
        db.close()


def report(result):
    print()
    print(f"storage     {result['described']}")
    print(f"processes   {result['layout']}")
    print(f"clients     {result['editors']} editors, {result['readers']} readers, "
          f"{result['seconds']} s; load average {result['load_average']['before'][0]} → "
          f"{result['load_average']['after'][0]} on {os.cpu_count()} CPUs")
    print(f"throughput  {result['requests']} requests, {result['throughput']}/s")
    print()
    print(f"{'kind':<10} {'count':>6} {'p50 ms':>8} {'p99 ms':>8}  statuses")
    for row in result["rows"]:
        statuses = ", ".join(f"{k}: {v}" for k, v in row["statuses"].items())
        print(f"{row['kind']:<10} {row['count']:>6} {_fmt(row['p50_ms']):>8} "
              f"{_fmt(row['p99_ms']):>8}  {statuses}")
    print()
    errors = ", ".join(f"{k}: {v}" for k, v in result["server_errors"].items()) or "none"
    print(f"5xx         {errors} (tracebacks in the logs: {result['tracebacks_in_logs']})")
    for cause, count in result["causes"].items():
        print(f"  {count:>4} × {cause}")
    by_class = ", ".join(f"{k} {v}" for k, v in result["retries_by_class"].items())
    by_kind = ", ".join(f"{k} {v}" for k, v in result["retries_by_kind"].items())
    print(f"retries     {result['retries']}, exhausted {result['retries_exhausted']}"
          + (f" (by object: {by_class}; by request: {by_kind})" if by_class else ""))
    steps = ", ".join(f"{k} {v}" for k, v in result["acknowledged_by_step"].items())
    print(f"requests    {result['acknowledged']} acknowledged (last step: {steps}); "
          f"{result['stored_requests']} stored, {result['numbers']} numbered; "
          f"{result['mails_delivered']} mails delivered")
    if result["stale"]:
        stale = ", ".join(f"{k} {v}" for k, v in result["stale"].items())
        print(f"stale       {stale} (a 403, 404 or 409 from a process that had not yet "
              "seen the step before, made on another one; tried again after 0.25 s)")
    if result["busy"]:
        busy = ", ".join(f"{k} {v}" for k, v in result["busy"].items())
        print(f"busy        {busy} (503 with Retry-After: sent again after it, at most 5 s)")
    for what, body in result["samples"].items():
        print(f"first {what:<14} {body}")
    if result["problems"]:
        print(f"FAILED      {len(result['problems'])} problem(s):")
        for problem in result["problems"][:50]:
            print(f"  {problem}")
    else:
        print("checks      passed: every acknowledged request stored as acknowledged, "
              "numbers gapless")


def _fmt(value):
    return "-" if value is None else f"{value:.0f}"


def use_source(revision, directory):
    """Import statportal from the tree under test: the working tree, or ``revision``
    exported (``git archive``: the shared work tree and its index are left alone)."""
    global SOURCE, servers
    if revision:
        SOURCE = directory / "source"
        SOURCE.mkdir()
        archive = subprocess.run(["git", "archive", "--format=tar", revision], cwd=ROOT,
                                 capture_output=True, timeout=120)
        if archive.returncode:
            raise SystemExit(f"git archive {revision}: {archive.stderr.decode()}")
        subprocess.run(["tar", "-x", "-C", str(SOURCE)], input=archive.stdout, check=True)
    sys.path.insert(0, str(SOURCE / "src"))
    from statportal import storage_servers

    servers = storage_servers
    assert Path(storage_servers.__file__).is_relative_to(SOURCE), storage_servers.__file__


def commit(revision=None):
    if revision:
        return subprocess.run(["git", "rev-parse", "--short", revision], cwd=ROOT, text=True,
                              capture_output=True, timeout=10).stdout.strip()
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=ROOT, text=True, capture_output=True, timeout=10).stdout
        return head + (" (with uncommitted changes)" if dirty.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def main(argv=None):
    args = parse_args(argv)
    if args.self_check:
        self_check()
        retry_self_check()
        print("the checks' self-check passed")
        return 0
    signal.signal(signal.SIGTERM, _interrupt)
    # Ctrl-C even when started in the background of a script (which ignores SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    directory = Path(tempfile.mkdtemp(prefix="statportal-load-"))
    keep = args.keep
    try:
        use_source(args.commit, directory)
        say(f"commit {commit(args.commit)}, {platform.node()}, {os.cpu_count()} CPUs, load "
            f"average {os.getloadavg()[0]:.2f}; files in {directory}")
        with ExitStack() as stack:
            result = run(args, directory, stack)
        result.update(commit=commit(args.commit), cpus=os.cpu_count(), cpu=_cpu_model(),
                      date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
        report(result)
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=1, ensure_ascii=False))
        keep = keep or bool(result["problems"])
        return 1 if result["problems"] else 0
    except KeyboardInterrupt:
        print("\ninterrupted: every process started here is stopped", file=sys.stderr)
        return 130
    finally:
        if keep:
            print(f"kept {directory} (the processes' logs: web*.log, worker.log)")
        else:
            import shutil

            shutil.rmtree(directory, ignore_errors=True)


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # SIGTERM cleans up as Ctrl-C does


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


if __name__ == "__main__":
    sys.exit(main())
