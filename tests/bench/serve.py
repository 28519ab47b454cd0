"""Benchmark: the post page served by gunicorn as `make run` serves it, against a bare WSGI app
serving the same bytes under the same settings (the ceiling), both driven by wrk.

    make bench        (or: .venv/bin/python tests/bench/serve.py)

For the embedded default, and for PostgreSQL + Redis when 127.0.0.1:5432 and :6379 answer: a
fresh INKWELL_VAR_DIR in a temporary directory, migrated and seeded with posts carrying 50 and
500 approved threaded comments, then wrk with a browser User-Agent (so views are counted) at 8
and 32 connections, several runs, interleaved with the ceiling. Prints one table (req/s median,
p50/p99 latency, ratio to the ceiling, queries per request, gunicorn worker RSS, the view counter's
delta against the 200 responses) and the in-process render time. Nothing is asserted.

Scale with the environment: BENCH_SECONDS (5 a run), BENCH_RUNS (3), BENCH_CONNECTIONS (8,32),
BENCH_COMMENTS (50,500), BENCH_BACKENDS (sqlite,postgres), BENCH_RENDER_LOOPS (30 requests,
at least 5, for at most BENCH_RENDER_SECONDS, 10);
WEB_CONCURRENCY and GUNICORN_THREADS as for `make run`. BENCH_KEEP=1 keeps the temporary dir.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/inkwell_bench"
REDIS_URL = "redis://127.0.0.1:6379/6"
WORKER_RSS_TARGET_MB = 120


def env_ints(name, default):
    return [int(item) for item in os.environ.get(name, default).split(",") if item.strip()]


SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
CONNECTIONS = env_ints("BENCH_CONNECTIONS", "8,32")
COMMENTS = env_ints("BENCH_COMMENTS", "50,500")
RENDER_LOOPS = int(os.environ.get("BENCH_RENDER_LOOPS", "30"))
RENDER_SECONDS = float(os.environ.get("BENCH_RENDER_SECONDS", "10"))
AUDIENCES = ("anonymous", "signed-in")

POST_BODY = "\n\n".join(
    f"<p>Paragraph {n} of the benchmark post: a few sentences about tides, ferries and the "
    f'<a href="https://example.com/notes/{n}">harbour\'s notes</a>, with <em>some</em> '
    f"<strong>markup</strong> so the body is more than plain text.</p>"
    for n in range(1, 9)
)
COMMENT_TEXT = (
    "Thanks for writing this up, I tried the second approach on my own site and it held up.\n\n"
    "One question: does it still work with <em>nested</em> lists? See https://example.com/q/{n} "
    "for what I mean.\nCheers, reader {n}."
)


# --- helpers shared by the parent and the children ---------------------------------------------


def answers(port, host="127.0.0.1"):
    """Whether something listens on a loopback port."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def load_average():
    return ", ".join(f"{load:.1f}" for load in os.getloadavg())


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def parent_of(n, thread_size=10):
    """Index of comment n's parent (None for a root): threads of ten, a binary tree in each,
    so replies go up to four levels deep."""
    position = n % thread_size
    if position == 0:
        return None
    return n - position + (position - 1) // 2


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def parse_wrk(output):
    """The JSON line summary.lua prints, with req/s and latency in ms added."""
    match = re.search(r"^WRK_JSON (\{.*\})$", output, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk printed no summary:\n{output}")
    run = json.loads(match.group(1))
    run["rps"] = run["requests"] / (run["duration_us"] / 1e6)
    completed = run["requests"] > 0
    run["p50_ms"] = run["p50_us"] / 1000 if completed else None
    run["p99_ms"] = run["p99_us"] / 1000 if completed else None
    run["errors"] = sum(run[k] for k in ("connect", "read", "write", "status", "timeout"))
    return run


def median_or_none(values):
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def ms(value):
    return f"{value:8.1f}" if value is not None else f"{'-':>8}"


def count_access_log(path, user_agent=BROWSER):
    """{URL path: 200 responses to `user_agent`} from gunicorn's access log (the default format,
    which ends with the User-Agent)."""
    counts = {}
    pattern = re.compile(r'"GET (\S+) HTTP/[\d.]+" 200 .*"' + re.escape(user_agent) + '"$')
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            match = pattern.search(line.rstrip("\n"))
            if match:
                counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    return counts


def ensure_wrk():
    """wrk from Debian when missing (as root), like the Makefile's browser-deps target."""
    if shutil.which("wrk"):
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        install = ["apt-get", "install", "-y", "-q", "-o", "DPkg::Lock::Timeout=120", "wrk"]
        if subprocess.run(install).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], check=True)
            subprocess.run(install, check=True)
    if not shutil.which("wrk"):
        sys.exit("wrk is missing and apt-get is not usable: install Debian's wrk package.")


# --- one backend, in its own process (Django's settings are read once) --------------------------


class Server:
    """gunicorn as `make run` starts it (config/gunicorn.conf.py), on a free loopback port."""

    def __init__(self, app, env, log, ready_path):
        self.port = free_port()
        self.log = log
        self.url = f"http://127.0.0.1:{self.port}"
        command = [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py"]
        if app:
            command.append(app)
        env = {**env, "HOST": "127.0.0.1", "PORT": str(self.port), "INKWELL_RUN_WORKER": "0"}
        with open(log, "w") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        try:
            self.wait_ready(ready_path)
        except BaseException:
            self.stop()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def wait_ready(self, path, timeout=60):
        """Until gunicorn answers (any HTTP status: the ceiling has no page at its root)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=5):
                    return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer {path} within {timeout}s; see {self.log}")

    def get(self, path, cookie=None):
        """The page's bytes, asked with an empty User-Agent (not counted as a view)."""
        headers = {"User-Agent": "", **({"Cookie": cookie} if cookie else {})}
        request = urllib.request.Request(self.url + path, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()

    def worker_rss_mb(self):
        result = subprocess.run(
            ["ps", "-o", "rss=", "--ppid", str(self.process.pid)], capture_output=True, text=True
        )
        return [int(kb) / 1024 for kb in result.stdout.split()]

    def worker_cpu_ticks(self):
        return sum(self.ticks_by_worker().values())

    def ticks_by_worker(self):
        ticks = {}
        for pid in subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True
        ).stdout.split():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks[pid] = int(fields[11]) + int(fields[12])  # utime, stime
        return ticks

    def wait_idle(self, quiet=0.5, timeout=180):
        """Wait until the workers stop using CPU: requests wrk cut off at the end of a run are
        still answered, and must not eat into the next run."""
        deadline = time.monotonic() + timeout
        last, calm = self.worker_cpu_ticks(), 0
        while calm < 2 and time.monotonic() < deadline:
            time.sleep(quiet)
            now = self.worker_cpu_ticks()
            calm = calm + 1 if now - last <= 1 else 0
            last = now

    def stop(self):
        """Graceful stop (SIGTERM, as a service manager does): workers finish their requests."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def wrk(url, connections, seconds, cookie=None):
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(HERE / "summary.lua"),
        "-H",
        f"User-Agent: {BROWSER}",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    result = subprocess.run(command + [url], capture_output=True, text=True, check=True)
    return parse_wrk(result.stdout)


def prepare_database(backend):
    """A fresh, empty database (and Redis db) for this run."""
    if backend != "postgres":
        return
    import psycopg
    import redis

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute("DROP DATABASE IF EXISTS inkwell_bench WITH (FORCE)")
        db.execute("CREATE DATABASE inkwell_bench")
    redis.Redis.from_url(REDIS_URL).flushdb()


def seed(sizes):
    """A staff user, and one post per (comments, audience, connections) so every table row has
    its own view counter; each post carries `comments` approved comments in threads."""
    import datetime

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from blog.models import Post
    from comments.models import Comment
    from comments.signals import no_outgoing_pings

    editor = get_user_model().objects.create_superuser(
        "bench-editor", "editor@example.com", "bench", first_name="Bench", last_name="Editor"
    )
    start = timezone.now() - datetime.timedelta(days=3)
    posts = {}
    with no_outgoing_pings(), transaction.atomic():  # one commit: seconds, not minutes, on PG
        for comments in sizes:
            for audience in AUDIENCES:
                for connections in CONNECTIONS:
                    post = Post.objects.create(
                        title=f"Benchmark post, {comments} comments, {audience}, c{connections}",
                        slug=f"bench-{comments}-{audience}-{connections}",
                        body=POST_BODY,
                        author=editor,
                        status="publish",
                        published_at=start,
                    )
                    saved = []
                    for n in range(comments):
                        parent = parent_of(n)
                        comment = Comment(
                            content_object=post,
                            site_id=settings.SITE_ID,
                            user_name=f"Reader {n % 40}",
                            user_email=f"reader{n % 40}@example.com",
                            user_url="https://example.com/" if n % 4 == 0 else "",
                            comment=COMMENT_TEXT.format(n=n),
                            submit_date=start + datetime.timedelta(minutes=n),
                            ip_address=f"192.0.2.{n % 250 + 1}",
                            state="approved",
                            parent_id=saved[parent].pk if parent is not None else 0,
                        )
                        comment.save()
                        saved.append(comment)
                    posts[(comments, audience, connections)] = post
    return editor, posts


def session_cookie(user):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def view_counts(posts):
    from blog.stats.models import PostViews

    counts = dict(PostViews.objects.values_list("post_id", "count"))
    return {key: counts.get(post.pk, 0) for key, post in posts.items()}


def in_process(posts, editor):
    """Queries per request and render time through Django's test client, page cache off."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.INKWELL_PAGE_CACHE = False  # render time is rendering, not the page cache
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    signed_in = Client()
    signed_in.force_login(editor)
    clients = {"anonymous": Client(), "signed-in": signed_in}
    figures = {}
    for (comments, audience, connections), post in posts.items():
        if connections != CONNECTIONS[0]:
            continue
        client, url = clients[audience], post.get_absolute_url()
        for _ in range(3):  # warm-up: templates, caches, connections
            assert client.get(url, headers={"User-Agent": BROWSER}).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            client.get(url, headers={"User-Agent": BROWSER})
        queries = len(captured)  # now: the next request's start empties the query log
        times = []
        deadline = time.monotonic() + RENDER_SECONDS
        while len(times) < RENDER_LOOPS and (len(times) < 5 or time.monotonic() < deadline):
            started = time.perf_counter()
            client.get(url, headers={"User-Agent": BROWSER})
            times.append((time.perf_counter() - started) * 1000)
        figures[(comments, audience)] = {
            "queries": queries,
            "render_ms": statistics.median(times),
            "render_p90_ms": statistics.quantiles(times, n=10)[-1] if len(times) > 1 else times[0],
        }
    return figures


def drive(posts, cookie, var, note):
    """Start Inkwell, save its pages' bytes for the ceiling, start the ceiling, warm both up,
    then run wrk interleaved (anonymous, signed-in, ceiling); both servers stop gracefully
    whatever happens. Returns the pages' paths, the runs and the workers' RSS."""
    env = dict(os.environ)
    with contextlib.ExitStack() as servers:
        inkwell = servers.enter_context(Server(None, env, var / "inkwell.log", "/healthz"))
        pages = {key: post.get_absolute_url() for key, post in posts.items()}
        ceiling_files = {}
        for comments in COMMENTS:
            saved = var / f"ceiling-{comments}.html"
            saved.write_bytes(inkwell.get(pages[(comments, "anonymous", CONNECTIONS[0])]))
            ceiling_files[f"/ceiling/{comments}/"] = str(saved)
        signed_in = inkwell.get(pages[(COMMENTS[0], "signed-in", CONNECTIONS[0])], cookie)
        if b'id="logout-form"' not in signed_in:
            raise RuntimeError("the signed-in page was served as to an anonymous reader")
        (var / "ceiling.json").write_text(json.dumps(ceiling_files))
        env["INKWELL_BENCH_CEILING"] = str(var / "ceiling.json")
        ceiling = servers.enter_context(
            Server("tests.bench.ceiling:application", env, var / "ceiling.log", "/ceiling/")
        )
        note("servers up")

        # Warm-up without a User-Agent: not counted, so the counters start from the seeded zero.
        for server, paths in ((inkwell, pages.values()), (ceiling, ceiling_files)):
            for path in paths:
                subprocess.run(
                    ["wrk", "-t1", "-c4", "-d1s", server.url + path], capture_output=True
                )
            server.wait_idle()

        runs = {}
        for run in range(RUNS):
            for connections in CONNECTIONS:
                for comments in COMMENTS:
                    targets = [
                        ("inkwell", "anonymous", inkwell, None),
                        ("inkwell", "signed-in", inkwell, cookie),
                        ("ceiling", "anonymous", ceiling, None),
                    ]
                    for kind, audience, server, session in targets:
                        path = (
                            pages[(comments, audience, connections)]
                            if kind == "inkwell"
                            else f"/ceiling/{comments}/"
                        )
                        result = measured_run(server, path, connections, session, note)
                        runs.setdefault((kind, comments, audience, connections), []).append(result)
                        note(
                            f"run {run + 1}/{RUNS} {kind:8} {comments:4} comments {audience:9} "
                            f"c{connections:<3} {result['rps']:8.1f} req/s"
                        )
        rss = {"inkwell": inkwell.worker_rss_mb(), "ceiling": ceiling.worker_rss_mb()}
    return pages, runs, rss


def measured_run(server, path, connections, session, note):
    """One wrk run, with the CPU the workers spent per request: steadier than req/s on a busy
    machine, since time spent waiting for the CPU is not counted.

    Run again (up to RERUNS times) when one worker did nearly all the work: the workers race to
    accept on their shared socket, and when wrk opens all its connections at once the first
    to wake sometimes takes every one, for the whole run (both servers alike, about one run in
    six here). Readers arriving over time spread over the workers; one client opening every
    connection in the same millisecond does not."""
    completed = 0  # by every attempt: the access log and the view counter count them all
    for attempt in range(RERUNS + 1):
        before = server.ticks_by_worker()
        result = wrk(server.url + path, connections, SECONDS, session)
        completed += result["requests"] - result["status"]
        result["completed"] = completed
        server.wait_idle()
        after = server.ticks_by_worker()
        spent = [after[pid] - before.get(pid, 0) for pid in after]
        result["cpu_us"] = sum(spent) / CLOCK_TICKS * 1e6 / max(1, result["requests"])
        result["rerun"] = attempt
        if len(spent) < 2 or min(spent) > ONE_WORKER_SHARE * sum(spent):
            break
        note(f"one worker took every connection ({result['rps']:.0f} req/s): run again")
    return result


RERUNS = 2
ONE_WORKER_SHARE = 0.05  # of the workers' CPU, below which a worker served no connection


def run_backend(backend):
    """Everything for one backend; prints a RESULT line of JSON for the parent."""
    var = Path(tempfile.mkdtemp(prefix=f"inkwell-bench-{backend}-"))
    os.environ["INKWELL_VAR_DIR"] = str(var)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if backend == "postgres":
        os.environ["DATABASE_URL"], os.environ["REDIS_URL"] = POSTGRES_URL, REDIS_URL
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("REDIS_URL", None)
    prepare_database(backend)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    began = time.monotonic()

    def note(text):
        print(f"[{backend} {time.monotonic() - began:5.0f}s] {text}", file=sys.stderr, flush=True)

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    started = time.perf_counter()
    editor, posts = seed(COMMENTS)
    note(f"seeded {len(posts)} posts in {time.perf_counter() - started:.1f}s ({var})")
    cookie = session_cookie(editor)
    views_before = view_counts(posts)
    connection.close()

    pages, runs, rss = drive(posts, cookie, var, note)
    note("servers stopped; measuring in process")
    logged = count_access_log(var / "inkwell.log")
    views_after = view_counts(posts)
    figures = in_process(posts, editor)
    note("done")

    rows = []
    for key, results in runs.items():
        kind, comments, audience, connections = key
        row = {
            "kind": kind,
            "comments": comments,
            "audience": audience,
            "connections": connections,
            "rps": statistics.median(r["rps"] for r in results),
            "p50_ms": median_or_none(r["p50_ms"] for r in results),
            "p99_ms": median_or_none(r["p99_ms"] for r in results),
            "cpu_us": statistics.median(r["cpu_us"] for r in results),
            "wrk_ok": sum(r["completed"] for r in results),
            "rerun": sum(r["rerun"] for r in results),
            "errors": sum(r["errors"] for r in results),
            "rss_mb": max(rss[kind], default=0),
        }
        if kind == "inkwell":
            page = (comments, audience, connections)
            row["logged_200"] = logged.get(pages[page], 0)
            row["views_delta"] = views_after[page] - views_before[page]
            row["queries"] = figures[(comments, audience)]["queries"]
        rows.append(row)
    render = [
        {"comments": c, "audience": a, **numbers} for (c, a), numbers in sorted(figures.items())
    ]
    print("RESULT " + json.dumps({"backend": backend, "rows": rows, "render": render, "rss": rss}))
    if os.environ.get("BENCH_KEEP") != "1":
        shutil.rmtree(var, ignore_errors=True)


# --- the parent: one child per backend, one table ----------------------------------------------


def backends():
    wanted = os.environ.get("BENCH_BACKENDS", "sqlite,postgres").split(",")
    chosen = ["sqlite"] if "sqlite" in wanted else []
    if "postgres" in wanted:
        if answers(5432) and answers(6379):
            chosen.append("postgres")
        else:
            print("PostgreSQL or Redis does not answer on 127.0.0.1: embedded default only.")
    return chosen


def print_table(results):
    head = (
        f"{'backend':9} {'page':25} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'× ceiling':>9} {'CPU µs':>7} {'queries':>7} {'RSS MB':>7} {'200s wrk':>9} "
        f"{'200s log':>9} {'views Δ':>8}"
    )
    print(head)
    print("-" * len(head))
    for result in results:
        rows = result["rows"]
        ceilings = {
            (r["comments"], r["connections"]): r["rps"] for r in rows if r["kind"] == "ceiling"
        }
        order = {"anonymous": 0, "signed-in": 1}
        rows = sorted(
            rows,
            key=lambda r: (
                r["comments"],
                r["connections"],
                r["kind"] == "ceiling",
                order[r["audience"]],
            ),
        )
        for r in rows:
            if r["kind"] == "ceiling":
                page = f"ceiling, same bytes {r['comments']}"
                extra = (
                    f"{'':>9} {r['cpu_us']:7.0f} {'-':>7} {r['rss_mb']:7.0f} {r['wrk_ok']:9} "
                    f"{'':>9} {'':>8}"
                )
            else:
                ratio = r["rps"] / ceilings[(r["comments"], r["connections"])]
                page = f"post {r['comments']} comments, {r['audience'][:4]}."
                extra = (
                    f"{ratio:9.3f} {r['cpu_us']:7.0f} {r['queries']:7} {r['rss_mb']:7.0f} "
                    f"{r['wrk_ok']:9} "
                    f"{r['logged_200']:9} {r['views_delta']:8}"
                )
            print(
                f"{result['backend']:9} {page:25} {r['connections']:5} {r['rps']:8.1f} "
                f"{ms(r['p50_ms'])} {ms(r['p99_ms'])} {extra}"
                + (f"  ({r['errors']} errors)" if r["errors"] else "")
            )
    print()
    print(
        f"req/s, p50, p99: medians of {RUNS} interleaved wrk runs of {SECONDS}s (- when none "
        "finished in time); × ceiling: req/s over the bare app's at the same\nconnections; "
        "CPU µs: gunicorn workers' CPU time per request (median of the runs); "
        "queries: per request, in process; RSS: largest gunicorn worker after the runs (target "
        f"≤ {WORKER_RSS_TARGET_MB} MB); 200s wrk: responses wrk\ncompleted (2xx/3xx); 200s log: "
        "200s in gunicorn's access log; views Δ: the post's view counter after a graceful stop "
        "minus before\n(requests cut off when wrk stops are counted and answered but not "
        "completed, so Δ may exceed 200s wrk by up to the connections)."
    )
    rerun = sum(r["rerun"] for result in results for r in result["rows"])
    if rerun:
        print(
            f"{rerun} wrk run(s) measured again: one gunicorn worker had accepted every "
            "connection (see measured_run in tests/bench/serve.py)."
        )
    print()
    print(
        f"{'backend':9} {'in-process render (test client, no page cache)':48} {'median ms':>9} "
        f"{'p90 ms':>7} {'queries':>7}"
    )
    for result in results:
        for r in result["render"]:
            label = f"post {r['comments']} comments, {r['audience']}"
            print(
                f"{result['backend']:9} {label:48} {r['render_ms']:9.2f} {r['render_p90_ms']:7.2f} "
                f"{r['queries']:7}"
            )
    for result in results:
        rss = ", ".join(f"{mb:.0f}" for mb in result["rss"]["inkwell"])
        print(f"{result['backend']}: Inkwell gunicorn workers' RSS after the run: {rss} MB")


def main():
    ensure_wrk()
    workers = os.environ.get("WEB_CONCURRENCY", "2")
    threads = os.environ.get("GUNICORN_THREADS", "4")
    print(
        f"Serving benchmark: gunicorn {workers} workers × {threads} threads, {os.cpu_count()} "
        f"CPUs, wrk {RUNS}×{SECONDS}s at {CONNECTIONS} connections, {COMMENTS} comments; "
        f"load average before: {load_average()}",
        flush=True,
    )
    results = []
    for backend in backends():
        child = subprocess.run(
            [sys.executable, __file__, "--backend", backend],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        lines = [line for line in child.stdout.splitlines() if line.startswith("RESULT ")]
        if child.returncode != 0 or not lines:
            sys.exit(f"the {backend} benchmark failed (exit {child.returncode})")
        results.append(json.loads(lines[-1][len("RESULT ") :]))
    print()
    print_table(results)
    print(f"load average after: {load_average()} (other work on the machine skews every figure)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--backend"]:
        run_backend(sys.argv[2])
    else:
        main()
