"""Why a link could not be read: FetchError subclasses (exit code 3), one per cause a user can act on.

httpx and socket errors are translated into these at the boundary (``bot.sources.fetch``) with
``raise ... from exc`` so that callers only ever see the product's own hierarchy.
"""

from __future__ import annotations

from bot.errors import FetchError

ALLOW_PRIVATE_ENV = "INCIDENT_BOT_FETCH_ALLOW_PRIVATE"
NO_ARTICLE_TEXT = "this page has no article text I can read"


class UrlRefusedError(FetchError):
    """Not an http(s) URL we are willing to fetch: other schemes, credentials, no host."""

    code = "url_refused"


class NotAUrlError(UrlRefusedError):
    """What the user gave is not an http(s) link we may fetch: bad input (exit code 2), not a
    failed fetch. A *redirect* to such a link is the page's doing and stays a UrlRefusedError."""

    exit_code = 2


class BlockedAddressError(FetchError):
    """The host is (or resolves to) an address that is not public: loopback, private, metadata..."""

    code = "blocked_address"


class FetchTimeoutError(FetchError):
    code = "timeout"


class FetchConnectError(FetchError):
    """DNS failure, refused connection, TLS failure, broken connection."""

    code = "connect_failed"


class ResponseTooLargeError(FetchError):
    code = "too_large"


class TooManyRedirectsError(FetchError):
    code = "too_many_redirects"


class HttpStatusError(FetchError):
    code = "http_status"

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class UnsupportedContentError(FetchError):
    """The answer is not a web page: an image, a PDF, a binary, an encoding we do not decode."""

    code = "unsupported_content"


class NotAnArticleError(FetchError):
    """A web page without article text: login walls, consent pages, empty single-page apps."""

    code = "not_an_article"


class PageTooComplexError(FetchError):
    """A page with more elements than the extractor reads in bounded time (``html.MAX_PAGE_ELEMENTS``)."""

    code = "too_complex"
