"""gunicorn settings, read from the environment; also starts and supervises the background task
worker.

Each gunicorn worker runs on a CPU of its own when there are no more CPUs than workers (see
_cpus_to_pin); INKWELL_PIN_WORKERS=1 pins them always, =0 never.

The worker (`manage.py db_worker`, a process of its own) lives and dies with the gunicorn
master, so `make run` and the container are one process group that stops on Ctrl-C or SIGTERM;
a thread in the master starts it again whenever it exits (after 1 s, doubling to at most 30 s
while it keeps failing at once). INKWELL_RUN_WORKER=0 leaves the worker to be run elsewhere (one
per deployment is enough).
"""

import collections
import contextlib
import ctypes
import gc
import os
import signal
import subprocess
import sys
import threading
import time

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
accesslog = "-"
wsgi_app = "config.wsgi:application"

M_ARENA_MAX = -8  # glibc's mallopt parameter
TRIM_SECONDS = 2
try:
    libc = ctypes.CDLL("libc.so.6")
    # glibc gives each thread of a worker its own malloc arena, and large pages rendered on
    # four threads leave four fragmented heaps: two arenas keep the worker smaller (set
    # here, in the master, so every forked worker inherits it; MALLOC_ARENA_MAX overrides).
    if "MALLOC_ARENA_MAX" not in os.environ:
        libc.mallopt(M_ARENA_MAX, 2)
except OSError:  # not glibc
    libc = None


def _trim_heap():
    """Give the heap's free pages back every few seconds: a page of 500 comments is half a
    megabyte of text, copied a few times while it is rendered, and glibc keeps what such
    pages leave free between the blocks still in use."""
    while True:
        time.sleep(TRIM_SECONDS)
        libc.malloc_trim(0)


MANAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "manage.py")
_worker = None
_stopping = threading.Event()


def _start_worker():
    return subprocess.Popen([sys.executable, MANAGE, "db_worker"])


def _supervise(server):
    global _worker
    delay, started = 1, time.monotonic()
    while not _stopping.is_set():
        code = _worker.wait()
        if _stopping.is_set():
            return
        if time.monotonic() - started > 60:
            delay = 1  # it ran a while: not a crash loop
        server.log.warning("task worker exited (%s); starting it again in %d s", code, delay)
        if _stopping.wait(delay):
            return
        _worker, started = _start_worker(), time.monotonic()
        server.log.info("task worker started again (pid %s)", _worker.pid)
        delay = min(delay * 2, 30)


def on_starting(server):
    global _worker
    if os.environ.get("INKWELL_RUN_WORKER", "1") != "0":
        _worker = _start_worker()
        threading.Thread(target=_supervise, args=(server,), daemon=True).start()


def on_exit(server):
    _stopping.set()
    if _worker and _worker.poll() is None:
        _worker.send_signal(signal.SIGTERM)
        try:
            _worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _worker.kill()


PIN_WORKERS = os.environ.get("INKWELL_PIN_WORKERS", "auto")
if PIN_WORKERS not in {"auto", "1", "0"}:
    raise ValueError(f"INKWELL_PIN_WORKERS is {PIN_WORKERS!r}: auto, 1 or 0")


# A worker's threads take turns holding the interpreter lock, and when they run on different
# CPUs every hand-over wakes a thread on another core: on this project's 2-CPU bench one worker
# served a replayed page for 470 us of CPU, pinned to one CPU for 212, and two pinned workers
# served 28% more pages a second than two free ones. So each worker gets a CPU of its own, the
# one the fewest live workers use, chosen in the master, which knows them all. Where the
# workers are fewer than the CPUs (a container given a share of a big machine) the kernel
# places them better than a fixed choice would.


def _allowed_cpus():
    try:
        return sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux, or not allowed to ask
        return []


def _cpus_to_pin(server):
    """The CPUs the workers are spread over, none when the kernel places them."""
    cpus = _allowed_cpus()
    if PIN_WORKERS == "0" or (PIN_WORKERS == "auto" and len(cpus) > server.num_workers):
        return []
    return cpus


def _cpu_of(worker):
    # A worker forked before a reload (SIGHUP) brought these hooks in has no CPU of its own.
    return getattr(worker, "cpu", None)


def _least_used(cpus, workers):
    used = collections.Counter(_cpu_of(worker) for worker in workers)
    first = os.getpid() % len(cpus)  # where two masters share a machine, ties go elsewhere
    return min(cpus, key=lambda cpu: (used[cpu], (cpus.index(cpu) - first) % len(cpus)))


def _move(pid, worker, cpu):
    """Run every thread of the live worker `pid` on `cpu`, or on all allowed CPUs where `cpu` is
    None (threads it starts later inherit it)."""
    cpus = {cpu} if cpu is not None else set(_allowed_cpus())
    try:
        for thread in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):  # a thread that ended meanwhile
                os.sched_setaffinity(int(thread), cpus)
    except OSError:  # it exited
        pass
    worker.cpu = cpu


def _spread(server):
    """Even out the live workers over the CPUs again after one left or their number changed
    (gunicorn's TTOU stops the oldest, wherever it runs), or free them all where pinning no
    longer applies."""
    cpus = _cpus_to_pin(server)
    live = dict(server.WORKERS)
    if not cpus:
        for pid, worker in live.items():
            if _cpu_of(worker) is not None:
                _move(pid, worker, None)
        return
    while True:
        on = {cpu: [] for cpu in cpus}
        loose = []
        for pid, worker in live.items():
            on.get(_cpu_of(worker), loose).append(pid)
        least = _least_used(cpus, live.values())
        most = max(cpus, key=lambda cpu: len(on[cpu]))
        if loose:
            pid = loose[0]
        elif len(on[most]) - len(on[least]) > 1:
            pid = on[most][-1]
        else:
            return
        _move(pid, live[pid], least)


def pre_fork(server, worker):
    cpus = _cpus_to_pin(server)
    worker.cpu = _least_used(cpus, server.WORKERS.values()) if cpus else None


def post_fork(server, worker):
    if worker.cpu is None:
        return
    try:  # the threads the worker starts from now on inherit it
        os.sched_setaffinity(0, {worker.cpu})
    except OSError as error:  # a CPU gone since, a sandbox that forbids it: serve anyway
        server.log.warning("worker %s runs where the kernel puts it: %s", os.getpid(), error)


def child_exit(server, worker):
    _spread(server)


def nworkers_changed(server, new_value, old_value):
    if old_value is not None:  # not at start: no worker runs yet
        _spread(server)


REFREEZE_SECONDS = 60


def _freeze_what_the_first_requests_built():
    """Compiled templates, translation catalogs and kept fragments are built by the first
    requests and live as long as the worker too: once they exist, out of the collector's reach
    as well (a full collection over them cost a signed-in page 40 us on average)."""
    time.sleep(REFREEZE_SECONDS)
    gc.collect()  # garbage goes first, or frozen it would stay
    gc.freeze()


def post_worker_init(worker):
    # The loaded application (Django, templates, URL patterns) lives as long as the worker:
    # out of the collector's reach, so its passes scan only what requests allocate.
    gc.freeze()
    threading.Thread(target=_freeze_what_the_first_requests_built, daemon=True).start()
    if libc is not None:
        threading.Thread(target=_trim_heap, name="heap-trim", daemon=True).start()
