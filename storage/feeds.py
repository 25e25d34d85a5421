"""Feeds and their entries: the queries feed polling and the feed commands make.

Exactly once across replicas:
- a poll is claimed per interval: ``claim_due`` moves a due feed's ``next_poll_at`` on in one
  conditional UPDATE, which only one replica wins; a replica that dies mid-poll leaves the feed
  to the next interval (its entries are still in the feed then);
- an entry is read once: ``remember`` inserts it unique on (feed, key), and only the insert that
  wins queues the job that reads it (bot/usecases/feeds.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import delete, func, select, update

from storage.models import Feed, FeedItem
from storage.records import FeedRecord
from storage.repository import IncidentRepository


def _record(feed: Feed, entries: int = 0, incidents: int = 0) -> FeedRecord:
    return FeedRecord(
        id=feed.id,
        team_id=feed.team_id,
        channel_id=feed.channel_id,
        conversation_type=cast(Any, feed.conversation_type),
        url=feed.url,
        title=feed.title,
        types=tuple(feed.types or ()),
        alert_severity=feed.alert_severity,
        interval_minutes=feed.interval_minutes,
        etag=feed.etag,
        last_modified=feed.last_modified,
        next_poll_at=feed.next_poll_at,
        last_polled_at=feed.last_polled_at,
        last_ok_at=feed.last_ok_at,
        failures=feed.failures,
        paused=feed.paused,
        last_error=feed.last_error,
        entries=entries,
        incidents=incidents,
    )


def add(
    repo: IncidentRepository,
    *,
    team_id: str,
    channel_id: str,
    conversation_type: str,
    url: str,
    types: Sequence[str],
    alert_severity: str | None,
    interval_minutes: int,
    created_by: str,
    now: dt.datetime,
) -> tuple[FeedRecord, bool]:
    """The channel's feed of ``url`` with these settings; (feed, created). Adding a feed again
    updates its settings and resumes it if it was paused."""
    feed = repo.session.scalars(
        select(Feed).where(Feed.team_id == team_id, Feed.channel_id == channel_id, Feed.url == url)
    ).first()
    created = feed is None
    if feed is None:
        feed = Feed(team_id=team_id, channel_id=channel_id, url=url, created_by=created_by, created_at=now)
        repo.session.add(feed)
    feed.conversation_type = conversation_type
    feed.types, feed.alert_severity, feed.interval_minutes = list(types), alert_severity, interval_minutes
    feed.paused, feed.failures, feed.last_error, feed.next_poll_at = False, 0, None, now
    repo.session.flush()
    return _record(feed), created


def _counts(repo: IncidentRepository, ids: list[int]) -> dict[int, tuple[int, int]]:
    if not ids:
        return {}
    stmt = (
        select(
            FeedItem.feed_id,
            func.count(),
            func.count(FeedItem.incident_id),
        )
        .where(FeedItem.feed_id.in_(ids))
        .group_by(FeedItem.feed_id)
    )
    return {row[0]: (int(row[1]), int(row[2])) for row in repo.session.execute(stmt)}


def listed(repo: IncidentRepository, *, team_id: str | None, channel_id: str | None = None) -> list[FeedRecord]:
    """The feeds of a team (or of every team), of one channel when given, oldest first."""
    stmt = select(Feed).order_by(Feed.id)
    if team_id is not None:
        stmt = stmt.where(Feed.team_id == team_id)
    if channel_id is not None:
        stmt = stmt.where(Feed.channel_id == channel_id)
    feeds = list(repo.session.scalars(stmt))
    counts = _counts(repo, [f.id for f in feeds])
    return [_record(f, *counts.get(f.id, (0, 0))) for f in feeds]


def get(repo: IncidentRepository, feed_id: int) -> FeedRecord | None:
    """One feed and its polling state (without the entry counts ``listed`` adds: every entry's
    job reads its feed, and counting the feed's entries there would grow with the feed)."""
    feed = repo.session.get(Feed, feed_id)
    return None if feed is None else _record(feed)


def remove(repo: IncidentRepository, *, team_id: str, feed_id: int, channel_id: str | None = None) -> bool:
    """Forget a feed and its entries (its incidents stay); False when the team has no such feed
    (in that channel, when given)."""
    where = [Feed.id == feed_id, Feed.team_id == team_id]
    if channel_id is not None:
        where.append(Feed.channel_id == channel_id)
    if repo.session.scalars(select(Feed.id).where(*where)).first() is None:
        return False
    repo.session.execute(delete(FeedItem).where(FeedItem.feed_id == feed_id))
    repo.session.execute(delete(Feed).where(Feed.id == feed_id))
    return True


def due(
    repo: IncidentRepository, *, now: dt.datetime, limit: int, feed_ids: Sequence[int] = ()
) -> list[tuple[int, dt.datetime, int]]:
    """(id, next poll, interval in minutes) of up to ``limit`` active feeds due at ``now`` (or of
    the given ones, due or not), the longest due first."""
    stmt = select(Feed.id, Feed.next_poll_at, Feed.interval_minutes).where(Feed.paused.is_(False))
    if feed_ids:
        stmt = stmt.where(Feed.id.in_(list(feed_ids)))
    else:
        stmt = stmt.where(Feed.next_poll_at <= now)
    rows = repo.session.execute(stmt.order_by(Feed.next_poll_at, Feed.id).limit(limit)).all()
    return [(int(r[0]), r[1], int(r[2])) for r in rows]


def take(
    repo: IncidentRepository, feed_id: int, *, seen_due: dt.datetime, minutes: int, now: dt.datetime
) -> FeedRecord | None:
    """Claim one feed that was read as due at ``seen_due``: its next poll moves ``minutes`` on,
    unless another replica moved it since (then None: that one polls it)."""
    won = repo.session.execute(
        update(Feed)
        .where(Feed.id == feed_id, Feed.next_poll_at == seen_due)  # nobody moved it since it was read
        .values(next_poll_at=now + dt.timedelta(minutes=minutes), last_polled_at=now)
        .returning(Feed.id)
    ).scalar_one_or_none()
    if won is None:
        return None
    feed = repo.session.get_one(Feed, feed_id)
    repo.session.refresh(feed)
    return _record(feed)


def claim_due(
    repo: IncidentRepository, *, now: dt.datetime, limit: int, feed_ids: Sequence[int] = ()
) -> list[FeedRecord]:
    """Claim up to ``limit`` feeds due at ``now`` (or the given ones, due or not): each claimed
    feed's next poll moves a full interval on, so no other replica polls it in this interval."""
    found = due(repo, now=now, limit=limit, feed_ids=feed_ids)
    claimed = [take(repo, feed_id, seen_due=when, minutes=minutes, now=now) for feed_id, when, minutes in found]
    return [c for c in claimed if c is not None]


def polled(
    repo: IncidentRepository,
    feed_id: int,
    *,
    now: dt.datetime,
    title: str | None,
    etag: str | None,
    last_modified: str | None,
) -> None:
    """A poll that worked: the validators for the next one, the failure count back to zero."""
    values: dict[str, Any] = {"failures": 0, "last_error": None, "last_ok_at": now, "etag": etag}
    values["last_modified"] = last_modified
    if title:
        values["title"] = title[:300]
    repo.session.execute(update(Feed).where(Feed.id == feed_id).values(**values))


def failed(
    repo: IncidentRepository, feed_id: int, *, error: str, next_poll_at: dt.datetime | None, pause: bool
) -> None:
    """A poll that failed: counted, the next poll backed off (``next_poll_at``), or paused."""
    values: dict[str, Any] = {"failures": Feed.failures + 1, "last_error": error[:300], "paused": pause}
    if next_poll_at is not None:
        values["next_poll_at"] = next_poll_at
    repo.session.execute(update(Feed).where(Feed.id == feed_id).values(**values))


def set_conversation_type(repo: IncidentRepository, feed_id: int, conversation_type: str) -> None:
    repo.session.execute(update(Feed).where(Feed.id == feed_id).values(conversation_type=conversation_type))


def remember(
    repo: IncidentRepository,
    *,
    feed_id: int,
    team_id: str,
    key: str,
    link: str | None,
    title: str | None,
    now: dt.datetime,
) -> int | None:
    """The new entry's row id, or None when the feed's entry was seen before (by anyone)."""
    stmt = (
        repo.insert(FeedItem)
        .values(
            feed_id=feed_id,
            team_id=team_id,
            key=key,
            link=link[:2000] if link else None,
            title=title[:500] if title else None,
            seen_at=now,
            outcome="queued",
        )
        .on_conflict_do_nothing(index_elements=["feed_id", "key"])
        .returning(FeedItem.id)
    )
    new_id = repo.session.execute(stmt).scalar_one_or_none()
    return None if new_id is None else int(new_id)


def known_keys(repo: IncidentRepository, *, feed_id: int, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` the feed has seen before."""
    if not keys:
        return set()
    stmt = select(FeedItem.key).where(FeedItem.feed_id == feed_id, FeedItem.key.in_(list(keys)))
    return set(repo.session.scalars(stmt))


def entry_done(repo: IncidentRepository, entry_id: int, *, outcome: str, incident_id: int | None) -> None:
    repo.session.execute(
        update(FeedItem).where(FeedItem.id == entry_id).values(outcome=outcome[:32], incident_id=incident_id)
    )


def outcomes(repo: IncidentRepository, feed_id: int) -> dict[str, int]:
    """How the feed's entries ended: outcome -> count."""
    stmt = select(FeedItem.outcome, func.count()).where(FeedItem.feed_id == feed_id).group_by(FeedItem.outcome)
    return {str(o): int(n) for o, n in repo.session.execute(stmt)}
