"""Links -> Articles: the reader the CLI, the batch command and the Slack handlers call."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from bot.app.settings import Settings
from bot.errors import UnsupportedInputError
from bot.extraction.schema import Article
from bot.sources.errors import NO_ARTICLE_TEXT, NotAnArticleError, PageTooComplexError
from bot.sources.fetch import fetch
from bot.sources.html import MIN_ARTICLE_CHARS, extract_page
from bot.sources.local import split_title
from bot.sources.netguard import Resolver, system_resolver
from bot.sources.urls import canonicalize, unwrap_slack_link
from bot.usecases.batch import UrlReader


def site_host(url: str) -> str:
    """The site a link is on, as cards name it: its host, lower-cased, without "www."."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _canonical(final_url: str, stated: str | None) -> str:
    """The page's own canonical URL when it points to the same site (a page may not claim to be
    another site's article), else the URL we ended on; canonicalized either way."""
    if stated and urlsplit(stated).scheme in ("http", "https") and site_host(stated) == site_host(final_url):
        return canonicalize(stated)
    return canonicalize(final_url)


def read_url(url: str, *, settings: Settings, resolver: Resolver = system_resolver) -> Article:
    """Fetch a link (a Slack-wrapped one too) and return its article; FetchError (exit 3) otherwise."""
    page = fetch(unwrap_slack_link(url), settings=settings, resolver=resolver)
    if not page.is_html:
        title, text = split_title(page.text)
        if len(text.strip()) < MIN_ARTICLE_CHARS:
            raise NotAnArticleError(NO_ARTICLE_TEXT)
        return Article(text=text.strip(), title=title, url=canonicalize(page.url), site=site_host(page.url))
    try:
        extracted = extract_page(page.text, url=page.url)
    except UnsupportedInputError as exc:  # too many elements to read in bounded time
        raise PageTooComplexError(str(exc)) from exc
    if len(extracted.text.strip()) < MIN_ARTICLE_CHARS:
        raise NotAnArticleError(NO_ARTICLE_TEXT)
    return Article(
        text=extracted.text,
        title=extracted.title,
        published=extracted.published,
        url=_canonical(page.url, extracted.canonical_url),
        site=extracted.site or site_host(page.url),
    )


def url_reader(settings: Settings) -> UrlReader:
    """``read_url`` bound to the settings, in the shape ``bot.usecases.batch.process_line`` takes."""
    return functools.partial(read_url, settings=settings)
