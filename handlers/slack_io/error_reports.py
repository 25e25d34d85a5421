"""The one error handler: the user gets a short message with an error id, the log the traceback."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, ParamSpec

from slack_bolt import App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import IncidentBotError
from bot.usecases.intake import error_id
from handlers.guards import is_verified

log = logging.getLogger(__name__)


def user_message(exc: BaseException, eid: str) -> str:
    if isinstance(exc, IncidentBotError):
        return f"Sorry, that didn't work: {exc} (error id {eid})"
    return f"Sorry, something went wrong on my side (error id {eid}). The team running me can look it up."


def report(
    exc: BaseException,
    *,
    body: dict[str, Any],
    context: Any,
    client: WebClient | None = None,
    respond: Respond | None = None,
) -> str:
    """Log ``exc`` with a fresh error id and tell the user who triggered it, where Slack allows.

    Only for a request that passed verification (handlers/guards.py): an error raised while a
    forged request was being verified must not make the app post to the channel, user or
    response URL that the forged body names. That gets one warning, without the body."""
    eid = error_id()
    if not is_verified(context):
        log.warning("error id %s on an unverified request (%s); nothing was done", eid, type(exc).__name__)
        return eid
    kind = body.get("type") if isinstance(body.get("type"), str) else "Slack"
    log.error("error id %s while handling a %s request", eid, kind, exc_info=exc)
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
    the wrapped function's signature visible to it. A listener wrapped here must take ``context``
    (the verification mark is read from it; without it, an error is only logged)."""

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
                context=kwargs.get("context"),
                client=client if isinstance(client, WebClient) else None,
                respond=respond if isinstance(respond, Respond) else None,
            )

    return wrapper


def register(app: App) -> None:
    @app.error
    def on_error(
        error: Exception, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
    ) -> None:
        report(error, body=body, context=context, client=client, respond=respond)
