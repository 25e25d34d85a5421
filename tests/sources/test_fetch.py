"""Reading links from real HTTP servers on loopback: articles, redirects, caps, refusals."""

from __future__ import annotations

import gzip
import socket
import time
import tracemalloc
import zlib
from http.server import BaseHTTPRequestHandler

import pytest

from bot.app.settings import Settings
from bot.sources.errors import (
    BlockedAddressError,
    FetchConnectError,
    FetchTimeoutError,
    HttpStatusError,
    NotAnArticleError,
    ResponseTooLargeError,
    TooManyRedirectsError,
    UnsupportedContentError,
    UrlRefusedError,
)
from bot.sources.fetch import decode_body
from bot.sources.web import read_url
from tests.sources.conftest import ARTICLE_BODY, LoopbackServer, article_html


def test_normal_article(server: LoopbackServer, settings: Settings) -> None:
    server.page("/news/breach", article_html())
    art = read_url(server.url("/news/breach?utm_source=slack&id=4#top"), settings=settings)
    assert art.title == "Northwind Logistics confirms customer data breach"
    assert "stolen contractor password" in art.text
    assert "Ferry fares rise" not in art.text  # the "most read" box is not article text
    assert "All rights reserved" not in art.text
    assert art.published is not None
    assert art.published.isoformat() == "2024-03-05"
    assert art.site == "Harbor Ledger"
    # The page's canonical link names another site, so the fetched URL, canonicalized, is kept.
    assert art.url == server.url("/news/breach?id=4")
    path, _host = server.requests[-1]
    assert path == "/news/breach?utm_source=slack&id=4"  # tracking is dropped from the result, not the request


def test_slack_wrapped_link(server: LoopbackServer, settings: Settings) -> None:
    server.page("/a", article_html())
    art = read_url(f"<{server.url('/a?x=1&amp;y=2')}|label>", settings=settings)
    assert art.url == server.url("/a?x=1&y=2")
    assert server.requests[-1][0] == "/a?x=1&y=2"


def test_same_site_canonical_link_is_used(server: LoopbackServer, settings: Settings) -> None:
    page = article_html().replace(
        "https://www.harbor-ledger.test/news/northwind-breach", server.url("/news/breach?ref_src=feed")
    )
    server.page("/amp/breach", page)
    assert read_url(server.url("/amp/breach"), settings=settings).url == server.url("/news/breach")


def test_redirects_are_followed_to_the_final_url(server: LoopbackServer, settings: Settings) -> None:
    server.redirect("/short", "/r2", status=301)
    server.redirect("/r2", server.url("/final?utm_medium=x"), status=307)
    server.page("/final", article_html())
    art = read_url(server.url("/short"), settings=settings)
    assert art.url == server.url("/final")
    assert [p for p, _ in server.requests] == ["/short", "/r2", "/final?utm_medium=x"]


def test_redirect_loop_is_capped(server: LoopbackServer, settings: Settings) -> None:
    server.redirect("/loop", "/loop")
    with pytest.raises(TooManyRedirectsError):
        read_url(server.url("/loop"), settings=settings)
    assert len(server.requests) == 6  # the first request and 5 redirects


@pytest.mark.parametrize("target", ["file:///etc/passwd", "gopher://127.0.0.1:6379/_x", "http://u:p@127.0.0.1/"])
def test_redirect_to_a_refused_scheme(server: LoopbackServer, settings: Settings, target: str) -> None:
    server.redirect("/r", target)
    with pytest.raises(UrlRefusedError, match="redirected to a link that cannot be read") as info:
        read_url(server.url("/r"), settings=settings)
    # the page's doing, not the user's: a failed fetch (exit 3), where the same link given by
    # the user is bad input (exit 2)
    assert info.value.exit_code == 3


@pytest.mark.usefixtures("loopback_is_public")
@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.2/admin",
        "http://[::ffff:10.0.0.1]/",
        "http://0x0a000001/",
        "http://internal.test/",  # the fake resolver below answers 10.1.2.3
    ],
)
def test_redirect_to_a_blocked_address_is_refused(
    server: LoopbackServer, strict_settings: Settings, target: str
) -> None:
    def resolve(host: str, port: int) -> list[str]:
        return {"public.test": ["127.0.0.1"], "internal.test": ["10.1.2.3"]}[host]

    server.redirect("/r", target)
    with pytest.raises(BlockedAddressError, match="INCIDENT_BOT_FETCH_ALLOW_PRIVATE"):
        read_url(f"http://public.test:{server.port}/r", settings=strict_settings, resolver=resolve)
    assert [p for p, _ in server.requests] == ["/r"]


@pytest.mark.usefixtures("loopback_is_public")
def test_connection_goes_to_the_vetted_address(server: LoopbackServer, strict_settings: Settings) -> None:
    """The name is resolved once, by us; the socket is opened to that address (a name that does
    not exist in real DNS still reaches the server), and the Host header keeps the name."""
    calls: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["127.0.0.1"]

    server.page("/a", article_html())
    read_url(f"http://news.rebind.test:{server.port}/a", settings=strict_settings, resolver=resolve)
    assert calls == ["news.rebind.test"]
    assert server.requests == [("/a", f"news.rebind.test:{server.port}")]


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.1", "0x7f000001", "2130706433", "0.0.0.0", "[::1]", "[::ffff:127.0.0.1]", "localhost"]
)
def test_loopback_spellings_are_refused_by_default(
    server: LoopbackServer, strict_settings: Settings, host: str
) -> None:
    server.page("/a", article_html())
    with pytest.raises(BlockedAddressError, match="INCIDENT_BOT_FETCH_ALLOW_PRIVATE") as info:
        read_url(server.url("/a", host=host), settings=strict_settings)
    assert info.value.exit_code == 3
    assert server.requests == []  # refused before connecting


def test_slow_server_times_out(server: LoopbackServer) -> None:
    @server.route("/slow")
    def slow(h: BaseHTTPRequestHandler) -> None:
        server.stop.wait(30)

    settings = Settings(INCIDENT_BOT_FETCH_ALLOW_PRIVATE=True, INCIDENT_BOT_FETCH_TIMEOUT=0.5)
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError, match="INCIDENT_BOT_FETCH_TIMEOUT"):
        read_url(server.url("/slow"), settings=settings)
    assert time.monotonic() - started < 10  # generous: proves the timeout fired, not how fast


def test_dripping_server_hits_the_total_time_budget(server: LoopbackServer) -> None:
    """One byte every 50 ms never trips a per-read timeout; the total budget still ends it."""

    @server.route("/drip")
    def drip(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        while not server.stop.wait(0.05):
            h.wfile.write(b"a")
            h.wfile.flush()

    settings = Settings(INCIDENT_BOT_FETCH_ALLOW_PRIVATE=True, INCIDENT_BOT_FETCH_TIMEOUT=0.5)
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError):
        read_url(server.url("/drip"), settings=settings)
    assert time.monotonic() - started < 10


def test_endless_body_is_cut_at_the_cap_with_flat_memory(server: LoopbackServer, settings: Settings) -> None:
    chunk = b"<p>" + b"endless " * 8000 + b"</p>\n"

    @server.route("/endless")
    def endless(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()  # no Content-Length: the body ends when the server closes, i.e. never
        while not server.stop.is_set():
            h.wfile.write(chunk)

    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLargeError, match="INCIDENT_BOT_FETCH_MAX_BYTES"):
            read_url(server.url("/endless"), settings=settings)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * settings.fetch_max_bytes


def test_declared_length_over_the_cap_is_refused_before_reading(server: LoopbackServer, settings: Settings) -> None:
    server.page("/big", b"x" * (settings.fetch_max_bytes + 1))
    with pytest.raises(ResponseTooLargeError):
        read_url(server.url("/big"), settings=settings)


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compression_bomb_is_cut_at_the_cap(server: LoopbackServer, settings: Settings, encoding: str) -> None:
    raw = b"<html><body><p>" + b"0" * 50_000_000 + b"</p></body></html>"
    bomb = gzip.compress(raw, 9) if encoding == "gzip" else zlib.compress(raw, 9)
    assert len(bomb) < 100_000
    del raw

    @server.route("/bomb")
    def serve(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Encoding", encoding)
        h.send_header("Content-Length", str(len(bomb)))
        h.end_headers()
        h.wfile.write(bomb)

    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLargeError):
            read_url(server.url("/bomb"), settings=settings)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * settings.fetch_max_bytes  # not the 50 MB the bomb expands to


def test_gzip_article_is_decoded(server: LoopbackServer, settings: Settings) -> None:
    body = gzip.compress(article_html().encode())

    @server.route("/gz")
    def serve(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Encoding", "gzip")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    assert "stolen contractor password" in read_url(server.url("/gz"), settings=settings).text


def test_unsupported_content_encoding_is_refused(server: LoopbackServer, settings: Settings) -> None:
    @server.route("/br")
    def serve(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Encoding", "br")
        h.send_header("Content-Length", "4")
        h.end_headers()
        h.wfile.write(b"\x0b\x02\x80x")

    with pytest.raises(UnsupportedContentError, match="br"):
        read_url(server.url("/br"), settings=settings)


def test_wrong_charset_header_is_survived(server: LoopbackServer, settings: Settings) -> None:
    html = article_html(title="Café chain Crème Brûlée says card data was skimmed").replace(
        'charset="utf-8"', 'charset="windows-1252"'
    )
    # The server claims UTF-8 but sends windows-1252 bytes (the page's <meta> says so).
    server.page("/cp1252", html.encode("cp1252"), content_type="text/html; charset=utf-8")
    art = read_url(server.url("/cp1252"), settings=settings)
    assert art.title == "Café chain Crème Brûlée says card data was skimmed"


def test_utf8_page_with_latin1_header(server: LoopbackServer, settings: Settings) -> None:
    title = "Zürich insurer\u2019s \u201cMüller\u201d portal breached"
    server.page("/latin", article_html(title=title).encode("utf-8"), content_type="text/html; charset=iso-8859-1")
    assert read_url(server.url("/latin"), settings=settings).title == title


def test_undeclared_charset_is_detected() -> None:
    text = "Хакеры похитили данные клиентов крупного банка, сообщили в пресс-службе компании. " * 5
    assert decode_body(f"<html><body><p>{text}</p></body></html>".encode("cp1251"), None).count("Хакеры") == 5


@pytest.mark.parametrize(
    ("body", "content_type", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "application/pdf", "PDF"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "text/html", "PDF"),  # mislabelled: sniffed
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png", "image"),
        (b"\x00\x01\x02\x03" * 100, "application/octet-stream", "octet-stream"),
        (b"\x00\x01\x02\x03" * 100, "text/html", "binary"),
    ],
)
def test_non_html_answers_are_refused(
    server: LoopbackServer, settings: Settings, body: bytes, content_type: str, what: str
) -> None:
    server.page("/file", body, content_type=content_type)
    with pytest.raises(UnsupportedContentError, match=what) as info:
        read_url(server.url("/file"), settings=settings)
    assert info.value.exit_code == 3


@pytest.mark.parametrize(
    "page",
    [
        "",
        "<html><body></body></html>",
        "<html><body><div id=root></div><script src=/app.js></script></body></html>",
        "<html><body><form>Sign in to continue <input name=u><input type=password></form></body></html>",
        "<html><body><div class=consent>We use cookies. <button>Accept all</button></div></body></html>",
    ],
)
def test_pages_without_article_text(server: LoopbackServer, settings: Settings, page: str) -> None:
    server.page("/p", page)
    with pytest.raises(NotAnArticleError, match="this page has no article text I can read") as info:
        read_url(server.url("/p"), settings=settings)
    assert info.value.exit_code == 3


def test_plain_text_answer_is_read(server: LoopbackServer, settings: Settings) -> None:
    server.page("/a.txt", f"Northwind breach\n\n{ARTICLE_BODY}\n", content_type="text/plain; charset=utf-8")
    art = read_url(server.url("/a.txt"), settings=settings)
    assert art.title == "Northwind breach"
    assert art.text.startswith("Northwind Logistics said")


@pytest.mark.parametrize("status", [404, 500, 403])
def test_http_error_status(server: LoopbackServer, settings: Settings, status: int) -> None:
    server.page("/e", "<html><body><p>Error page</p></body></html>", status=status)
    with pytest.raises(HttpStatusError, match=str(status)) as info:
        read_url(server.url("/e"), settings=settings)
    assert info.value.status == status


def test_https_to_a_tls_less_host(server: LoopbackServer, settings: Settings) -> None:
    server.page("/a", article_html())
    with pytest.raises(FetchConnectError):
        read_url(f"https://127.0.0.1:{server.port}/a", settings=settings)


def test_closed_port(settings: Settings) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and has no listener
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchConnectError, match="could not connect"):
        read_url(f"http://127.0.0.1:{port}/", settings=settings)
