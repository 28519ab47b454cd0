"""Benchmark: in-process render time of a post page with 50 and 500 threaded comments.

    .venv/bin/python tests/bench/render.py [--runs N]

Seeds a fresh SQLite database under var/bench/, then asks for each post page through Django's
test client in a loop (after a warm-up, as a counted reader), rendered each time and then
from the page cache, then through the WSGI application gunicorn serves, which replays the
kept page before Django (blog/page_replay.py); prints the median and p90 wall milliseconds, the
median CPU milliseconds of this process (steadier on a busy machine) and the queries per
request.
Nothing here is asserted: speed is shown, never tested.
"""

import collections
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "var" / "bench"
SIZES = (50, 500)
READER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
TEXT = (
    "Thanks for writing this up — I tried the second approach on my own site and it held up.\n\n"
    "One question: does it still work with <em>nested</em> lists? See https://example.com/notes "
    "for what I mean.\nCheers."
)


def setup():
    database = WORK / "render.sqlite3"
    WORK.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as `make run` does


def seed(total):
    """A published post with `total` approved comments in chains of three levels, as the
    import benchmark's export has them, from commenters who come back."""
    import datetime

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from blog.models import Post
    from comments.models import Comment

    author, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"email": "bench@example.com", "first_name": "Bench"}
    )
    start = timezone.now() - datetime.timedelta(days=3)
    post = Post.objects.create(
        title=f"A post with {total} comments",
        body="<p>" + "Words written for the benchmark. " * 60 + "</p>\n\n<!--more-->\n\n"
        "A second paragraph, with a [caption]…[/caption]-free body.\n\nAnd a third.",
        author=author,
        status="publish",
        published_at=start,
    )
    chain = []
    for n in range(total):
        parent = chain[-1] if n % 3 else None
        comment = Comment(
            content_object=post,
            site_id=settings.SITE_ID,
            user_name=f"Reader {n % 40}",
            user_email=f"reader{n % 40}@example.com",
            user_url="https://example.org/" if n % 4 == 0 else "",
            comment=TEXT,
            submit_date=start + datetime.timedelta(minutes=n),
            parent_id=parent.pk if parent else 0,
            state="approved",
        )
        comment.save()
        chain = [comment] if parent is None else [*chain, comment]
    return post


def measure(client, url, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(20):
        client.get(url, headers={"User-Agent": READER})
    times, cpu_times = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url, headers={"User-Agent": READER})
        times.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url, headers={"User-Agent": READER})
    times.sort()
    return {
        "median": statistics.median(times),
        "p90": times[int(len(times) * 0.9)],
        "cpu": statistics.median(cpu_times),
        "queries": len(queries),
    }


Answer = collections.namedtuple("Answer", "status_code content")


class ReplayClient:
    """Asks the WSGI application gunicorn serves (config/wsgi.py), so a kept page is replayed
    before Django as in production; `.get` returns an object with `status_code`."""

    def __init__(self):
        from config.wsgi import application

        self.application = application

    def get(self, path, headers):
        from django.test import RequestFactory

        environ = RequestFactory().get(path, HTTP_USER_AGENT=headers["User-Agent"]).environ
        started = {}
        body = b"".join(self.application(environ, lambda status, h: started.update(s=status)))
        return Answer(int(started["s"][:3]), body)


def main():
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 200
    setup()
    from django.test import Client

    clients = {"test client": Client(), "WSGI app": ReplayClient()}
    from django.conf import settings

    print(f"{'post page':44} {'median ms':>10} {'p90 ms':>8} {'CPU ms':>8} {'queries':>8}")
    ways = {
        "": (False, "test client"),
        ", page cache": (True, "test client"),
        ", page cache replayed": (True, "WSGI app"),
    }
    for total in SIZES:
        post = seed(total)
        for label, (page_cache, client) in ways.items():
            settings.INKWELL_PAGE_CACHE = page_cache
            n = measure(clients[client], post.get_absolute_url(), runs)
            label = f"{total} threaded comments{label}"
            print(
                f"{label:44} {n['median']:10.2f} {n['p90']:8.2f} {n['cpu']:8.2f} {n['queries']:8}",
                flush=True,
            )


if __name__ == "__main__":
    main()
