"""The Slack Web API client with its retry policy, and the one way the bot posts a message or
asks for a permalink (replies, slash-command answers and digests all come here)."""

from __future__ import annotations

import logging
import random
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.app.settings import Settings
from bot.errors import ConfigurationError, PostError, RateLimited
from bot.usecases.digests import Permalinker, Poster

log = logging.getLogger(__name__)

# 429s wait for Retry-After (up to INCIDENT_BOT_SLACK_MAX_WAIT) and try again; 5xx and dropped
# connections retry with exponential backoff and jitter (slack_sdk's default interval
# calculator). Three tries cover the short outages Slack's status history shows, without holding
# a worker for minutes.
RATE_LIMIT_RETRIES = 3
SERVER_ERROR_RETRIES = 3
# When Slack gives no Retry-After with a 429 (it always does, in practice).
DEFAULT_RETRY_AFTER_S = 1.0


def retry_after(headers: Any) -> float:
    """Slack's Retry-After in seconds (a missing or unreadable header counts as one second)."""
    for key, value in dict(headers or {}).items():
        if str(key).lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) and value else value
            try:
                return max(0.0, float(str(raw).strip()))
            except ValueError:
                break
    return DEFAULT_RETRY_AFTER_S


class CappedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Waits for a 429's Retry-After only when it is short: a longer wait is the caller's to
    schedule (the job goes back to the queue; bot/usecases/jobs.py), so no worker sleeps for a minute while
    other channels wait for it."""

    def __init__(self, *, max_retry_count: int, max_wait_s: float) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait_s = max_wait_s

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        return retry_after(response.headers) <= self.max_wait_s


def make_client(settings: Settings) -> WebClient:
    """The client of single-token mode: SLACK_BOT_TOKEN's."""
    if settings.slack_bot_token is None:
        raise ConfigurationError("SLACK_BOT_TOKEN is not set (see .env.example)")
    return web_client(settings, settings.slack_bot_token.get_secret_value())


def web_client(settings: Settings, token: str | None) -> WebClient:
    """A client of the Web API at SLACK_API_URL with the retry policy above; ``token`` may be None
    for the calls that carry their own credentials (the OAuth token exchange)."""
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
            CappedRateLimitRetryHandler(max_retry_count=RATE_LIMIT_RETRIES, max_wait_s=settings.slack_max_wait),
            ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
        ],
    )


def failure_of(exc: SlackApiError) -> PostError:
    """What a failed Web API call means for the caller: wait and retry (RateLimited), or final."""
    response = exc.response
    if response is not None and response.status_code == 429:
        # A little jitter so that replicas rate-limited together do not come back together.
        return RateLimited(retry_after(response.headers) + random.random())
    reason = response.get("error") if response is not None else None
    return PostError(str(reason or "unknown_error"))


# The event type of the metadata a reply carries, so that a job taken over after a crash can
# find a reply Slack accepted before the crash (find_reply).
REPLY_EVENT = "incident_bot_reply"


def reply_metadata(job_id: int, seq: int) -> dict[str, Any]:
    return {"event_type": REPLY_EVENT, "event_payload": {"job": str(job_id), "seq": seq}}


def post_message(
    client: WebClient,
    *,
    channel: str,
    blocks: list[dict[str, Any]],
    text: str,
    thread_ts: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> str:
    """Post a message (in a thread when given); its ts. Raises RateLimited or PostError.

    Previews are off so an article link never unfurls someone else's content, and neither
    ``link_names`` nor ``parse=full`` is ever sent: escaped text stays inert."""
    try:
        resp = client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            blocks=blocks,
            text=text,
            unfurl_links=False,
            unfurl_media=False,
            metadata=metadata,
        )
    except SlackApiError as exc:
        raise failure_of(exc) from exc
    return str(resp["ts"])


def find_reply(client: WebClient, *, channel: str, thread_ts: str, job_id: int, seq: int) -> str | None:
    """The ts of reply ``seq`` of job ``job_id`` if Slack already has it in the thread, else None.

    Needs the conversation's history scope; without it (or on any error) the answer is None and
    the caller posts: a possible duplicate rather than a lost reply."""
    wanted = reply_metadata(job_id, seq)["event_payload"]
    try:
        resp = client.conversations_replies(channel=channel, ts=thread_ts, include_all_metadata=True, limit=200)
    except SlackApiError as exc:
        log.info("conversations.replies failed (%s); posting without checking", exc.response.get("error"))
        return None
    for message in resp.get("messages") or []:
        meta = message.get("metadata") or {}
        if meta.get("event_type") == REPLY_EVENT and meta.get("event_payload") == wanted:
            return str(message.get("ts"))
    return None


def permalink(client: WebClient, channel: str, message_ts: str) -> str | None:
    """A link to a message, or None when Slack will not give one (deleted, no access)."""
    try:
        return str(client.chat_getPermalink(channel=channel, message_ts=message_ts)["permalink"])
    except SlackApiError:
        return None


def slack_poster(client: WebClient) -> Poster:
    """Posting a digest: the client's retry handlers deal with short 429s and 5xx; what is left
    is final (PostError) or a wait too long for a worker (RateLimited)."""

    def post(channel: str, blocks: list[dict[str, Any]], text: str) -> str:
        return post_message(client, channel=channel, blocks=blocks, text=text)

    return post


def slack_permalinker(client: WebClient) -> Permalinker:
    return lambda channel, message_ts: permalink(client, channel, message_ts)
