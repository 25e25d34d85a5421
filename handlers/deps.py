"""What the handlers are given: the store, the link reader, and Slack lookups they share."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.chatops import Origin, Outcome
from bot.settings import Settings
from storage import Store
from storage.records import ConversationType

log = logging.getLogger(__name__)


@dataclass
class Deps:
    settings: Settings
    store: Store
    # Reads, summarizes and stores what a message hands the bot (in worker processes when running).
    process: Callable[[str, Origin], list[Outcome]]
    _kinds: dict[str, ConversationType] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def conversation_type(self, client: WebClient, channel_id: str) -> ConversationType:
        """Public channel, private channel, DM or group DM — asked of Slack once per channel.

        When Slack cannot tell us (missing scope, API error) the conversation is treated as
        private: a private submission wrongly marked public would leak into other channels."""
        with self._lock:
            known = self._kinds.get(channel_id)
        if known is not None:
            return known
        kind: ConversationType = "private_channel"
        try:
            info = client.conversations_info(channel=channel_id)["channel"]
            if info.get("is_im"):
                kind = "im"
            elif info.get("is_mpim"):
                kind = "mpim"
            elif info.get("is_private") or info.get("is_group"):
                kind = "private_channel"
            else:
                kind = "public_channel"
        except SlackApiError as exc:
            log.warning(
                "conversations.info failed for %s (%s); treating it as private", channel_id, exc.response.get("error")
            )
            return kind
        with self._lock:
            self._kinds[channel_id] = kind
        return kind
