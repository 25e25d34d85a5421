"""Serve the link benchmark's pages (../shared/data/articles/html/*.html.gz) on a loopback port.

The pages belong to their publishers: they are read from ../shared at run time, never copied here.
Each page is served as the server sent it originally would be: HTML, gzip-encoded on the wire,
with no charset in the header (so the page's own declarations and detection are exercised).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared"


def page_ids(shared: Path) -> list[str]:
    return sorted(p.name.removesuffix(".html.gz") for p in (shared / "data/articles/html").glob("*.html.gz"))


class PagesServer:
    def __init__(self, shared: Path) -> None:
        folder = shared / "data/articles/html"
        pages = {f"/{pid}.html": (folder / f"{pid}.html.gz").read_bytes() for pid in page_ids(shared)}

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                body = pages.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, page_id: str) -> str:
        return f"http://127.0.0.1:{self.port}/{page_id}.html"

    def __enter__(self) -> PagesServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
