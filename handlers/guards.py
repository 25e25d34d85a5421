"""Bolt middleware that every request passes before any listener: verified, ours, answerable.

Registered after Bolt's own middleware (request verification, authorization), in this order:

1. ``mark_verified`` records in the context that the request got this far. Bolt's verification
   answers 401 without calling the next middleware, but an exception inside it (a timestamp that
   is not a number) goes to the app's error handler with the forged body: the error handler acts
   only on requests that carry this mark (handlers/slack_io/error_reports.py).
2. ``only_team`` ignores requests from any workspace other than the one this installation serves.
3. ``answerable_only_at`` refuses a request whose ``response_url`` points anywhere but Slack, so
   no code path can be made to POST to an address the sender chose.

In HTTP mode the endpoint (handlers/http_endpoint.py) has already checked all of this before Bolt
parses anything; these are the same rules again for Socket Mode and for the day a path forgets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from slack_bolt import BoltContext, BoltResponse

from handlers.payloads import response_urls

log = logging.getLogger(__name__)

VERIFIED = "incident_bot_verified"

Next = Callable[[], BoltResponse]
Middleware = Callable[..., BoltResponse | None]


def is_verified(context: Any) -> bool:
    return isinstance(context, dict) and context.get(VERIFIED) is True


@dataclass(frozen=True)
class SlackHosts:
    """Where the app may send HTTP requests on Slack's behalf: the Web API's host and its
    ``hooks.`` host (response URLs), with the API's scheme and port. Derived from SLACK_API_URL,
    so GovSlack (slack-gov.com) and a test stand-in on loopback work without another setting."""

    scheme: str
    hosts: frozenset[str]
    port: int

    @classmethod
    def from_api_url(cls, api_url: str) -> SlackHosts:
        parts = urlsplit(api_url)
        host = (parts.hostname or "").lower()
        base = host.removeprefix("api.")
        return cls(parts.scheme.lower(), frozenset({host, base, f"hooks.{base}"}), _port(parts.scheme, parts.port))

    def allows(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
            port = _port(parts.scheme, parts.port)
        except ValueError:  # a port that is not a number, or out of range
            return False
        return (
            parts.scheme.lower() == self.scheme
            and (parts.hostname or "").lower() in self.hosts
            and port == self.port
            and not parts.username
            and not parts.password
        )


def _port(scheme: str, port: int | None) -> int:
    return port if port is not None else (443 if scheme.lower() == "https" else 80)


def mark_verified(context: BoltContext, next: Next) -> BoltResponse:
    context[VERIFIED] = True
    return next()


def only_team(team_id: str) -> Middleware:
    """Ignore (200, nothing done) a request from any other workspace: one warning, no content."""

    def guard(context: BoltContext, next: Next) -> BoltResponse:
        if context.team_id == team_id:
            return next()
        log.warning("ignored a request for team %r: this installation serves %r", context.team_id, team_id)
        return BoltResponse(status=200, body="")

    return guard


def answerable_only_at(hosts: SlackHosts) -> Middleware:
    """Refuse (400) a request that asks to be answered anywhere but at Slack."""

    def guard(body: dict[str, Any], next: Next) -> BoltResponse:
        if all(hosts.allows(url) for url in response_urls(body)):
            return next()
        log.warning("refused a request whose response_url is not a Slack address")
        return BoltResponse(status=400, body="")

    return guard
