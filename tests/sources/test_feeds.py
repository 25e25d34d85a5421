"""Reading feeds from real loopback servers: the formats, conditional GET, and hostile feeds.

Every feed here is written for these tests."""

from __future__ import annotations

import gzip
import time
from http.server import BaseHTTPRequestHandler

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from bot.app.settings import Settings
from bot.sources.errors import BlockedAddressError, ResponseTooLargeError
from bot.sources.feeds import (
    FULL_CONTENT_CHARS,
    MAX_ENTRIES,
    NotAFeedError,
    parse_feed,
    poll_feed,
)
from tests.sources.conftest import ARTICLE_BODY, LoopbackServer

LONG = " ".join([ARTICLE_BODY] * 4)  # over FULL_CONTENT_CHARS: a feed that carries the article


def rss(items: str, encoding: str = "utf-8") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel><title>Harbor Ledger security'
        f"</title><link>https://harbor-ledger.test/</link>{items}</channel></rss>"
    )


def item(guid: str | None, link: str | None, title: str = "Northwind breach", body: str = "Short teaser.") -> str:
    parts = [f"<title>{title}</title>", f"<description><![CDATA[<p>{body}</p>]]></description>"]
    if guid:
        parts.append(f"<guid>{guid}</guid>")
    if link:
        parts.append(f"<link>{link}</link>")
    parts.append("<pubDate>Tue, 05 Mar 2024 09:30:00 GMT</pubDate>")
    return "<item>" + "".join(parts) + "</item>"


ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom desk</title><id>urn:desk</id>
<updated>2024-03-06T00:00:00Z</updated>
<entry><id>urn:desk:1</id><title>Atom entry</title><link href="https://desk.test/one"/>
<updated>2024-03-06T10:00:00Z</updated><content type="html">&lt;p&gt;{LONG}&lt;/p&gt;</content></entry>
</feed>"""

JSON_FEED = (
    '{"version": "https://jsonfeed.org/version/1.1", "title": "JSON desk", "items": ['
    '{"id": "j1", "url": "https://json.test/a?utm_source=feed", "title": "JSON entry", '
    f'"content_text": "{ARTICLE_BODY}", "date_published": "2024-03-07T08:00:00Z"}},'
    '{"id": 2, "external_url": "https://json.test/b", "title": "Second"}]}'
)


def test_rss_entries_keys_links_and_dates(server: LoopbackServer, settings: Settings) -> None:
    server.page(
        "/rss",
        rss(item("g-1", "https://harbor-ledger.test/a?utm_source=rss") + item(None, "/relative", "Second")),
        "application/rss+xml",
    )
    poll = poll_feed(server.url("/rss"), settings=settings)
    assert poll.title == "Harbor Ledger security"
    first, second = poll.entries
    assert first.link == "https://harbor-ledger.test/a"  # tracking parameter dropped
    assert first.published is not None
    assert first.published.isoformat() == "2024-03-05"
    assert first.text is None
    assert not first.full
    assert second.link == server.url("/relative")  # resolved against the feed's own address
    assert first.key != second.key


def test_atom_entry_that_carries_the_article(server: LoopbackServer, settings: Settings) -> None:
    server.page("/atom", ATOM, "application/atom+xml")
    (entry,) = poll_feed(server.url("/atom"), settings=settings).entries
    assert entry.full
    assert entry.text is not None
    assert len(entry.text) >= FULL_CONTENT_CHARS
    assert entry.text.startswith("Northwind Logistics said")
    assert entry.link == "https://desk.test/one"


def test_json_feed(server: LoopbackServer, settings: Settings) -> None:
    server.page("/feed.json", JSON_FEED, "application/feed+json")
    poll = poll_feed(server.url("/feed.json"), settings=settings)
    assert poll.title == "JSON desk"
    first, second = poll.entries
    assert first.link == "https://json.test/a"
    assert first.text is not None
    assert not first.full
    assert first.published is not None
    assert first.published.isoformat() == "2024-03-07"
    assert second.link == "https://json.test/b"
    assert second.text is None


def test_duplicate_guids_and_entries_without_links(server: LoopbackServer, settings: Settings) -> None:
    body = rss(
        item("same", "https://a.test/1")
        + item("same", "https://a.test/1-again")
        + item(None, None, "Title only")
        + "<item><description>neither title nor link nor guid</description></item>"
    )
    server.page("/dup", body, "application/rss+xml")
    entries = poll_feed(server.url("/dup"), settings=settings).entries
    assert [e.link for e in entries] == ["https://a.test/1", None]  # the repeat and the anonymous one dropped
    assert entries[1].title == "Title only"


def test_non_utf8_feed(server: LoopbackServer, settings: Settings) -> None:
    body = rss(item("g", "https://a.test/1", title="Caf\xe9 chain breached")).replace("utf-8", "iso-8859-1")
    server.page("/latin", body.encode("iso-8859-1"), "application/rss+xml")
    (entry,) = poll_feed(server.url("/latin"), settings=settings).entries
    assert entry.title == "Café chain breached"


def test_conditional_get_and_304(server: LoopbackServer, settings: Settings) -> None:
    seen: list[tuple[str | None, str | None]] = []

    def serve(h: BaseHTTPRequestHandler) -> None:
        seen.append((h.headers.get("If-None-Match"), h.headers.get("If-Modified-Since")))
        if h.headers.get("If-None-Match") == '"v1"':
            h.send_response(304)
            h.send_header("ETag", '"v1"')
            h.end_headers()
            return
        data = rss(item("g", "https://a.test/1")).encode()
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("ETag", '"v1"')
        h.send_header("Last-Modified", "Tue, 05 Mar 2024 09:30:00 GMT")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    server.routes["/c"] = serve
    first = poll_feed(server.url("/c"), settings=settings)
    assert not first.not_modified
    assert first.etag == '"v1"'
    second = poll_feed(server.url("/c"), settings=settings, etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified
    assert second.entries == ()
    assert seen == [(None, None), ('"v1"', "Tue, 05 Mar 2024 09:30:00 GMT")]


def test_a_validator_with_a_control_character_is_not_sent(server: LoopbackServer, settings: Settings) -> None:
    server.page("/v", rss(item("g", "https://a.test/1")), "application/rss+xml")
    poll_feed(server.url("/v"), settings=settings, etag='"x"\r\nX-Injected: 1')
    assert len(server.requests) == 1  # asked once, without the forged header (it would have failed)


def test_a_feed_that_turned_into_a_web_page(server: LoopbackServer, settings: Settings) -> None:
    server.page("/moved", "<html><head><title>We moved</title></head><body><p>Hello</p></body></html>")
    with pytest.raises(NotAFeedError, match="web page, not a feed"):
        poll_feed(server.url("/moved"), settings=settings)


def test_malformed_xml_is_recovered_or_refused(server: LoopbackServer, settings: Settings) -> None:
    # An unclosed element and a stray ampersand: feedparser's tolerant parser still finds the entry.
    server.page("/broken", rss(item("g", "https://a.test/1") + "<item><title>AT&T</title>"), "application/rss+xml")
    entries = poll_feed(server.url("/broken"), settings=settings).entries
    assert "https://a.test/1" in [e.link for e in entries]
    server.page("/junk", b"\x00\x01 not xml at all <<<", "application/xml")
    with pytest.raises(NotAFeedError):
        poll_feed(server.url("/junk"), settings=settings)


BOMB = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + ']><rss version="2.0"><channel><item><title>&i;</title><link>https://a.test/</link></item></channel></rss>'
)


def test_entity_bomb_is_refused_before_parsing(server: LoopbackServer, settings: Settings) -> None:
    server.page("/bomb", BOMB, "application/rss+xml")
    started = time.monotonic()
    with pytest.raises(NotAFeedError, match="entities"):
        poll_feed(server.url("/bomb"), settings=settings)
    assert time.monotonic() - started < 5  # refused, not expanded (a generous bound for a slow machine)


def test_external_entity_is_refused(server: LoopbackServer, settings: Settings) -> None:
    xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel/></rss>'
    server.page("/xxe", xxe, "application/rss+xml")
    with pytest.raises(NotAFeedError, match="entities"):
        poll_feed(server.url("/xxe"), settings=settings)


def test_huge_feed_is_cut_off(server: LoopbackServer, settings: Settings) -> None:
    big = rss(item("g", "https://a.test/1", body="x" * (settings.fetch_max_bytes + 10)))
    server.page("/huge", big, "application/rss+xml")
    with pytest.raises(ResponseTooLargeError):
        poll_feed(server.url("/huge"), settings=settings)


def test_gzip_bomb_feed(server: LoopbackServer, settings: Settings) -> None:
    bomb = gzip.compress(b"<rss>" + b" " * 50_000_000)

    def serve(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Content-Encoding", "gzip")
        h.send_header("Content-Length", str(len(bomb)))
        h.end_headers()
        h.wfile.write(bomb)

    server.routes["/gz"] = serve
    with pytest.raises(ResponseTooLargeError):
        poll_feed(server.url("/gz"), settings=settings)


@pytest.mark.usefixtures("loopback_is_public")
def test_redirect_to_a_private_address_is_refused(server: LoopbackServer, strict_settings: Settings) -> None:
    def resolve(host: str, port: int) -> list[str]:
        return {"feeds.test": ["127.0.0.1"], "intranet.test": ["10.0.0.7"]}[host]

    server.redirect("/feed", "http://intranet.test/feed.xml")
    with pytest.raises(BlockedAddressError):
        poll_feed(f"http://feeds.test:{server.port}/feed", settings=strict_settings, resolver=resolve)
    assert [p for p, _ in server.requests] == ["/feed"]


def test_a_feed_keeps_at_most_max_entries() -> None:
    many = rss("".join(item(f"g{i}", f"https://a.test/{i}") for i in range(MAX_ENTRIES + 5)))
    assert len(parse_feed(many.encode(), url="https://a.test/feed").entries) == MAX_ENTRIES


@hsettings(max_examples=60, deadline=None)
@given(st.binary(max_size=2_000))
def test_any_bytes_give_entries_or_not_a_feed(data: bytes) -> None:
    try:
        parsed = parse_feed(data, url="https://a.test/feed")
    except NotAFeedError:
        return
    for entry in parsed.entries:
        assert len(entry.key) == 64
        assert entry.link is None or entry.link.startswith(("http://", "https://"))
