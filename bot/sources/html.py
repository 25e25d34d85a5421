"""HTML -> Article: main text and metadata through trafilatura, with a plain-text fallback."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

from bot.errors import UnsupportedInputError
from bot.extraction.schema import Article

# Below this many characters of extracted text a page is a login wall, consent page or empty SPA.
MIN_ARTICLE_CHARS = 200


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


def _fallback_text(html: str) -> str:
    parser = _TextOnly()
    parser.feed(html)
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    return "\n\n".join(line for line in lines if len(line.split()) >= 8)


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def article_from_html(html: str, *, url: str | None = None, published: dt.date | None = None) -> Article:
    """The article inside an HTML page; refuses pages with no readable article text."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, favor_precision=False, as_dict=True
    )
    text = ""
    title = site = date = None
    if isinstance(doc, dict):
        text = doc.get("text") or ""
        title, site, date = doc.get("title"), doc.get("sitename"), doc.get("date")
        url = url or doc.get("url")
    if len(text) < MIN_ARTICLE_CHARS:
        fallback = _fallback_text(html)
        if len(fallback) > len(text):
            text = fallback
    if len(text.strip()) < MIN_ARTICLE_CHARS:
        raise UnsupportedInputError("this page has no article text I can read")
    return Article(text=text, title=title or None, published=published or _parse_date(date), url=url, site=site)
