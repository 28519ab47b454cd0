"""Which CPUs gunicorn's workers run on (config/gunicorn.conf.py, pre_fork): one each when the
workers fill the machine, as the kernel pleases when they are fewer than its CPUs."""

import os
import signal
import time

from tests.server import Server

CPUS = sorted(os.sched_getaffinity(0))


def gunicorn_workers(server):
    return [pid for pid, command in server.children().items() if b"gunicorn" in b" ".join(command)]


def affinities(server, count):
    deadline = time.monotonic() + 30
    while len(pids := gunicorn_workers(server)) != count:
        assert time.monotonic() < deadline, f"{len(pids)} workers, not {count}"
        time.sleep(0.1)
    return {pid: os.sched_getaffinity(pid) for pid in pids}


def test_pinned_workers_each_take_the_least_used_cpu_and_a_replacement_takes_the_freed_one(
    tmp_path,
):
    server = Server(tmp_path, workers=2, INKWELL_PIN_WORKERS="1")
    server.start()
    try:
        before = affinities(server, 2)
        assert all(len(cpus) == 1 for cpus in before.values())
        used = [next(iter(cpus)) for cpus in before.values()]
        assert len(set(used)) == min(2, len(CPUS))
        killed, kept = before
        os.kill(killed, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while killed in (after := affinities(server, 2)) or len(after) != 2:
            assert time.monotonic() < deadline, "the killed worker was not replaced"
            time.sleep(0.1)
        (replacement,) = set(after) - {kept}
        assert after[replacement] == before[killed]
        assert after[kept] == before[kept]
    finally:
        server.stop()


def test_workers_fewer_than_the_cpus_are_left_where_the_kernel_puts_them(tmp_path):
    server = Server(tmp_path, workers=1)
    server.start()
    try:
        (found,) = affinities(server, 1).values()
        assert found == set(CPUS)  # on a one-CPU machine that CPU, pinned or not
    finally:
        server.stop()
