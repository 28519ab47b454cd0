"""Benchmark: what the cache backend costs a reader's post page, in-process (Django test client).

    .venv/bin/python tests/bench/shared_cache.py [requests]

Builds a demo site in a temporary INKWELL_VAR_DIR, then, in one child process, loads one post
page `requests` times per backend (after a warm-up), in five interleaved rounds, and prints the
median wall and CPU time per request (CPU time is the figure to compare on a busy machine).
Backends: local memory (per process: the old default, wrong with several workers), Inkwell's
SQLite cache (the default), Django's database cache (in the content database) and Django's
file-based cache, both under the same INKWELL_VAR_DIR.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BACKENDS = {
    "locmem (per process)": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "sqlite file (default)": None,  # what settings.py chooses
    "django database cache": {  # in the content database
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "inkwell_cache",
    },
    "django file cache": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"},
}


def use_cache(config):
    from asgiref.local import Local
    from django.conf import settings
    from django.core.cache import caches

    settings.CACHES = {"default": config}
    caches.__dict__.pop("settings", None)
    caches._settings = None
    caches._connections = Local(False)


def child(requests):
    import django
    from django.conf import settings

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from blog.models import Post

    BACKENDS["sqlite file (default)"] = settings.CACHES["default"]
    BACKENDS["django file cache"]["LOCATION"] = str(Path(os.environ["INKWELL_VAR_DIR"]) / "files")
    use_cache(BACKENDS["django database cache"])
    call_command("createcachetable", verbosity=0)
    settings.ALLOWED_HOSTS = ["*"]
    post = Post.objects.published().posts().order_by("-published_at").first()
    url = post.get_absolute_url()
    client = Client(headers={"User-Agent": "Mozilla/5.0 Firefox/130.0"})
    times = {name: [] for name in BACKENDS}
    for _ in range(5):  # rounds interleaved, so load from elsewhere hits every backend alike
        for name, config in BACKENDS.items():
            use_cache(config)
            for _ in range(20):
                assert client.get(url).status_code == 200
            started, cpu = time.perf_counter(), time.process_time()
            for _ in range(requests):
                client.get(url)
            times[name].append(
                (
                    (time.perf_counter() - started) / requests,
                    (time.process_time() - cpu) / requests,
                )
            )
    for name, rounds in times.items():
        wall = statistics.median(wall for wall, _ in rounds) * 1000
        cpu = statistics.median(cpu for _, cpu in rounds) * 1000
        print(f"{name:24} {wall:7.2f} ms wall, {cpu:6.2f} ms CPU a request (medians of 5)")


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
        return
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "INKWELL_VAR_DIR": var, "DJANGO_SETTINGS_MODULE": "config.settings"}
        env["PYTHONPATH"] = str(ROOT)
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        env["INKWELL_VIEWS_FLUSH_SECONDS"] = "0"
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v", "0"], env=env, check=True)
        subprocess.run([*manage, "demo_content"], env=env, check=True, capture_output=True)
        subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
        subprocess.run(
            [sys.executable, __file__, "--child", str(requests)], env=env, check=True, cwd=ROOT
        )


if __name__ == "__main__":
    main()
