"""The Slack Web API client with its retry policy, and the digest poster built on it."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.digest_service import Permalinker, Poster, PostError
from bot.errors import ConfigurationError
from bot.settings import Settings

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
