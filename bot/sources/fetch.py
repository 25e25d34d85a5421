"""Fetch one web page safely: hop-by-hop redirects, vetted addresses, time and size caps.

Every request goes through ``GuardedTransport`` (see ``bot.sources.netguard``), so each redirect hop
is connected only to an address that passed the address policy. Bodies are streamed raw and
decompressed here, chunk by chunk, with an output limit, so neither an endless body nor a gzip
bomb can make the process hold more than ``INCIDENT_BOT_FETCH_MAX_BYTES`` of page.
"""

from __future__ import annotations

import codecs
import functools
import re
import ssl
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from bot import __version__
from bot.app.settings import Settings
from bot.sources.errors import (
    NO_ARTICLE_TEXT,
    FetchConnectError,
    FetchTimeoutError,
    HttpStatusError,
    NotAnArticleError,
    NotAUrlError,
    ResponseTooLargeError,
    TooManyRedirectsError,
    UnsupportedContentError,
    UrlRefusedError,
)
from bot.sources.netguard import GuardedBackend, Resolver, system_resolver
from bot.sources.urls import check_url

# Browsers stop at 20; news sites rarely need more than 3 (http->https->www->article).
MAX_REDIRECTS = 5
# Connecting should never take long; the rest of the budget is for the body.
CONNECT_TIMEOUT = 5.0
# Many news sites answer bots without a browser-like token with a 403; say honestly who we are too.
USER_AGENT = f"Mozilla/5.0 (compatible; incident-bot/{__version__}; reads news articles for security teams)"
_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.1",
    "Accept-Language": "en;q=1.0, *;q=0.5",
    # Only what we decompress ourselves under a size limit (no br/zstd: no bounded decoder here).
    "Accept-Encoding": "gzip, deflate",
}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml", "text/xml"})
TEXT_TYPES = frozenset({"text/plain"})
_MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG", "an image"),
    (b"\xff\xd8\xff", "an image"),
    (b"GIF8", "an image"),
    (b"PK\x03\x04", "a zip archive or office document"),
    (b"\x1f\x8b", "a compressed file"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
# A share of control bytes this high means the body is binary whatever its Content-Type says.
_BINARY_CONTROL_SHARE = 0.05


@dataclass(frozen=True)
class FetchedPage:
    url: str  # the final URL, after redirects
    content_type: str  # media type without parameters, "" when the server sent none
    text: str  # the decoded body

    @property
    def is_html(self) -> bool:
        return self.content_type not in TEXT_TYPES


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    # Loading the CA bundle takes milliseconds; build it once and share it (SSLContext is thread-safe).
    return httpx.create_ssl_context(trust_env=False)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport with a connection pool whose network backend is ``GuardedBackend``.

    httpx has no public hook for a network backend, so the pool built by ``HTTPTransport`` is
    replaced; request/response mapping and httpcore->httpx error translation stay httpx's.
    """

    def __init__(self, backend: GuardedBackend) -> None:
        super().__init__(verify=_ssl_context(), trust_env=False)
        self._pool = httpcore.ConnectionPool(ssl_context=_ssl_context(), network_backend=backend)


class _Inflater:
    """gzip/deflate decoding with a hard limit on the output, fed chunk by chunk."""

    def __init__(self, encoding: str, limit: int) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._limit = limit
        self._produced = 0
        self._raw_deflate = False
        self._obj = self._new()

    def _new(self) -> zlib._Decompress:
        if self._gzip:
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS if self._raw_deflate else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> bytes:
        out = bytearray()
        while data:
            try:
                # max_length bounds what one call may produce: a 1 kB chunk of a bomb cannot become 1 GB.
                piece = self._obj.decompress(data, self._limit - self._produced + 1)
            except zlib.error as exc:
                if not self._gzip and not self._raw_deflate and self._produced == 0:
                    # "deflate" is often sent without its zlib header (old IIS); retry as raw deflate.
                    self._raw_deflate = True
                    self._obj = self._new()
                    continue
                raise UnsupportedContentError("the server sent corrupt compressed data") from exc
            self._produced += len(piece)
            out += piece
            if self._produced > self._limit:
                raise ResponseTooLargeError("")
            data = self._obj.unconsumed_tail
            if not data and self._obj.eof and self._obj.unused_data[:2] == b"\x1f\x8b":
                data = self._obj.unused_data  # a further gzip member
                self._obj = self._new()
        return bytes(out)


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _refuse_content_type(media: str) -> None:
    if not media or media in HTML_TYPES or media in TEXT_TYPES:
        return
    if media == "application/pdf":
        what = "a PDF document"
    elif media.startswith("image/"):
        what = f"an image ({media})"
    elif media.startswith(("video/", "audio/")):
        what = f"a {media.split('/')[0]} file ({media})"
    else:
        what = f"a {media} file"
    raise UnsupportedContentError(f"this link is {what}, not a web page with an article")


def _sniff(body: bytes) -> None:
    for magic, what in _MAGIC:
        if body.startswith(magic):
            raise UnsupportedContentError(f"this link is {what}, not a web page with an article")
    sample = body[:4096]
    if sample and sum(1 for b in sample if b < 9 or 13 < b < 32) / len(sample) > _BINARY_CONTROL_SHARE:
        raise UnsupportedContentError("this link is a binary file, not a web page with an article")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def decode_body(body: bytes, header_charset: str | None) -> str:
    """Bytes to text, surviving wrong headers: BOM, then strict UTF-8, then the page's own <meta>
    charset, then the header's, then statistical detection (charset-normalizer), then cp1252.

    Strict UTF-8 goes first because it almost never decodes non-UTF-8 text without error, while
    servers often claim ISO-8859-1 for UTF-8 pages (or the reverse)."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return body.decode(enc, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    meta = _META_CHARSET.search(body[:8192])
    for candidate in (_codec(meta.group(1).decode("ascii", "ignore")) if meta else None, _codec(header_charset)):
        if candidate and candidate not in ("utf-8", "utf-16", "utf-32"):
            try:
                return body.decode(candidate)
            except UnicodeDecodeError:
                continue
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    return str(best) if best is not None else body.decode("cp1252", errors="replace")


def _read_body(response: httpx.Response, limit: int) -> bytes:
    too_large = ResponseTooLargeError(
        f"the page is larger than {limit:,} bytes (INCIDENT_BOT_FETCH_MAX_BYTES); is it one article?"
    )
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise too_large
    encodings = [e.strip().lower() for e in response.headers.get("content-encoding", "").split(",") if e.strip()]
    encodings = [e for e in encodings if e != "identity"]
    if len(encodings) > 1 or (encodings and encodings[0] not in ("gzip", "x-gzip", "deflate")):
        raise UnsupportedContentError(f"the server sent {', '.join(encodings)}-encoded content, which I do not decode")
    inflater = _Inflater(encodings[0], limit) if encodings else None
    body = bytearray()
    received = 0
    try:
        for chunk in response.iter_raw():
            received += len(chunk)
            body += inflater.feed(chunk) if inflater else chunk
            if received > limit or len(body) > limit:
                raise too_large  # stop reading: the rest of an endless body is never requested
    except ResponseTooLargeError as exc:
        raise too_large from exc
    return bytes(body)


def _redirect_target(current: str, location: str) -> str:
    """Where a redirect leads, checked like the link itself; a refused target is the page's doing
    (a failed fetch, exit 3), not bad input from the user."""
    try:
        return check_url(urljoin(current, location.strip()))
    except NotAUrlError as exc:
        raise UrlRefusedError(f"{urlsplit(current).hostname} redirected to a link that cannot be read: {exc}") from exc


@dataclass(frozen=True)
class _Answer:
    """One GET's outcome after redirects: the final URL, status, media type, body and validators."""

    url: str
    status: int  # 200-class, or 304 (Not Modified: no body)
    media: str
    body: bytes
    charset: str | None
    etag: str | None
    last_modified: str | None


def _get(
    url: str,
    *,
    settings: Settings,
    resolver: Resolver,
    headers: dict[str, str],
    refuse: Callable[[str], None],
) -> _Answer:
    """GET ``url`` hop by hop (each hop's URL checked, each connection's address vetted) within the
    time and size budget; ``refuse`` raises for a media type the caller does not read."""
    budget = settings.fetch_timeout
    deadline = time.monotonic() + budget
    backend = GuardedBackend(allow_private=settings.fetch_allow_private, deadline=deadline, resolver=resolver)
    timeout = httpx.Timeout(budget, connect=min(CONNECT_TIMEOUT, budget))
    current = check_url(url)
    host = urlsplit(current).hostname or current
    with httpx.Client(
        transport=GuardedTransport(backend),
        headers=headers,
        timeout=timeout,
        follow_redirects=False,  # followed below, hop by hop, so each hop's URL is checked too
        trust_env=False,  # an environment proxy would make the proxy's address the one we check
    ) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            host = urlsplit(current).hostname or current
            try:
                with client.stream("GET", current) as response:
                    location = response.headers.get("location")
                    if response.status_code in _REDIRECTS and location:
                        current = _redirect_target(current, location)
                        continue
                    etag = response.headers.get("etag")
                    modified = response.headers.get("last-modified")
                    if response.status_code == 304:
                        return _Answer(current, 304, "", b"", None, etag, modified)
                    if response.status_code >= 400:
                        raise HttpStatusError(
                            f"{host} answered HTTP {response.status_code} {response.reason_phrase}".rstrip(),
                            response.status_code,
                        )
                    media = _media_type(response.headers.get("content-type", ""))
                    refuse(media)
                    body = _read_body(response, settings.fetch_max_bytes)
                    charset = response.charset_encoding
            except httpx.TimeoutException as exc:
                raise FetchTimeoutError(
                    f"{host} did not answer within {budget:g} s (INCIDENT_BOT_FETCH_TIMEOUT)"
                ) from exc
            except httpx.ConnectError as exc:
                raise FetchConnectError(f"could not connect to {host}: {exc}") from exc
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
                raise UrlRefusedError(f"{current[:200]}: not a URL I can fetch ({exc})") from exc
            except httpx.HTTPError as exc:
                raise FetchConnectError(f"reading {host} failed: {exc or type(exc).__name__}") from exc
            return _Answer(current, response.status_code, media, body, charset, etag, modified)
    raise TooManyRedirectsError(f"{host} redirected more than {MAX_REDIRECTS} times")


def fetch(url: str, *, settings: Settings, resolver: Resolver = system_resolver) -> FetchedPage:
    """GET ``url`` and return its decoded text; FetchError (exit 3) for every way that can fail."""
    answer = _get(url, settings=settings, resolver=resolver, headers=_HEADERS, refuse=_refuse_content_type)
    _sniff(answer.body)
    if not answer.body.strip():
        raise NotAnArticleError(NO_ARTICLE_TEXT)
    return FetchedPage(url=answer.url, content_type=answer.media, text=decode_body(answer.body, answer.charset))


@dataclass(frozen=True)
class FetchedFeed:
    """A feed's answer: its bytes (parsed by bot.sources.feeds), or ``not_modified`` (HTTP 304)."""

    url: str
    content_type: str
    body: bytes
    etag: str | None
    last_modified: str | None
    not_modified: bool = False


# What feeds are served as (and what servers wrongly serve them as); HTML is read too, so that a
# feed address that now answers with a web page is told apart from one that fails.
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json",
        "text/json",
        "application/x-rss+xml",
    }
)


def _refuse_feed_type(media: str) -> None:
    if media in FEED_TYPES:
        return
    _refuse_content_type(media)


def fetch_feed(
    url: str,
    *,
    settings: Settings,
    etag: str | None = None,
    last_modified: str | None = None,
    resolver: Resolver = system_resolver,
) -> FetchedFeed:
    """GET a feed with conditional-GET validators from its last answer (``If-None-Match``,
    ``If-Modified-Since``), under the same address guard, time and size limits as any page."""
    headers = {
        **_HEADERS,
        "Accept": "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
        "text/xml;q=0.9, application/json;q=0.8, */*;q=0.1",
    }
    # Validators are the server's own opaque strings; a control character would forge a header.
    if etag and etag.isprintable():
        headers["If-None-Match"] = etag
    if last_modified and last_modified.isprintable():
        headers["If-Modified-Since"] = last_modified
    answer = _get(url, settings=settings, resolver=resolver, headers=headers, refuse=_refuse_feed_type)
    if answer.status == 304:
        return FetchedFeed(answer.url, "", b"", etag, last_modified, not_modified=True)
    return FetchedFeed(answer.url, answer.media, answer.body, answer.etag, answer.last_modified)
