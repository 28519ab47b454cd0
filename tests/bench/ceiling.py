"""The serving benchmark's ceiling: a bare WSGI app answering with bytes saved from the real
pages, run under the same gunicorn settings, so the bench shows what share of the server's
capacity Inkwell's own work leaves.

INKWELL_BENCH_CEILING names a JSON file mapping URL paths to files holding the bytes to serve.
"""

import json
import os
from pathlib import Path

_manifest = json.loads(Path(os.environ["INKWELL_BENCH_CEILING"]).read_text())
PAGES = {path: Path(file).read_bytes() for path, file in _manifest.items()}


def application(environ, start_response):
    body = PAGES.get(environ.get("PATH_INFO", ""))
    if body is None:
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "0")])
        return [b""]
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
    start_response("200 OK", headers)
    return [body]
