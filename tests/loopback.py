"""A small HTTP server on 127.0.0.1 for tests that need a remote site: pages, redirects,
pingback servers and peers that never answer."""

import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# A self-signed certificate for 127.0.0.1 and its key, for loopback TLS tests only.
TLS_CERTIFICATE = Path(__file__).with_name("loopback-tls.pem")


class Site:
    def __init__(self, tls=False):
        self.routes = {}
        self.requests = []
        self.scheme = "https" if tls else "http"
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(TLS_CERTIFICATE)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"{self.scheme}://127.0.0.1:{self.server.server_address[1]}"

    def page(self, path, body, status=200, headers=None, content_type="text/html; charset=utf-8"):
        self.routes[path] = (status, {"Content-Type": content_type, **(headers or {})}, body)

    def handle(self, path, function):
        """`function(handler, body)` answers requests to `path` itself."""
        self.routes[path] = function

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                site.requests.append((self.command, self.path, dict(self.headers), body))
                route = site.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if callable(route):
                    route(self, body)
                    return
                status, headers, content = route
                content = content.encode() if isinstance(content, str) else content
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = _answer

        return Handler


def never_answers(handler, body):
    time.sleep(30)


def drips(interval=1.0, seconds=30):
    """A peer that answers one byte every `interval` seconds, headers first, for `seconds`:
    every single read succeeds, only the whole answer never ends."""

    def answer(handler, body):
        response = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"x" * 1000
        handler.close_connection = True
        started = time.monotonic()
        try:
            for byte in response:
                if time.monotonic() - started > seconds:
                    return
                handler.wfile.write(bytes([byte]))
                time.sleep(interval)
        except OSError:  # the client gave up
            return

    return answer
