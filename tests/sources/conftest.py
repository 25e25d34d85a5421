"""Real HTTP servers on loopback for the link-reading tests, started on free ports and always closed."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.app.settings import Settings
from bot.sources import netguard

Route = Callable[[BaseHTTPRequestHandler], None]

ARTICLE_BODY = (
    "Northwind Logistics said on Tuesday that an intruder used a stolen contractor password to reach its "
    "shipment-tracking database and copied the names and delivery addresses of about 48,000 customers. "
    "The company disconnected the affected servers, reset every contractor account and called in an "
    "outside incident-response firm. It said payment card numbers are stored elsewhere and were not exposed. "
    "Customers will receive letters this week explaining what happened and how to watch for phishing emails "
    "that mention their recent deliveries."
)


def article_html(title: str = "Northwind Logistics confirms customer data breach", body: str = ARTICLE_BODY) -> str:
    """A news page written for these tests: navigation, the article, a related box, a footer."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | Harbor Ledger</title>
<meta property="og:site_name" content="Harbor Ledger">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="2024-03-05T09:30:00Z">
<link rel="canonical" href="https://www.harbor-ledger.test/news/northwind-breach">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>{title}</h1><p class="byline">By Jo Reporter, March 5, 2024</p>
<p>{body}</p>
<p>Northwind's chief executive said the company regretted the incident and was cooperating with the
data protection regulator, which confirmed it had received a report.</p>
</article>
<aside><h2>Most read</h2><ul><li><a href="/a">Port strike ends</a></li>
<li><a href="/b">Ferry fares rise</a></li></ul></aside>
<footer>Copyright Harbor Ledger. All rights reserved.</footer>
</body></html>"""


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 whose paths are served by test-defined routes."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, str]] = []  # (path, Host header) of every request received
        self.stop = threading.Event()  # long-running routes watch it so teardown is prompt
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.requests.append((self.path, self.headers.get("Host", "")))
                route = server.routes.get(self.path.split("?", 1)[0])
                if route is None:
                    self.send_error(404)
                    return
                try:
                    route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client hung up on purpose (caps, timeouts)

            def log_message(self, format: str, *args: object) -> None:  # keep test output clean
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # clients hanging up mid-request is what several tests do on purpose

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def route(self, path: str) -> Callable[[Route], Route]:
        def register(fn: Route) -> Route:
            self.routes[path] = fn
            return fn

        return register

    def page(
        self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8", status: int = 200
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body

        def serve(h: BaseHTTPRequestHandler) -> None:
            h.send_response(status)
            h.send_header("Content-Type", content_type)
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)

        self.routes[path] = serve

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        def serve(h: BaseHTTPRequestHandler) -> None:
            h.send_response(status)
            h.send_header("Location", location)
            h.send_header("Content-Length", "0")
            h.end_headers()

        self.routes[path] = serve

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def settings() -> Settings:
    """Settings for loopback tests: private addresses allowed, a short but generous time budget."""
    return Settings(
        INCIDENT_BOT_FETCH_ALLOW_PRIVATE=True, INCIDENT_BOT_FETCH_TIMEOUT=5.0, INCIDENT_BOT_FETCH_MAX_BYTES=200_000
    )


@pytest.fixture
def strict_settings() -> Settings:
    """Production defaults for the address policy: private addresses refused."""
    return Settings(INCIDENT_BOT_FETCH_ALLOW_PRIVATE=False, INCIDENT_BOT_FETCH_TIMEOUT=5.0)


@pytest.fixture
def loopback_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat 127.0.0.1 (only) as a public address, so a loopback server can stand in for a
    public site while the real policy applies to every other hop. No packet leaves loopback."""
    real = netguard.blocked_reason

    def reason(ip: netguard.IPAddress) -> str | None:
        return None if ip == ipaddress.IPv4Address("127.0.0.1") else real(ip)

    monkeypatch.setattr(netguard, "blocked_reason", reason)
