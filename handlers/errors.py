"""The one error handler: the user gets a short message with an error id, the log the traceback."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, ParamSpec

from slack_bolt import App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.chatops import error_id
from bot.errors import IncidentBotError

log = logging.getLogger(__name__)


def user_message(exc: BaseException, eid: str) -> str:
    if isinstance(exc, IncidentBotError):
        return f"Sorry, that didn't work: {exc} (error id {eid})"
    return f"Sorry, something went wrong on my side (error id {eid}). The team running me can look it up."


def report(
    exc: BaseException,
    *,
    body: dict[str, Any],
    client: WebClient | None = None,
    respond: Respond | None = None,
) -> str:
    """Log ``exc`` with a fresh error id and tell the user who triggered it, where Slack allows."""
    eid = error_id()
    log.error("error id %s while handling a %s request", eid, body.get("type") or "Slack", exc_info=exc)
    text = user_message(exc, eid)
    try:
        if respond is not None and (body.get("response_url") or body.get("response_urls")):
            respond(text=text, response_type="ephemeral", replace_original=False)
            return eid
        event = body.get("event") or {}
        channel, user = event.get("channel"), event.get("user")
        if client is not None and channel and user:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
    except SlackApiError:
        log.exception("could not tell the user about error id %s", eid)
    return eid


P = ParamSpec("P")


def reported(fn: Callable[P, None]) -> Callable[P, None]:
    """Lazy listeners run outside Bolt's error handler: report their errors the same way.

    Bolt passes listener arguments by name, read from the signature; ``functools.wraps`` keeps
    the wrapped function's signature visible to it."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            fn(*args, **kwargs)
        except Exception as exc:
            body = kwargs.get("body") or kwargs.get("command") or {}
            client = kwargs.get("client")
            respond = kwargs.get("respond")
            report(
                exc,
                body=body if isinstance(body, dict) else {},
                client=client if isinstance(client, WebClient) else None,
                respond=respond if isinstance(respond, Respond) else None,
            )

    return wrapper


def register(app: App) -> None:
    @app.error
    def on_error(error: Exception, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        report(error, body=body, client=client, respond=respond)
