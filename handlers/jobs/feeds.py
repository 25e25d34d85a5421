"""Running a ``feed_entry`` job: one new entry of a followed feed read, summarized and stored
(bot/usecases/feeds.py queues it when a poll finds the entry). Nothing is posted here: the alerts
the incident calls for are owed in its storing transaction and posted by bot/usecases/alerts.py."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.usecases import feeds
from handlers.deps import Deps
from storage.records import JobRecord

FEED_ENTRY = feeds.FEED_ENTRY


def run(job: JobRecord, *, client: WebClient, deps: Deps) -> str:
    _, outcome = feeds.read_job(
        job,
        store=deps.store,
        read=deps.read_feed_entry,
        channel_kind=lambda feed: deps.conversation_type(client, team_id=job.team_id, channel_id=feed.channel_id),
    )
    return outcome.outcome
