"""Benchmark: readers and a commenter while a large WordPress import runs (SQLite, the embedded
default, served as `make run` serves it).

    .venv/bin/python tests/bench/import_under_load.py [SOURCE_TREE]

Starts gunicorn (2 workers) on a free loopback port with a fresh INKWELL_VAR_DIR, then runs
`manage.py import_wxr` of 3,000 generated posts while 6 reader threads load a post page and one
commenter posts comments; prints the reader and commenter errors and the worst latencies.
SOURCE_TREE (default: this checkout) lets the same load run against an older version.
"""

import http.cookiejar
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(HERE))
from tests.bench.wxr_import import generate  # noqa: E402
from tests.server import form_fields, free_port  # noqa: E402

READER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"


def main():
    root = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE
    with tempfile.TemporaryDirectory() as var:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        env.update(
            INKWELL_VAR_DIR=var,
            HOST="127.0.0.1",
            PORT=str(port),
            INKWELL_RUN_WORKER="0",
            INKWELL_COMMENT_MIN_SECONDS="0",
            STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
            PYTHONPATH=str(root),
        )
        manage = [sys.executable, str(root / "manage.py")]
        subprocess.run([*manage, "migrate", "-v", "0"], env=env, cwd=root, check=True)
        url = (
            subprocess.run(
                [
                    *manage,
                    "shell",
                    "-c",
                    "from blog.models import Post;"
                    "from django.contrib.auth.models import User;"
                    "u = User.objects.create(username='w');"
                    "p = Post.objects.create(title='Read during the import', slug='read', author=u,"
                    " status='publish', body='<p>Hello.</p>');"
                    "o = __import__('blog.models', fromlist=['SiteOptions']).SiteOptions.get();"
                    "o.comment_previously_approved = False; o.save(); print(p.get_absolute_url())",
                ],
                env=env,
                cwd=root,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        export = Path(var) / "export.xml"
        generate(export, 3000, 3)
        (Path(var) / "staticfiles").mkdir(exist_ok=True)
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"],
            env=env,
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/robots.txt", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        stop = threading.Event()
        results = {"reader": [], "commenter": []}

        def load(kind, make_request, opener=None):
            opener = opener or urllib.request.build_opener()
            n = 0
            while not stop.is_set():
                n += 1
                started = time.perf_counter()
                try:
                    with opener.open(make_request(n), timeout=60) as response:
                        ok = response.status < 400
                except urllib.error.HTTPError as error:
                    ok = error.code < 500
                except OSError:
                    ok = False
                results[kind].append((ok, time.perf_counter() - started))

        def read(n):
            return urllib.request.Request(base + url, headers={"User-Agent": READER})

        commenter = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

        def comment(n):
            page = commenter.open(read(n), timeout=60).read().decode()
            fields = form_fields(page, "commentform")
            fields.update(name=f"C{n}", email=f"c{n}@example.com", comment=f"During import {n}")
            time.sleep(1)
            return urllib.request.Request(
                base + "/comments/post/",
                urllib.parse.urlencode(fields, doseq=True).encode(),
                headers={"User-Agent": READER},
            )

        threads = [threading.Thread(target=load, args=("reader", read)) for _ in range(6)]
        threads.append(threading.Thread(target=load, args=("commenter", comment, commenter)))
        for thread in threads:
            thread.start()
        started = time.perf_counter()
        subprocess.run(
            [*manage, "import_wxr", str(export)],
            env=env,
            cwd=root,
            capture_output=True,
            check=False,
        )
        import_seconds = time.perf_counter() - started
        stop.set()
        for thread in threads:
            thread.join()
        server.terminate()
        server.wait(30)
        summary = {"import_seconds": round(import_seconds, 1)}
        for kind, rows in results.items():
            summary[kind] = {
                "requests": len(rows),
                "errors": sum(1 for ok, _ in rows if not ok),
                "worst_seconds": round(max((s for _, s in rows), default=0), 2),
            }
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
