"""Building the Bolt app: the Slack client with its retry policy, the app, the handlers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.chatops import Origin, Outcome, process_submission
from bot.digest_service import Permalinker, Poster, PostError
from bot.errors import ConfigurationError
from bot.settings import Settings
from bot.sources.web import url_reader
from handlers import Deps, register_handlers
from storage import Store

Mode = Literal["socket", "http"]

# 429s wait for Retry-After and try again; 5xx and dropped connections retry with exponential
# backoff and jitter (slack_sdk's default interval calculator). Three tries cover the short
# outages Slack's status history shows, without holding a worker for minutes.
RATE_LIMIT_RETRIES = 3
SERVER_ERROR_RETRIES = 3


def make_client(settings: Settings) -> WebClient:
    if settings.slack_bot_token is None:
        raise ConfigurationError("SLACK_BOT_TOKEN is not set (see .env.example)")
    return WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
        ],
    )


def in_process(settings: Settings, store: Store) -> Callable[[str, Origin], list[Outcome]]:
    """The submission use case run on the calling thread (tests, tools)."""
    read = url_reader(settings)
    return lambda text, origin: process_submission(store=store, text=text, origin=origin, read_url=read)


def build_app(
    *,
    settings: Settings,
    store: Store,
    mode: Mode,
    process: Callable[[str, Origin], list[Outcome]] | None = None,
) -> App:
    """The Bolt app with every handler registered. Request signatures are verified in HTTP mode
    (Socket Mode connections are authenticated by the app-level token instead)."""
    if mode == "http" and settings.slack_signing_secret is None:
        raise ConfigurationError("SLACK_SIGNING_SECRET is not set; HTTP mode cannot verify requests without it")
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    app = App(
        client=make_client(settings),
        signing_secret=secret or "",
        request_verification_enabled=mode == "http",
        # Acks run on the request's own thread and every slow listener is lazy: Bolt's default
        # (process_before_response=False) runs even the ack functions on the executor, where
        # they queue behind slow work and Slack waits seconds for its ack under a burst.
        process_before_response=True,
        # Slow work (fetching, summarizing, posting) runs on this pool after the ack is sent.
        listener_executor=ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="incident-bot"),
        logger=logging.getLogger("incident_bot.slack"),
    )
    deps = Deps(settings=settings, store=store, process=process or in_process(settings, store))
    register_handlers(app, deps)
    return app


def slack_poster(client: WebClient) -> Poster:
    """Posting a digest: the client's retry handlers deal with 429 and 5xx; what is left is final."""

    def post(channel: str, blocks: list[dict[str, Any]], text: str) -> str:
        try:
            resp = client.chat_postMessage(
                channel=channel, blocks=blocks, text=text, unfurl_links=False, unfurl_media=False
            )
        except SlackApiError as exc:
            raise PostError(str(exc.response.get("error") or "unknown_error")) from exc
        return str(resp["ts"])

    return post


def slack_permalinker(client: WebClient) -> Permalinker:
    def permalink(channel: str, message_ts: str) -> str | None:
        try:
            return str(client.chat_getPermalink(channel=channel, message_ts=message_ts)["permalink"])
        except SlackApiError:
            return None

    return permalink
