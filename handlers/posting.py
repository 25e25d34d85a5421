"""Posting replies: one place that knows how a post can fail and what the user is told then."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.chatops import error_id

log = logging.getLogger(__name__)


def post(
    client: WebClient,
    *,
    channel: str,
    blocks: list[dict[str, Any]],
    text: str,
    thread_ts: str | None = None,
    user: str | None = None,
) -> str | None:
    """Post a message (in a thread when given); its ts, or None after telling ``user`` it failed.

    The client retries 429s (honouring Retry-After) and 5xx answers itself; an error that is left
    is final. Previews are off so an article link never unfurls someone else's content, and
    neither ``link_names`` nor ``parse=full`` is ever sent: escaped text stays inert."""
    try:
        resp = client.chat_postMessage(
            channel=channel, thread_ts=thread_ts, blocks=blocks, text=text, unfurl_links=False, unfurl_media=False
        )
        return str(resp["ts"])
    except SlackApiError as exc:
        eid = error_id()
        reason = exc.response.get("error") if exc.response is not None else str(exc)
        log.error("chat.postMessage to %s failed: %s (error id %s)", channel, reason, eid)
        if user:
            try:
                client.chat_postEphemeral(
                    channel=channel, user=user, text=f"I couldn't post my reply here ({reason}; error id {eid})."
                )
            except SlackApiError:
                log.error("could not tell %s about error id %s either", user, eid)
        return None
