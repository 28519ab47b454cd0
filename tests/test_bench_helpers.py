"""The serving benchmark's own arithmetic (tests/bench/serve.py): what it reads from wrk and
gunicorn's access log, and the comment threads it seeds. Speed itself is never asserted."""

from tests.bench import serve


def test_wrk_summary_gives_requests_a_second_and_latency_in_ms():
    output = (
        "Running 5s test @ http://127.0.0.1:1/\n"
        'WRK_JSON {"requests": 500, "duration_us": 5000000, "bytes": 1, "connect": 0, '
        '"read": 1, "write": 0, "status": 2, "timeout": 0, "p50_us": 1500, "p99_us": 9000}\n'
    )
    run = serve.parse_wrk(output)
    assert run["rps"] == 100
    assert (run["p50_ms"], run["p99_ms"]) == (1.5, 9)
    assert run["errors"] == 3


def test_a_run_that_finished_nothing_has_no_latency():
    output = (
        'WRK_JSON {"requests": 0, "duration_us": 5000000, "bytes": 0, "connect": 0, '
        '"read": 0, "write": 0, "status": 0, "timeout": 0, "p50_us": 0, "p99_us": 0}'
    )
    assert serve.parse_wrk(output)["p50_ms"] is None


def test_only_browser_200s_are_counted_from_the_access_log(tmp_path):
    log = tmp_path / "access.log"
    line = '127.0.0.1 - - [25/Nov/2026:18:01:01 +0000] "GET {path} HTTP/1.1" {status} 10 "-" "{ua}"'
    log.write_text(
        "\n".join(
            [
                line.format(path="/a/", status=200, ua=serve.BROWSER),
                line.format(path="/a/", status=200, ua=serve.BROWSER),
                line.format(path="/a/", status=200, ua="-"),  # the uncounted warm-up
                line.format(path="/a/", status=500, ua=serve.BROWSER),
                line.format(path="/b/", status=200, ua=serve.BROWSER),
            ]
        )
        + "\n"
    )
    assert serve.count_access_log(log) == {"/a/": 2, "/b/": 1}


def test_seeded_threads_are_several_levels_deep():
    depth = {}
    for n in range(50):
        parent = serve.parent_of(n)
        assert parent is None or parent < n
        depth[n] = 0 if parent is None else depth[parent] + 1
    assert sum(1 for d in depth.values() if d == 0) == 5
    assert max(depth.values()) == 3
