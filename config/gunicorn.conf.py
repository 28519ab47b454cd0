"""gunicorn settings, read from the environment; also starts and supervises the background task
worker.

The worker (`manage.py db_worker`, a process of its own) lives and dies with the gunicorn
master, so `make run` and the container are one process group that stops on Ctrl-C or SIGTERM;
a thread in the master starts it again whenever it exits (after 1 s, doubling to at most 30 s
while it keeps failing at once). INKWELL_RUN_WORKER=0 leaves the worker to be run elsewhere (one
per deployment is enough).
"""

import ctypes
import gc
import os
import signal
import socket
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
# Each worker listens on a socket of its own (SO_REUSEPORT) and the kernel spreads new
# connections over them. On one shared socket the workers race to accept, and the first to
# wake often takes every connection a client opens at once: with keep-alive, one worker then
# served them all while the other stood idle (a quarter of the throughput, in one wrk run of
# five). GUNICORN_REUSE_PORT=0 goes back to one socket shared through the master.
reuse_port = os.environ.get("GUNICORN_REUSE_PORT", "1") != "0"

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


def _refuse_a_port_in_use(server):
    """With reuse_port nothing binds in the master, and a second server started on the same
    port would silently share its connections: bind once here, without SO_REUSEPORT, so a
    port already in use stops the start with the usual error."""
    for address in server.cfg.address:
        if not isinstance(address, tuple):  # a Unix socket: gunicorn checks it itself
            continue
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as error:
                server.log.error("cannot listen on %s:%s: %s", *address[:2], error)
                sys.exit(1)


def on_starting(server):
    global _worker
    if server.cfg.reuse_port:
        _refuse_a_port_in_use(server)
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


def post_worker_init(worker):
    # The loaded application (Django, templates, URL patterns) lives as long as the worker:
    # out of the collector's reach, so its passes scan only what requests allocate.
    gc.freeze()
    if libc is not None:
        threading.Thread(target=_trim_heap, name="heap-trim", daemon=True).start()
