"""The HTTP endpoint (WSGI): nothing reads a request before it is verified.

For ``POST /slack/events``, in this order, before Bolt, a listener, a middleware or an error
handler sees anything:

1. the headers: ``X-Slack-Request-Timestamp`` is a number within five minutes of now, and
   ``X-Slack-Signature`` is ``v0=`` and 64 hex digits; else 401;
2. the size: at most ``MAX_BODY_BYTES``; else 413;
3. the signature: HMAC-SHA256 of ``v0:{timestamp}:{raw body bytes}`` with the signing secret,
   compared in constant time; else 401;
4. the body: UTF-8, and the shape of a Slack request (handlers/payloads.py); else 400;
5. its ``response_url``: a Slack address (handlers/guards.py); else 400.

An unverified request gets one warning in the log (never its content) and nothing else: no Slack
call, no outbound request, no database write. Then Bolt gets the request — with its own
verification still on, as a second check — and a body parsed here, so that Bolt's parser cannot
read it differently (it reads a slash command whose text contains the word "payload" as empty).

``GET /healthz`` answers ``ok`` for load balancers. In OAuth mode (many workspaces),
``GET /slack/install`` and ``GET /slack/oauth_redirect`` are Bolt's install flow: a person's
browser, not Slack, sends those, so they carry no signature; the flow's one-time state (in the
database, and in a cookie of the browser that started the install) is what ties a redirect to an
install someone began here. Every other path is 404.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

from slack_bolt import App, BoltResponse
from slack_bolt.request import BoltRequest
from slack_bolt.request.internals import build_context

from handlers.guards import SlackHosts
from handlers.payloads import MalformedRequest, parse_body, response_urls

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# An install redirect carries a code and a state (about 150 characters); a browser sends a few
# cookies. Anything much longer is not a real install.
MAX_QUERY_CHARS = 4_096
# Slack's own limit on how old a signed request may be (its replay window).
MAX_AGE_S = 5 * 60
# The largest body Slack sends is an event for a 40,000-character message with its rich-text
# blocks (about three times the text, escaped): 1 MB leaves room and keeps a flood cheap to refuse.
MAX_BODY_BYTES = 1_000_000

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


class SlackRequest(BoltRequest):
    """A BoltRequest carrying the body the endpoint parsed, also in the copies Bolt makes for
    lazy listeners (which would otherwise parse the raw body again with Bolt's parser)."""

    def __init__(
        self,
        *,
        raw_body: str,
        body: dict[str, Any],
        query: str | dict[str, Sequence[str]],
        headers: dict[str, str | Sequence[str]],
        context: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(body="", query=query, headers=headers, context=context)
        self.raw_body = raw_body
        self.body = body
        self.context = build_context(self.context, body)

    def to_copyable(self) -> SlackRequest:
        return SlackRequest(
            raw_body=self.raw_body,
            body=copy.deepcopy(self.body),
            query=dict(self.query),
            headers=dict(self.headers),
            context=self.context.to_copyable(),
        )


class Reject(Exception):
    """The request is answered with ``status`` and goes no further."""

    def __init__(self, status: str, reason: str, *, verified: bool = False) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.verified = verified


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    """Slack's request signature: ``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    return "v0=" + hmac.new(secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()


class SlackEndpoint:
    """The WSGI application of ``incident-bot run --mode http``."""

    def __init__(
        self,
        app: App,
        *,
        signing_secret: str,
        hosts: SlackHosts,
        clock: Callable[[], float] = time.time,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self._app = app
        self._secret = signing_secret.encode()
        self._hosts = hosts
        self._clock = clock
        self._max_body = max_body_bytes

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _respond(start_response, "200 OK", "ok\n")
        flow = self._app.oauth_flow
        if flow is not None and path in (flow.install_path, flow.redirect_uri_path):
            if method != "GET":
                return _respond(start_response, "405 Method Not Allowed", "GET only\n", [("Allow", "GET")])
            query = environ.get("QUERY_STRING", "")
            if len(query) > MAX_QUERY_CHARS:
                return _respond(start_response, "414 URI Too Long", "the query is too long\n")
            oauth_request = BoltRequest(body="", query=query, headers=_headers(environ))
            if path == flow.install_path:
                return _write(start_response, flow.handle_installation(oauth_request))
            return _write(start_response, flow.handle_callback(oauth_request))
        if path != EVENTS_PATH:
            return _respond(start_response, "404 Not Found", "not found\n")
        if method != "POST":
            return _respond(start_response, "405 Method Not Allowed", "POST only\n", [("Allow", "POST")])
        try:
            request = self._verified_request(environ)
        except Reject as exc:
            log.warning(
                "rejected %s request: %s", "a malformed signed" if exc.verified else "an unverified", exc.reason
            )
            return _respond(start_response, exc.status, exc.reason + "\n")
        return _write(start_response, self._app.dispatch(request))

    def _verified_request(self, environ: WSGIEnvironment) -> SlackRequest:
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
        given = environ.get("HTTP_X_SLACK_SIGNATURE", "")
        if not _TIMESTAMP.fullmatch(timestamp):
            raise Reject("401 Unauthorized", "missing or malformed X-Slack-Request-Timestamp")
        if abs(self._clock() - int(timestamp)) > MAX_AGE_S:
            raise Reject("401 Unauthorized", "stale X-Slack-Request-Timestamp")
        if not _SIGNATURE.fullmatch(given):
            raise Reject("401 Unauthorized", "missing or malformed X-Slack-Signature")
        raw = self._read_body(environ)
        if not hmac.compare_digest(signature(self._secret, timestamp, raw), given):
            raise Reject("401 Unauthorized", "bad signature")
        # Verified: from here on the sender is Slack, and a bad body is a 400.
        try:
            text = raw.decode("utf-8")
            body = parse_body(environ.get("CONTENT_TYPE"), text)
        except UnicodeDecodeError:
            raise Reject("400 Bad Request", "the body is not UTF-8", verified=True) from None
        except MalformedRequest as exc:
            raise Reject("400 Bad Request", str(exc), verified=True) from None
        if not all(self._hosts.allows(url) for url in response_urls(body)):
            raise Reject("400 Bad Request", "response_url is not a Slack address", verified=True)
        return SlackRequest(raw_body=text, body=body, query=environ.get("QUERY_STRING", ""), headers=_headers(environ))

    def _read_body(self, environ: WSGIEnvironment) -> bytes:
        length_header = environ.get("CONTENT_LENGTH") or ""
        if length_header and not re.fullmatch(r"[0-9]{1,12}", length_header):
            raise Reject("400 Bad Request", "malformed Content-Length")
        if length_header and int(length_header) > self._max_body:
            raise Reject("413 Content Too Large", f"the body is larger than {self._max_body} bytes")
        stream = environ.get("wsgi.input")
        if stream is None:
            return b""
        # Without a Content-Length (a chunked body, which the server has already de-chunked) read
        # one byte past the limit to tell whether it was exceeded.
        limit = int(length_header) if length_header else self._max_body + 1
        raw: bytes = stream.read(limit)
        if len(raw) > self._max_body:
            raise Reject("413 Content Too Large", f"the body is larger than {self._max_body} bytes")
        return raw


_REASONS = {
    200: "OK",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    500: "Internal Server Error",
}


def _headers(environ: WSGIEnvironment) -> dict[str, str | Sequence[str]]:
    headers: dict[str, str | Sequence[str]] = {
        key[5:].lower().replace("_", "-"): value
        for key, value in environ.items()
        if key.startswith("HTTP_") and isinstance(value, str)
    }
    headers["content-type"] = environ.get("CONTENT_TYPE", "")
    return headers


def _write(start_response: StartResponse, response: BoltResponse) -> list[bytes]:
    data = response.body.encode("utf-8")
    headers = [
        (name, value)
        for name, values in response.headers.items()
        if name.lower() != "content-length"
        for value in values
    ]
    start_response(
        f"{response.status} {_REASONS.get(response.status, 'Status')}", [*headers, ("Content-Length", str(len(data)))]
    )
    return [data]


def _respond(
    start_response: StartResponse, status: str, text: str, extra: list[tuple[str, str]] | None = None
) -> list[bytes]:
    data = text.encode()
    start_response(
        status,
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data))), *(extra or [])],
    )
    return [data]
