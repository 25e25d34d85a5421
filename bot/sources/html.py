"""HTML -> Article: main text and metadata through trafilatura, a boilerplate sweep, and fallbacks.

trafilatura runs in precision mode without comments: on the 60-page link benchmark (bench/fetch_quality.py)
that scored F1 0.963 against 0.933 for its defaults, because comment threads, "related" boxes and
newsletter blocks are what it otherwise lets in. A small sweep of lines that are boilerplate on any
news site (see ``_BOILERPLATE``) removes part of what remains. When trafilatura finds nothing,
its own baseline extractor and then the visible text of the page are tried.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

from bot.errors import UnsupportedInputError
from bot.extraction.schema import Article
from bot.sources.errors import NO_ARTICLE_TEXT

# Below this many characters of extracted text a page is a login wall, consent page or empty SPA.
MIN_ARTICLE_CHARS = 200

# trafilatura spends 50-100 us on every element of a page, scripts and styles included, so the
# element count bounds the time a page can take: 100,000 tiny <p> (0.88 MB) kept it busy for 10 s,
# a 5 MB page of them for over a minute. A page with more elements than this is first stripped of
# what is never article text (scripts other than JSON-LD metadata, styles, inline SVG, templates,
# frames, comments); if it still has more, it is refused with a message that asks for the text.
# The 60 link-benchmark pages have at most 1,603 elements before stripping; a page at the limit
# takes about half a second (bench/speed.py).
MAX_PAGE_ELEMENTS = 10_000
# Start tags, counted on the raw text: an upper bound of the parsed element count (it also counts
# tags written inside scripts and comments), enough to wave normal pages through unparsed.
_START_TAG = re.compile(r"<[A-Za-z]")
# Above this many times the limit in start tags, a page is refused without parsing it.
_STRIP_AT_MOST = 10
_NOT_TEXT = (
    "//script[not(@type='application/ld+json')] | //style | //noscript | //svg | //math | //template"
    " | //iframe | //object | //embed | //canvas | //comment() | //processing-instruction()"
)

# Lines that are site furniture, not article: newsletter and subscription pitches, social
# follow-ups, comment prompts, CMS shortcodes. Only short lines (see _BOILERPLATE_MAX) are
# dropped, so an article sentence that happens to say "subscribe" survives.
_BOILERPLATE = re.compile(
    r"""^(?:
        (?:related|read\s+more|read\s+also|also\s+read|see\s+also|more\s+on\s+this|recommended)\b.{0,120}:.*
      | .*\b(?:follow\s+(?:us|him|her|them|me)\s+on\s+(?:twitter|facebook|instagram|linkedin)
            |sign\s+up\s+(?:for|to)\s+(?:our|the)\b.*newsletter
            |subscribe\s+to\s+(?:our|the)\b
            |click\s+here\s+for\s+more
            |tell\s+us\s+what\s+you\s+think
            |delivered\s+(?:straight\s+)?(?:to|through)\s+your\s+(?:inbox|letterbox|door))\b.*
      | \s*\d*\s*comments?\s*
      | \[\w+[^\]]*\].*\[/\w+\]
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_BOILERPLATE_MAX = 300
_LIST_ITEM = re.compile(r"^\s*[-•*]\s")


class _TextOnly(HTMLParser):
    """Fallback: visible text of the page, skipping scripts/styles/navigation."""

    _SKIP = frozenset({"script", "style", "noscript", "nav", "header", "footer", "aside", "form"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in ("p", "br", "div", "li", "h1", "h2", "h3", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


# HTMLParser.close() re-parses what feed() left unparsed (everything from a tag, comment or quote
# that is never closed) from each "<" to the end of the page: quadratic, 15 s for 40,000 characters
# of "<a ". A long unparsed tail is taken as text instead: when it has no ">" that is exactly what
# close() makes of it; when it has (a malformed tail), what looks like a tag is dropped from it.
_FALLBACK_TAIL = 2_000
_TAG_LIKE = re.compile(r"<[^<>]*>")


def visible_text(html: str) -> str:
    """The visible text of an HTML fragment or page, paragraphs of eight words or more (a
    feed entry's content, and the fallback when trafilatura finds no article)."""
    parser = _TextOnly()
    parser.feed(html)
    tail = parser.rawdata
    if len(tail) > _FALLBACK_TAIL:
        parser.rawdata = ""
        parser.handle_data(unescape(_TAG_LIKE.sub("", tail)))
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    return "\n\n".join(line for line in lines if len(line.split()) >= 8)


def parse_iso_date(value: str | None) -> dt.date | None:
    """The date an ISO 8601 date or timestamp starts with, else None."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _same_text(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(re.findall(r"\w+", s.lower()))

    return bool(norm(a)) and norm(a) == norm(b)


def clean_text(text: str, title: str | None = None) -> str:
    """Drop a leading copy of the title (the Article carries it separately) and boilerplate lines;
    a "Related:" line takes the bullet list under it along."""
    lines = text.split("\n")
    if title and lines and _same_text(lines[0], title):
        lines = lines[1:]
    kept: list[str] = []
    in_related = False
    for line in lines:
        if in_related and _LIST_ITEM.match(line):
            continue
        in_related = False
        if len(line) <= _BOILERPLATE_MAX and _BOILERPLATE.match(line.strip()):
            in_related = True
            continue
        kept.append(line)
    return "\n".join(kept).strip()


@dataclass(frozen=True)
class Page:
    """What a web page holds: its article text (possibly empty) and metadata."""

    text: str
    title: str | None = None
    published: dt.date | None = None
    site: str | None = None
    canonical_url: str | None = None  # <link rel=canonical> / og:url, as the page states it


def too_complex_message(elements: int) -> str:
    return (
        f"this page is too large or complex to read ({elements:,} elements; the limit is {MAX_PAGE_ELEMENTS:,}); "
        "paste the article text instead"
    )


def bounded_html(html: str) -> str:
    """The page as it is when it has at most MAX_PAGE_ELEMENTS elements; else the page without the
    elements that are never article text, when that is few enough; else UnsupportedInputError."""
    tags = sum(1 for _ in _START_TAG.finditer(html))
    if tags <= MAX_PAGE_ELEMENTS:
        return html
    if tags > _STRIP_AT_MOST * MAX_PAGE_ELEMENTS:
        # stripping never brings that many down to the limit on a real page; parsing them would
        # cost ~0.5 GB of memory for a 5 MB page
        raise UnsupportedInputError(too_complex_message(tags))
    from lxml import etree
    from lxml import html as lxml_html

    try:
        try:
            tree = lxml_html.document_fromstring(html)
        except ValueError:  # a str with an XML encoding declaration: lxml wants bytes for that
            tree = lxml_html.document_fromstring(html.encode("utf-8"), parser=lxml_html.HTMLParser(encoding="utf-8"))
    except etree.LxmlError:
        raise UnsupportedInputError(too_complex_message(tags)) from None
    for node in tree.xpath(_NOT_TEXT):
        if node.getparent() is not None:  # not a comment beside the root element
            node.drop_tree()  # the text after it stays
    elements = sum(1 for _ in tree.iter(etree.Element))
    if elements > MAX_PAGE_ELEMENTS:
        raise UnsupportedInputError(too_complex_message(elements))
    return str(lxml_html.tostring(tree, encoding="unicode"))


def extract_page(html: str, *, url: str | None = None) -> Page:
    """Main text and metadata of an HTML page; ``text`` is empty when there is no article.
    UnsupportedInputError when the page has too many elements to read in bounded time."""
    import trafilatura

    html = bounded_html(html)

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False, favor_precision=True)
    text = ""
    title = site = date = canonical = None
    if doc is not None and not isinstance(doc, dict):
        text = doc.text or ""
        title, site, date, canonical = doc.title, doc.sitename, doc.date, doc.url
    text = clean_text(text, title)
    if len(text) < MIN_ARTICLE_CHARS:
        _, base, _ = trafilatura.baseline(html)
        for candidate in (base, visible_text(html)):
            if len(candidate) > len(text):
                text = clean_text(candidate, title)
    return Page(
        text=text,
        title=title or None,
        published=parse_iso_date(date),
        site=site or None,
        canonical_url=canonical if canonical and canonical != url else None,
    )


def article_from_html(html: str, *, url: str | None = None, published: dt.date | None = None) -> Article:
    """The article inside an HTML page; refuses pages with no readable article text."""
    page = extract_page(html, url=url)
    if len(page.text.strip()) < MIN_ARTICLE_CHARS:
        raise UnsupportedInputError(NO_ARTICLE_TEXT)
    return Article(
        text=page.text,
        title=page.title,
        published=published or page.published,
        url=url or page.canonical_url,
        site=page.site,
    )
