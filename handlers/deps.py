"""What the handlers are given: the store, the job queue, the submission runner, and the Slack
lookups they share."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import InstallationStore

from bot.app.settings import Settings
from bot.usecases import incidents
from bot.usecases.feeds import EntryOutcome
from bot.usecases.intake import Origin, Outcome
from bot.usecases.jobs import JobQueue
from bot.usecases.unfurls import LinkSummarizer
from storage import Store
from storage.records import ConversationType, FeedRecord

log = logging.getLogger(__name__)
FeedEntryReader = Callable[[FeedRecord, dict[str, Any]], EntryOutcome]

# How long a channel's kind (public, private, DM) is trusted before Slack is asked again: a channel
# converted to private is then recorded as private within minutes, and its history hidden.
KIND_TTL_S = 300.0


@dataclass
class Deps:
    settings: Settings
    store: Store
    # Reads, summarizes and stores what a message hands the bot (in worker processes when running).
    process: Callable[[str, Origin], list[Outcome]]
    # Submissions are recorded here before Slack's ack, and run by the job runner (bot/usecases/jobs.py).
    jobs: JobQueue
    # Reads a link and summarizes it without storing it (link previews); in a worker process
    # when running.
    summarize_link: LinkSummarizer
    # Reads one new entry of a followed feed (bot/usecases/feeds.py read_entry); in a worker
    # process when running.
    read_feed_entry: FeedEntryReader
    # OAuth mode: where the installs are kept (None with a single SLACK_BOT_TOKEN).
    installation_store: InstallationStore | None = None
    clock: Callable[[], float] = time.monotonic
    _kinds: dict[tuple[str, str], tuple[ConversationType, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # What an ack listener decided, for the lazy listener of the same request (Bolt runs both on
    # this process, the lazy one after the ack): taken once, so it never grows.
    _handoff: dict[str, Any] = field(default_factory=dict)

    def hand_over(self, key: str, value: Any) -> None:
        with self._lock:
            self._handoff[key] = value

    def take_over(self, key: str) -> Any:
        with self._lock:
            return self._handoff.pop(key, None)

    def conversation_type(self, client: WebClient, *, team_id: str, channel_id: str) -> ConversationType:
        """Public channel, private channel, DM or group DM, as Slack says now (asked again after
        ``KIND_TTL_S``).

        When Slack cannot tell us (missing scope, API error) the conversation is treated as
        private: a private submission wrongly marked public would leak into other channels. When
        a channel turns out to be private, whatever was recorded of it as public becomes private
        (storage/privacy.py)."""
        key = (team_id, channel_id)
        now = self.clock()
        with self._lock:
            known = self._kinds.get(key)
        if known is not None and now - known[1] < KIND_TTL_S:
            return known[0]
        try:
            info = client.conversations_info(channel=channel_id)["channel"]
        except SlackApiError as exc:
            log.warning(
                "conversations.info failed for %s (%s); treating it as private", channel_id, exc.response.get("error")
            )
            return "private_channel"
        kind: ConversationType
        if info.get("is_im"):
            kind = "im"
        elif info.get("is_mpim"):
            kind = "mpim"
        elif info.get("is_private") or info.get("is_group"):
            kind = "private_channel"
        else:
            kind = "public_channel"
        if kind == "private_channel" and (known is None or known[0] != kind):
            # First look since start-up, or a change: hide what it showed while it was public.
            changed = incidents.conversation_became_private(store=self.store, team_id=team_id, channel_id=channel_id)
            if changed:
                log.info("channel %s is private now: %d earlier submissions hidden from others", channel_id, changed)
        with self._lock:
            self._kinds[key] = (kind, now)
        return kind
