"""Benchmark: import time and peak memory of WordPress exports, small and large.

    make bench        (or: .venv/bin/python tests/bench/wxr_import.py)

Generates exports of growing size (BENCH_IMPORT_SIZES, posts x comments per post: 1000x10 by
default, 1000x10,10000x10 for 10,000 posts with 100,000 comments) under var/bench/, imports each
into a fresh SQLite database in a child process and prints the wall time, the comments imported
a second (by the wall clock, and per second of the child's own CPU time, which a busy shared
machine does not distort) and the child's peak resident memory. Flat memory across sizes shows
the streaming reader does not hold the file.
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "var" / "bench"
# (posts, comments per post); BENCH_IMPORT_SIZES="1000x10,10000x10" adds the large export.
SIZES = [
    tuple(int(n) for n in size.split("x"))
    for size in os.environ.get("BENCH_IMPORT_SIZES", "1000x10").split(",")
    if size.strip()
]

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Generated</title><link>http://generated.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login>writer</wp:author_login><wp:author_email>w@example.com</wp:author_email>
</wp:author>
<wp:category><wp:term_id>1</wp:term_id><wp:category_nicename>notes</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Notes]]></wp:cat_name></wp:category>
"""


def generate(path, posts, per_post):
    body = "<p>" + "Generated words for the benchmark. " * 40 + "</p>"
    comment_id = 1
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEAD)
        for n in range(1, posts + 1):
            day = 1 + n % 28
            out.write(
                f"<item><title>Post {n}</title><link>http://generated.example/post-{n}/</link>"
                f"<dc:creator>writer</dc:creator><content:encoded><![CDATA[{body}]]>"
                f"</content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>"
                f"<wp:post_id>{n}</wp:post_id><wp:post_date>2020-03-{day:02d} 10:00:00"
                f"</wp:post_date><wp:post_date_gmt>2020-03-{day:02d} 10:00:00</wp:post_date_gmt>"
                f"<wp:comment_status>open</wp:comment_status><wp:ping_status>open"
                f"</wp:ping_status><wp:post_name>post-{n}</wp:post_name><wp:status>publish"
                f"</wp:status><wp:post_parent>0</wp:post_parent><wp:menu_order>0</wp:menu_order>"
                f"<wp:post_type>post</wp:post_type><wp:post_password></wp:post_password>"
                f"<wp:is_sticky>0</wp:is_sticky>"
                f'<category domain="category" nicename="notes"><![CDATA[Notes]]></category>'
            )
            first = comment_id
            for c in range(per_post):
                parent = first + c - 1 if c % 3 else 0  # chains of three levels
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author><![CDATA[Reader {c}]]></wp:comment_author>"
                    f"<wp:comment_author_email>r{c}@example.com</wp:comment_author_email>"
                    f"<wp:comment_author_url></wp:comment_author_url>"
                    f"<wp:comment_author_IP>192.0.2.{c + 1}</wp:comment_author_IP>"
                    f"<wp:comment_date>2020-03-{day:02d} 11:{c:02d}:00</wp:comment_date>"
                    f"<wp:comment_date_gmt>2020-03-{day:02d} 11:{c:02d}:00</wp:comment_date_gmt>"
                    f"<wp:comment_content><![CDATA[Comment {comment_id} says hello.]]>"
                    f"</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
                    f"<wp:comment_type></wp:comment_type><wp:comment_parent>{parent}"
                    f"</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id></wp:comment>"
                )
                comment_id += 1
            out.write("</item>\n")
        out.write("</channel></rss>\n")


def child(path, database):
    """Runs in its own process: a fresh database, one import, the numbers as JSON."""
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from wordpress.importer import Importer

    call_command("migrate", verbosity=0)
    get_user_model().objects.create_superuser("bench", "b@example.com", "x")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu = time.perf_counter(), time.process_time()
    summary = Importer().run(path)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    counts = summary.as_dict()["counts"]
    print(
        json.dumps(
            {
                "seconds": round(seconds, 1),
                "cpu_seconds": round(cpu, 1),
                "peak_rss_mb": round(peak / 1024, 1),
                "rss_before_import_mb": round(before / 1024, 1),
                "posts": counts["posts"].get("created", 0),
                "comments": counts["comments"].get("created", 0),
            }
        )
    )


def measure(path):
    database = WORK / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(path), str(database)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    from tests.shared_data import shared_file

    rows = [("theme unit test data", shared_file("wordpress-theme-unit-test.xml"))]
    for posts, per_post in SIZES:
        path = WORK / f"generated-{posts}.xml"
        if not path.exists():
            generate(path, posts, per_post)
        rows.append((f"{posts} posts, {posts * per_post} comments", path))
    print(
        f"{'export':34} {'file MB':>8} {'seconds':>8} {'CPU s':>7} {'peak RSS MB':>12} "
        f"{'posts':>7} {'comments':>9} {'comments/s':>10} {'per CPU s':>10}"
    )
    for label, path in rows:
        numbers = measure(path)
        size = path.stat().st_size / 1_048_576
        rate = numbers["comments"] / numbers["seconds"] if numbers["seconds"] else 0
        per_cpu = numbers["comments"] / numbers["cpu_seconds"] if numbers["cpu_seconds"] else 0
        print(
            f"{label:34} {size:8.1f} {numbers['seconds']:8.1f} {numbers['cpu_seconds']:7.1f} "
            f"{numbers['peak_rss_mb']:12.1f} {numbers['posts']:7} {numbers['comments']:9} "
            f"{rate:10.0f} {per_cpu:10.0f}",
            flush=True,
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        main()
