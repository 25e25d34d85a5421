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
    p = job.payload
    feed = feeds.get_feed(store=deps.store, feed_id=int(p["feed_id"]))
    if feed is None or feed.team_id != job.team_id:
        return "feed_removed"
    # What the feed's incidents are sighted as follows the channel: one that became private
    # takes its feed's incidents with it (storage/privacy.py).
    kind = deps.conversation_type(client, team_id=job.team_id, channel_id=feed.channel_id)
    if kind != feed.conversation_type:
        feeds.set_conversation_type(store=deps.store, feed_id=feed.id, conversation_type=kind)
        feed = feed.model_copy(update={"conversation_type": kind})
    outcome = deps.read_feed_entry(feed, p)
    feeds.entry_done(store=deps.store, entry_id=int(p["entry_id"]), outcome=outcome)
    return outcome.outcome
