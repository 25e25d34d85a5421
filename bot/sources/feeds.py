"""Feed bytes -> entries: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed through its model.

feedparser is given the bytes, never an address or a path: handed a string it would fetch the URL
or open the file itself, outside the address guard. Its 6.0 releases (the latest on PyPI) do not
read JSON Feed, whose 1.0/1.1 format is a small JSON document: that is validated with pydantic.

Hostile feeds: a document type that declares entities is refused before any parser sees it (no
entity expansion, billion laughs or external entities, whatever the parser's own defences); the
body was already capped in size and decompressed under a limit by ``fetch_feed``; at most
``MAX_ENTRIES`` entries are kept of a feed, each entry's text at most ``MAX_ENTRY_CHARS``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from html import escape
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.app.settings import Settings
from bot.errors import FetchError
from bot.sources.errors import NotAUrlError
from bot.sources.fetch import fetch_feed
from bot.sources.html import MIN_ARTICLE_CHARS, parse_iso_date, visible_text
from bot.sources.netguard import Resolver, system_resolver
from bot.sources.urls import canonicalize, check_url

# A feed keeps its newest entries; more than this in one document is an archive, not a feed.
MAX_ENTRIES = 1_000
# What the extraction core analyses of a text at most (bot/extraction/pipeline.py reads 200,000).
MAX_ENTRY_CHARS = 200_000
# An entry whose own content has this much text carries the article: it is not fetched again.
FULL_CONTENT_CHARS = 1_200
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
# Entity declarations live in the internal subset of the DOCTYPE, at the top of the document.
_PROLOG_BYTES = 65_536
_JSON_TYPES = frozenset({"application/feed+json", "application/json", "text/json"})


class NotAFeedError(FetchError):
    """The address answered, but not with a feed this bot reads (a web page, junk, a bomb)."""

    code = "not_a_feed"


@dataclass(frozen=True)
class FeedEntry:
    """One entry: its identity in the feed, where its article is, and its text when it carries it."""

    key: str  # a hash of the guid, else of the canonical link, else of the title and date
    link: str | None  # an http(s) link to the article, canonicalized
    title: str | None
    published: dt.date | None
    text: str | None  # the entry's own text (content, else summary), when it has article-length text
    full: bool  # the text is the whole article (FULL_CONTENT_CHARS or more): no need to fetch the link


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    version: str  # feedparser's name for the format ("rss20", "atom10", …) or "json1"
    entries: tuple[FeedEntry, ...]
    recovered: bool  # the document was malformed and read by the tolerant parser


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _link(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return canonicalize(check_url(value.strip()))
    except NotAUrlError:
        return None


def _entry(guid: object, link: object, title: object, published: dt.date | None, html: str) -> FeedEntry | None:
    url = _link(link)
    heading = " ".join(title.split())[:500] if isinstance(title, str) and title.strip() else None
    text = visible_text(html[: MAX_ENTRY_CHARS * 2])[:MAX_ENTRY_CHARS] if html else ""
    if isinstance(guid, str) and guid.strip():
        key = _key("id", guid.strip())
    elif url:
        key = _key("link", url)
    elif heading:
        key = _key("title", heading, str(published or ""))
    else:
        return None  # nothing to tell it from the next entry
    return FeedEntry(
        key=key,
        link=url,
        title=heading,
        published=published,
        text=text if len(text) >= MIN_ARTICLE_CHARS else None,
        full=len(text) >= FULL_CONTENT_CHARS,
    )


def _refuse_entities(body: bytes) -> None:
    if _ENTITY_DECLARATION.search(body[:_PROLOG_BYTES]):
        raise NotAFeedError("the feed declares XML entities, which I do not expand (an entity bomb?)")


# ---- JSON Feed (https://jsonfeed.org/version/1.1) -------------------------------------------


class _JsonItem(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str | int | None = None
    url: str | None = None
    external_url: str | None = None
    title: str | None = None
    content_html: str | None = None
    content_text: str | None = None
    summary: str | None = None
    date_published: str | None = None


class _JsonFeed(BaseModel):
    model_config = ConfigDict(extra="ignore")
    version: str
    title: str | None = None
    items: list[_JsonItem]


def _parse_json(body: bytes) -> ParsedFeed:
    try:
        doc = _JsonFeed.model_validate(json.loads(body))
    except (ValueError, ValidationError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise NotAFeedError("the address serves JSON that is not a JSON Feed") from exc
    if not doc.version.startswith("https://jsonfeed.org/version/"):
        raise NotAFeedError("the address serves JSON that is not a JSON Feed")
    entries = []
    for item in doc.items[:MAX_ENTRIES]:
        html = item.content_html or ""
        if not html and (item.content_text or item.summary):
            # Plain text: paragraphs kept as such for the text reader.
            plain = item.content_text or item.summary or ""
            html = "".join(f"<p>{escape(p, quote=False)}</p>" for p in plain.split("\n") if p.strip())
        entry = _entry(
            None if item.id is None else str(item.id),
            item.url or item.external_url,
            item.title,
            parse_iso_date(item.date_published),
            html,
        )
        if entry is not None:
            entries.append(entry)
    return ParsedFeed(doc.title, "json1", tuple(entries), recovered=False)


# ---- RSS and Atom (feedparser) ---------------------------------------------------------------


def _struct_date(entry: Any) -> dt.date | None:
    for name in ("published_parsed", "updated_parsed"):
        value = entry.get(name)
        if value:
            try:
                return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC).date()
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _entry_html(entry: Any) -> str:
    """The longest of the entry's content and summary (feeds put the article in either)."""
    pieces = [str(c.get("value") or "") for c in entry.get("content") or []]
    pieces.append(str(entry.get("summary") or ""))
    return max(pieces, key=len)


def _parse_xml(body: bytes, *, url: str, content_type: str) -> ParsedFeed:
    import feedparser  # imported here: only feed polling needs it

    _refuse_entities(body)
    parsed = feedparser.parse(
        body,  # bytes: feedparser must not fetch or open anything itself
        response_headers={"content-type": content_type or "application/xml", "content-location": url},
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    if not parsed.get("version") and not parsed.entries:
        looks_html = b"<html" in body[:4096].lower() or content_type in ("text/html", "application/xhtml+xml")
        if looks_html:
            raise NotAFeedError("the address serves a web page, not a feed (RSS, Atom or JSON Feed)")
        raise NotAFeedError("the address does not serve a feed I can read (RSS, Atom or JSON Feed)")
    entries = []
    for item in parsed.entries[:MAX_ENTRIES]:
        entry = _entry(item.get("id"), item.get("link"), item.get("title"), _struct_date(item), _entry_html(item))
        if entry is not None:
            entries.append(entry)
    title = parsed.feed.get("title") if hasattr(parsed, "feed") else None
    return ParsedFeed(
        str(title) if title else None,
        str(parsed.get("version") or "unknown"),
        tuple(entries),
        recovered=bool(parsed.get("bozo")),
    )


def parse_feed(body: bytes, *, url: str, content_type: str = "") -> ParsedFeed:
    """The entries of a feed document; NotAFeedError when it is none (or a hostile one)."""
    if not body.strip():
        raise NotAFeedError("the feed is empty")
    head = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if content_type in _JSON_TYPES or head.startswith(b"{"):
        return _parse_json(body)
    return _parse_xml(body, url=url, content_type=content_type)


def duplicate_free(entries: tuple[FeedEntry, ...]) -> list[FeedEntry]:
    """Entries in feed order with repeated keys dropped (feeds repeat guids)."""
    seen: set[str] = set()
    kept = []
    for entry in entries:
        if entry.key not in seen:
            seen.add(entry.key)
            kept.append(entry)
    return kept


@dataclass(frozen=True)
class FeedPoll:
    """What one poll of a feed found: nothing new (HTTP 304), or its entries and new validators."""

    url: str
    not_modified: bool
    title: str | None
    entries: tuple[FeedEntry, ...]
    etag: str | None
    last_modified: str | None


def poll_feed(
    url: str,
    *,
    settings: Settings,
    etag: str | None = None,
    last_modified: str | None = None,
    resolver: Resolver = system_resolver,
) -> FeedPoll:
    """Fetch a feed (conditional GET, address guard, time and size limits) and parse it;
    FetchError (NotAFeedError among them) when it cannot be read."""
    answer = fetch_feed(url, settings=settings, etag=etag, last_modified=last_modified, resolver=resolver)
    if answer.not_modified:
        return FeedPoll(answer.url, True, None, (), etag, last_modified)
    parsed = parse_feed(answer.body, url=answer.url, content_type=answer.content_type)
    return FeedPoll(
        answer.url, False, parsed.title, tuple(duplicate_free(parsed.entries)), answer.etag, answer.last_modified
    )
