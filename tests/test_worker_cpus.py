"""Which CPUs gunicorn's workers run on (config/gunicorn.conf.py): one each, spread evenly,
when the workers fill the machine; wherever the kernel puts them when they are fewer than its
CPUs or INKWELL_PIN_WORKERS=0."""

import contextlib
import os
import signal
import time

import pytest

from tests.server import Server

# gunicorn is started on at most two of this machine's CPUs (it inherits the test's own), so
# that "as many workers as CPUs" stays two workers on a big machine.
CPUS = sorted(os.sched_getaffinity(0))[:2]


def gunicorn_workers(server):
    return [pid for pid, command in server.children().items() if b"gunicorn" in b" ".join(command)]


def affinities(server, count, pinned=True):
    """{pid: CPUs} of the `count` workers, once there are that many and, when `pinned`, each
    runs on one CPU (a worker just forked runs on the master's CPUs until it pins itself)."""
    deadline = time.monotonic() + 30
    while True:
        found = {}
        for pid in gunicorn_workers(server):
            with contextlib.suppress(ProcessLookupError):  # exited since the listing
                found[pid] = os.sched_getaffinity(pid)
        if len(found) == count and (not pinned or all(len(c) == 1 for c in found.values())):
            return found
        assert time.monotonic() < deadline, f"workers and their CPUs: {found}"
        time.sleep(0.05)


def spread_evenly(found):
    used = [next(iter(cpus)) for cpus in found.values()]
    counts = [used.count(cpu) for cpu in CPUS]
    return max(counts) - min(counts) <= 1


@pytest.fixture
def started(tmp_path):
    servers = []

    def start(**options):
        server = Server(tmp_path / str(len(servers)), **options)
        servers.append(server)
        own = os.sched_getaffinity(0)
        os.sched_setaffinity(0, CPUS)
        try:
            server.start()
        finally:
            os.sched_setaffinity(0, own)
        return server

    yield start
    for server in servers:
        server.stop()


def test_workers_filling_the_cpus_run_one_on_each_and_a_replacement_takes_the_freed_one(
    started,
):
    server = started(workers=len(CPUS), INKWELL_PIN_WORKERS="auto")
    before = affinities(server, len(CPUS))
    assert sorted(next(iter(cpus)) for cpus in before.values()) == CPUS
    killed = max(before)  # the youngest, so that no order of choosing passes by chance
    os.kill(killed, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while killed in (after := affinities(server, len(CPUS))):
        assert time.monotonic() < deadline, "the killed worker was not replaced"
        time.sleep(0.05)
    (replacement,) = set(after) - set(before)
    assert after[replacement] == before[killed]
    assert all(after[pid] == before[pid] for pid in before if pid != killed)


def test_workers_stay_spread_as_their_number_goes_up_and_down(started):
    server = started(workers=2, INKWELL_PIN_WORKERS="1")
    assert spread_evenly(affinities(server, 2))
    # gunicorn stops the oldest, wherever it runs: within two rounds, the two left would share
    # a CPU (a tie for the newest goes to the same CPU each time) unless they are spread again.
    for _ in range(2):
        os.kill(server.process.pid, signal.SIGTTIN)
        assert spread_evenly(affinities(server, 3))
        oldest = min(affinities(server, 3))
        os.kill(server.process.pid, signal.SIGTTOU)
        # The master spreads those left once it has reaped the one stopped: wait for that.
        deadline = time.monotonic() + 30
        while True:
            left = affinities(server, 2)
            used = {next(iter(cpus)) for cpus in left.values()}
            if oldest not in left and len(used) == min(2, len(CPUS)):
                break
            assert time.monotonic() < deadline, f"workers and their CPUs: {left}"
            time.sleep(0.05)


@pytest.mark.parametrize(
    "workers, pin", [(1, "auto"), (len(CPUS), "0")], ids=["fewer-than-the-cpus", "switched-off"]
)
def test_workers_are_left_where_the_kernel_puts_them(started, workers, pin):
    server = started(workers=workers, INKWELL_PIN_WORKERS=pin)
    found = affinities(server, workers, pinned=False)
    assert all(cpus == set(CPUS) for cpus in found.values())  # on one CPU, that CPU either way


def test_a_setting_other_than_auto_1_or_0_stops_gunicorn_with_its_name(started):
    with pytest.raises(RuntimeError, match="INKWELL_PIN_WORKERS is 'off'"):
        started(workers=1, INKWELL_PIN_WORKERS="off")
