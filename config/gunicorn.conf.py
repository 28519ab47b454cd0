"""gunicorn settings, read from the environment; also starts the background task worker.

The worker (`manage.py db_worker`) lives and dies with the gunicorn master, so `make run` and the
container are one process group that stops on Ctrl-C or SIGTERM. INKWELL_RUN_WORKER=0 leaves the
worker to be run elsewhere (one per deployment is enough).
"""

import os
import signal
import subprocess
import sys

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
accesslog = "-"
wsgi_app = "config.wsgi:application"

_worker = None


def on_starting(server):
    global _worker
    if os.environ.get("INKWELL_RUN_WORKER", "1") != "0":
        manage = os.path.join(os.path.dirname(os.path.dirname(__file__)), "manage.py")
        _worker = subprocess.Popen([sys.executable, manage, "db_worker"])


def on_exit(server):
    if _worker and _worker.poll() is None:
        _worker.send_signal(signal.SIGTERM)
        try:
            _worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _worker.kill()
