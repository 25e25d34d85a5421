"""Feeds: what a channel follows, polling each on its schedule, and reading each new entry once.

The life of an entry:
1. ``poll_due`` claims the feeds that are due (one replica per interval, storage/feeds.py),
   fetches each (conditional GET; in a worker process when the bot runs) and, for each entry the
   feed never had, remembers it and queues a ``feed_entry`` job in the same transaction — so an
   entry is read once, by whichever worker claims its job, and a crash loses none.
2. The job (``read_entry``) reads the article — the entry's own content when it carries the whole
   article, else its link through the safe reader — summarizes it and stores it with the feed's
   channel as where it was seen, de-duplicated and merged like any other report. Alerts it calls
   for are owed in the same transaction (storage/alerts.py) and posted by bot/usecases/alerts.py.
   Entries that are not incidents are remembered, not stored.

A poll that fails is retried later, each time later (doubling from the feed's interval, at most a
day); after ``PAUSE_AFTER`` failures in a row the feed is paused, and ``feed list`` and the Home
tab say why. ``feed add`` again resumes it.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from bot.domain.feed_options import parse_options
from bot.domain.merge import SEVERITY_RANK
from bot.errors import BadInputError, FetchError, IncidentBotError
from bot.extraction import Article, summarize_article
from bot.extraction.schema import Severity
from bot.sources.feeds import FeedEntry, FeedPoll
from bot.sources.urls import canonicalize, check_url, unwrap_slack_link
from bot.sources.web import site_host
from bot.usecases import incidents
from bot.usecases.batch import UrlReader
from bot.usecases.jobs import JobQueue
from storage import Store
from storage import feeds as rows
from storage import jobs as job_rows
from storage.records import ConversationType, FeedRecord, JobRecord

log = logging.getLogger(__name__)

FEED_ENTRY = "feed_entry"  # the job kind
# New entries queued per feed and poll: a feed of 10,000 entries is read a bounded slice at a time
# (the rest on later polls) and cannot crowd out the other feeds' entries.
MAX_NEW_PER_POLL = 50
# Feeds claimed per pass of the poller, and fetched at once.
MAX_FEEDS_PER_PASS = 100
POLL_THREADS = 4
PAUSE_AFTER = 8  # failed polls in a row
MAX_BACKOFF = dt.timedelta(days=1)

# Fetch and parse a feed (url, etag, last-modified): bot.sources.feeds.poll_feed, in a worker
# process when the bot runs.
FeedFetcher = Callable[[str, str | None, str | None], FeedPoll]


def add_feed(
    *,
    store: Store,
    team_id: str,
    channel_id: str,
    conversation_type: ConversationType,
    user_id: str,
    url: str,
    options: Sequence[str] = (),
    now: dt.datetime | None = None,
) -> tuple[FeedRecord, bool]:
    """Follow a feed in a channel (or change an existing one's options); (feed, created).
    BadInputError for a link that cannot be a feed address or an option not understood."""
    address = canonicalize(check_url(unwrap_slack_link(url)))
    if len(address) > 2000:
        raise BadInputError("that feed address is longer than 2,000 characters")
    opts = parse_options(list(options))
    return store.write(
        lambda repo: rows.add(
            repo,
            team_id=team_id,
            channel_id=channel_id,
            conversation_type=conversation_type,
            url=address,
            types=opts.types,
            alert_severity=opts.alert_severity.value if opts.alert_severity else None,
            interval_minutes=opts.interval_minutes,
            created_by=user_id,
            now=now or dt.datetime.now(dt.UTC),
        )
    )


def list_feeds(*, store: Store, team_id: str | None, channel_id: str | None = None) -> list[FeedRecord]:
    return store.read(lambda repo: rows.listed(repo, team_id=team_id, channel_id=channel_id))


def remove_feed(*, store: Store, team_id: str, feed_id: int, channel_id: str | None = None) -> bool:
    return store.write(lambda repo: rows.remove(repo, team_id=team_id, feed_id=feed_id, channel_id=channel_id))


def get_feed(*, store: Store, feed_id: int) -> FeedRecord | None:
    return store.read(lambda repo: rows.get(repo, feed_id))


@dataclass(frozen=True)
class PollReport:
    """What one poll of one feed did."""

    feed: FeedRecord
    status: str  # "new_entries", "not_modified", "nothing_new", "failed", "paused", "not_served"
    queued: list[int]  # the ids of the entry jobs queued
    message: str


def backoff(feed: FeedRecord, failures: int) -> dt.timedelta:
    """How long after the ``failures``-th failure in a row the feed is tried again."""
    wait: dt.timedelta = dt.timedelta(minutes=feed.interval_minutes) * 2 ** min(max(0, failures - 1), 16)
    return min(wait, MAX_BACKOFF)


def _payload(feed: FeedRecord, entry_id: int, entry: FeedEntry) -> dict[str, Any]:
    return {
        "feed_id": feed.id,
        "entry_id": entry_id,
        "link": entry.link,
        "title": entry.title,
        "published": entry.published.isoformat() if entry.published else None,
        "text": entry.text,
        "full": entry.full,
    }


def _record_entries(store: Store, feed: FeedRecord, poll: FeedPoll, now: dt.datetime) -> list[int]:
    """Remember the feed's new entries (at most MAX_NEW_PER_POLL) and queue a job for each."""
    known = store.read(lambda repo: rows.known_keys(repo, feed_id=feed.id, keys=[e.key for e in poll.entries]))
    fresh = [e for e in poll.entries if e.key not in known][:MAX_NEW_PER_POLL]

    def write(repo: Any) -> list[int]:
        queued = []
        for entry in fresh:
            entry_id = rows.remember(
                repo, feed_id=feed.id, team_id=feed.team_id, key=entry.key, link=entry.link, title=entry.title, now=now
            )
            if entry_id is None:
                continue  # another replica remembered it first: it queued the job
            job_id, _ = job_rows.enqueue(
                repo,
                team_id=feed.team_id,
                kind=FEED_ENTRY,
                key=f"feed-entry:{entry_id}",
                payload=_payload(feed, entry_id, entry),
                now=now,
            )
            queued.append(job_id)
        rows.polled(repo, feed.id, now=now, title=poll.title, etag=poll.etag, last_modified=poll.last_modified)
        return queued

    return store.write(write)


def poll_one(*, store: Store, feed: FeedRecord, fetch: FeedFetcher, now: dt.datetime) -> PollReport:
    """Poll one claimed feed: its new entries queued, or the failure counted."""
    try:
        poll = fetch(feed.url, feed.etag, feed.last_modified)
    except IncidentBotError as exc:  # FetchError, NotAFeedError among them
        failures = feed.failures + 1
        pause = failures >= PAUSE_AFTER
        error = str(exc) or type(exc).__name__
        store.write(
            lambda repo: rows.failed(
                repo, feed.id, error=error, next_poll_at=None if pause else now + backoff(feed, failures), pause=pause
            )
        )
        if pause:
            log.warning("feed %s paused after %d failed polls: %s", feed.id, failures, error)
            return PollReport(feed, "paused", [], f"paused after {failures} failed polls in a row: {error}")
        log.info("feed %s: poll failed (%d in a row): %s", feed.id, failures, error)
        return PollReport(feed, "failed", [], f"poll failed ({failures} in a row): {error}")
    if poll.not_modified:
        store.write(
            lambda repo: rows.polled(
                repo, feed.id, now=now, title=None, etag=poll.etag, last_modified=poll.last_modified
            )
        )
        return PollReport(feed, "not_modified", [], "not modified since the last poll")
    queued = _record_entries(store, feed, poll, now)
    if not queued:
        return PollReport(feed, "nothing_new", [], f"no new entries ({len(poll.entries)} in the feed)")
    return PollReport(
        feed, "new_entries", queued, f"{len(queued)} new entries queued ({len(poll.entries)} in the feed)"
    )


def poll_due(
    *,
    store: Store,
    fetch: FeedFetcher,
    now: dt.datetime | None = None,
    feed_ids: Sequence[int] = (),
    limit: int = MAX_FEEDS_PER_PASS,
    threads: int = POLL_THREADS,
    served: Callable[[str], bool] | None = None,
) -> list[PollReport]:
    """Claim and poll the feeds that are due (or ``feed_ids``, due or not), a few at once.
    ``served``: whether the bot serves a workspace now; the feeds of one it does not (uninstalled
    with its data kept) are not read, and resume when it installs again."""
    when = now or dt.datetime.now(dt.UTC)
    claimed = store.write(lambda repo: rows.claim_due(repo, now=when, limit=limit, feed_ids=feed_ids))
    serves = functools.cache(served) if served is not None else (lambda team: True)
    skipped = [
        PollReport(f, "not_served", [], "the bot does not serve this workspace now")
        for f in claimed
        if not serves(f.team_id)
    ]
    due = [f for f in claimed if serves(f.team_id)]
    if threads <= 1 or len(due) <= 1:
        return skipped + [poll_one(store=store, feed=f, fetch=fetch, now=when) for f in due]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="feed-poll") as pool:
        return skipped + list(pool.map(lambda f: poll_one(store=store, feed=f, fetch=fetch, now=when), due))


# ---- reading one entry (the feed_entry job) -------------------------------------------------


@dataclass(frozen=True)
class EntryOutcome:
    outcome: str  # incident, not_incident, filtered, unreadable, feed_removed
    incident_id: int | None = None
    detail: str = ""


def _article(payload: dict[str, Any], read_url: UrlReader) -> Article | None:
    published = dt.date.fromisoformat(payload["published"]) if payload.get("published") else None
    text, link, title = payload.get("text"), payload.get("link"), payload.get("title")
    site = (site_host(link) or None) if link else None
    if text and (payload.get("full") or not link):
        return Article(text=text, title=title, url=link, site=site, published=published)
    if not link:
        return None
    try:
        article = read_url(link)
    except FetchError:
        if not text:
            raise
        # The page cannot be read (gone, paywalled, refused): the entry's own text is all there is.
        return Article(text=text, title=title, url=link, site=site, published=published)
    if article.published is None and published is not None:
        article = article.model_copy(update={"published": published})
    return article


def read_entry(*, store: Store, feed: FeedRecord, payload: dict[str, Any], read_url: UrlReader) -> EntryOutcome:
    """Read, summarize and (when it is an incident of a type the feed keeps) store one entry."""
    try:
        article = _article(payload, read_url)
    except IncidentBotError as exc:
        return EntryOutcome("unreadable", detail=str(exc))
    if article is None:
        return EntryOutcome("unreadable", detail="the entry has neither a link nor article text")
    article = article.model_copy(update={"posted": dt.datetime.now(dt.UTC).date()})
    summary = summarize_article(article)
    if not summary.is_incident:
        return EntryOutcome("not_incident")
    if feed.types and not ({t.value for t in summary.incident_types} | {summary.incident_type.value}) & set(feed.types):
        return EntryOutcome("filtered", detail=f"{summary.incident_type.value} is not followed from this feed")
    floor = None
    if feed.alert_severity:
        floor = (feed.channel_id, SEVERITY_RANK[Severity(feed.alert_severity)])
    stored = incidents.summarize_and_store(
        store=store,
        article=article,
        summary=summary,
        team_id=feed.team_id,
        submitter=f"feed:{feed.id}",
        canonical_url=canonicalize(article.url) if article.url else None,
        channel_id=feed.channel_id,
        conversation_type=feed.conversation_type,
        alert_floor=floor,
    )
    return EntryOutcome("incident", stored.incident.id, stored.reason)


def entry_outcomes(*, store: Store, feed_id: int) -> dict[str, int]:
    return store.read(lambda repo: rows.outcomes(repo, feed_id))


EntryReader = Callable[[FeedRecord, dict[str, Any]], EntryOutcome]


def read_job(
    job: JobRecord,
    *,
    store: Store,
    read: EntryReader,
    channel_kind: Callable[[FeedRecord], ConversationType] | None = None,
) -> tuple[FeedRecord | None, EntryOutcome]:
    """Run one ``feed_entry`` job: the entry read (by ``read``: in a worker process when the bot
    runs) and its outcome recorded. ``channel_kind``: the feed's channel as Slack says it is now;
    a channel that became private takes its feed's incidents with it (storage/privacy.py)."""
    feed = get_feed(store=store, feed_id=int(job.payload["feed_id"]))
    if feed is None or feed.team_id != job.team_id:
        return None, EntryOutcome("feed_removed")
    kind = channel_kind(feed) if channel_kind is not None else feed.conversation_type
    if kind != feed.conversation_type:
        feed_id = feed.id
        store.write(lambda repo: rows.set_conversation_type(repo, feed_id, kind))
        feed = feed.model_copy(update={"conversation_type": kind})
    outcome = read(feed, job.payload)
    entry_id = int(job.payload["entry_id"])
    store.write(lambda repo: rows.entry_done(repo, entry_id, outcome=outcome.outcome, incident_id=outcome.incident_id))
    return feed, outcome


def read_queued(
    *,
    store: Store,
    queue: JobQueue,
    job_ids: Sequence[int],
    read: EntryReader,
    progress: Callable[[dict[str, Any], EntryOutcome], None] | None = None,
) -> list[EntryOutcome]:
    """Run the given entry jobs here and now (the command line's ``feeds poll``): each one this
    process can claim (one a running bot claimed first is left to it)."""
    done: list[EntryOutcome] = []
    for job_id in job_ids:
        job = queue.claim(job_id=job_id)
        if job is None:
            continue
        feed, outcome = read_job(job, store=store, read=read)
        queue.finish(job, outcome.outcome)
        if feed is None:
            continue
        done.append(outcome)
        if progress is not None:
            progress(job.payload, outcome)
    return done
