"""The site as `make run` serves it: gunicorn with config/gunicorn.conf.py and several worker
processes, on a free loopback port, with its own INKWELL_VAR_DIR (migrated first); and a
parser for the forms a test fills in."""

import contextlib
import http.cookiejar
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from tests.admin_forms import form_values as form_fields

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, var, workers=2, run_worker=False, **environ):
        self.var = Path(var)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
        }
        self.env.update(
            INKWELL_VAR_DIR=str(self.var),
            HOST="127.0.0.1",
            PORT=str(self.port),
            WEB_CONCURRENCY=str(workers),
            INKWELL_RUN_WORKER="1" if run_worker else "0",
            INKWELL_COMMENT_MIN_SECONDS="0",
            STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
            GUNICORN_CMD_ARGS=f"--access-logformat {shlex.quote('%(p)s %(s)s %(r)s')}",
            PYTHONPATH=str(ROOT),
            # Pinned workers on an otherwise idle machine: the one whose CPU the test client
            # leaves free wins every accept, and a test of many workers needs both to answer
            # (tests/test_worker_cpus.py pins them).
            INKWELL_PIN_WORKERS="0",
        )
        self.env.update(environ)
        self.log = self.var / "gunicorn.log"
        self.process = None
        (self.var / "staticfiles").mkdir(parents=True, exist_ok=True)
        self.manage("migrate", "--noinput", "-v", "0")

    def manage(self, *args):
        done = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self):
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url + "/robots.txt", timeout=5):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(self.log.read_text()[-3000:]) from None
                time.sleep(0.2)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def admin(self, username, password, agent="Mozilla/5.0 Firefox/130.0"):
        """A cookie-keeping opener signed in to the admin."""
        browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        browser.addheaders = [("User-Agent", agent)]
        login = browser.open(self.url + "/admin/login/").read().decode()
        fields = form_fields(login, "login-form")
        fields.update(username=username, password=password, next="/admin/")
        browser.open(self.url + "/admin/login/", urllib.parse.urlencode(fields).encode())
        return browser

    def children(self):
        """{pid: command line} of the master's child processes (forked by any of its threads)."""
        found = {}
        for thread in Path(f"/proc/{self.process.pid}/task").iterdir():
            for pid in (thread / "children").read_text().split():
                with contextlib.suppress(FileNotFoundError):  # exited meanwhile
                    found[int(pid)] = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        return found

    def log_size(self):
        return self.log.stat().st_size

    def pids_since(self, mark):
        """The gunicorn worker processes that logged a request since `mark`."""
        with open(self.log, "rb") as log:
            log.seek(mark)
            text = log.read().decode(errors="replace")
        return set(re.findall(r"^<(\d+)> \d{3} [A-Z]+ ", text, re.MULTILINE))
