"""Digest subscriptions and runs: the queries the digest scheduler and commands make.

Exactly once: a run row, unique on (subscription, period_start), is inserted before posting; only
the worker whose insert wins posts. The holder renews the claim while it builds and posts (however
long Slack takes), so a claim is taken over — by an UPDATE only one worker can win — only once its
holder stopped renewing it: the process died. A crash before the post delays a digest but never
loses it; a crash in the moment between Slack accepting the post and the run being marked posted
is the one way it can be posted twice (docs/durability.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from storage.models import DigestRun, DigestSubscription
from storage.records import SubscriptionRecord
from storage.repository import IncidentRepository


def subscription_record(s: DigestSubscription) -> SubscriptionRecord:
    """The plain record of a subscription row (what callers outside storage get)."""
    return SubscriptionRecord(
        id=s.id,
        team_id=s.team_id,
        channel_id=s.channel_id,
        local_time=s.local_time,
        timezone=s.timezone,
        cadence=s.cadence,
        weekday=s.weekday,
        filters=s.filters,
        active=s.active,
    )


def subscribe(
    repo: IncidentRepository,
    *,
    team_id: str,
    channel_id: str,
    local_time: dt.time,
    timezone: str,
    cadence: str,
    created_by: str,
    weekday: int | None = None,
    filters: dict[str, Any] | None = None,
) -> SubscriptionRecord:
    """Create or replace the channel's digest subscription."""
    stmt = select(DigestSubscription).where(
        DigestSubscription.team_id == team_id, DigestSubscription.channel_id == channel_id
    )
    sub = repo.session.scalars(stmt).first()
    if sub is None:
        sub = DigestSubscription(team_id=team_id, channel_id=channel_id, created_by=created_by)
        repo.session.add(sub)
    sub.local_time, sub.timezone, sub.cadence = local_time, timezone, cadence
    sub.weekday, sub.filters, sub.active = weekday, dict(filters or {}), True
    repo.session.flush()
    return subscription_record(sub)


def mark_posted(repo: IncidentRepository, run_id: int, *, message_ts: str, incident_count: int) -> None:
    run = repo.session.get_one(DigestRun, run_id)
    run.status, run.message_ts, run.incident_count = "posted", message_ts, incident_count
    run.posted_at = dt.datetime.now(dt.UTC)


def release(repo: IncidentRepository, run_id: int) -> None:
    """Give a claimed period back (posting failed) so that it can be claimed again."""
    repo.session.execute(delete(DigestRun).where(DigestRun.id == run_id, DigestRun.status == "claimed"))


@dataclass(frozen=True)
class PostedRun:
    period_start: dt.datetime
    period_end: dt.datetime
    incident_count: int
    message_ts: str | None


def subscription_created_at(repo: IncidentRepository, subscription_id: int) -> dt.datetime:
    return repo.session.get_one(DigestSubscription, subscription_id).created_at


def find(repo: IncidentRepository, *, team_id: str | None, channel_id: str) -> list[SubscriptionRecord]:
    """The subscription of a channel (in one team, or in any team when ``team_id`` is None)."""
    stmt = select(DigestSubscription).where(DigestSubscription.channel_id == channel_id)
    if team_id is not None:
        stmt = stmt.where(DigestSubscription.team_id == team_id)
    return [subscription_record(s) for s in repo.session.scalars(stmt.order_by(DigestSubscription.id))]


def active(repo: IncidentRepository) -> list[SubscriptionRecord]:
    """Every active subscription of every team: what the scheduler serves."""
    stmt = select(DigestSubscription).where(DigestSubscription.active.is_(True)).order_by(DigestSubscription.id)
    return [subscription_record(s) for s in repo.session.scalars(stmt)]


def unsubscribe(repo: IncidentRepository, *, team_id: str, channel_id: str) -> bool:
    stmt = delete(DigestSubscription).where(
        DigestSubscription.team_id == team_id, DigestSubscription.channel_id == channel_id
    )
    return bool(repo.session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def set_active(repo: IncidentRepository, subscription_id: int, *, active: bool) -> None:
    stmt = update(DigestSubscription).where(DigestSubscription.id == subscription_id).values(active=active)
    repo.session.execute(stmt)


def last_posted(repo: IncidentRepository, subscription_id: int) -> PostedRun | None:
    stmt = (
        select(DigestRun)
        .where(DigestRun.subscription_id == subscription_id, DigestRun.status == "posted")
        .order_by(DigestRun.period_end.desc())
        .limit(1)
    )
    run = repo.session.scalars(stmt).first()
    if run is None:
        return None
    return PostedRun(run.period_start, run.period_end, run.incident_count or 0, run.message_ts)


def claim(
    repo: IncidentRepository,
    subscription_id: int,
    *,
    period_start: dt.datetime,
    period_end: dt.datetime,
    now: dt.datetime,
    expire_after: dt.timedelta,
) -> int | None:
    """The run id this worker may post, or None when another worker has (or had) this period."""
    run = DigestRun(subscription_id=subscription_id, period_start=period_start, period_end=period_end, claimed_at=now)
    try:
        with repo.session.begin_nested():  # a savepoint: a lost race leaves the session usable
            repo.session.add(run)
            repo.session.flush()
        return run.id
    except IntegrityError:
        pass
    # Someone holds this period. Take it over only if their claim expired without a post.
    stmt = (
        update(DigestRun)
        .where(
            DigestRun.subscription_id == subscription_id,
            DigestRun.period_start == period_start,
            DigestRun.status == "claimed",
            DigestRun.claimed_at < now - expire_after,
        )
        .values(claimed_at=now, period_end=period_end)
        .returning(DigestRun.id)
    )
    return repo.session.execute(stmt).scalar_one_or_none()


def subscription(repo: IncidentRepository, subscription_id: int) -> SubscriptionRecord | None:
    s = repo.session.get(DigestSubscription, subscription_id)
    return None if s is None else subscription_record(s)


def renew(repo: IncidentRepository, run_id: int, *, now: dt.datetime) -> bool:
    """Keep a claim fresh while its holder works on it (posting can take as long as Slack does)."""
    stmt = update(DigestRun).where(DigestRun.id == run_id, DigestRun.status == "claimed").values(claimed_at=now)
    return bool(repo.session.execute(stmt).rowcount)  # type: ignore[attr-defined]
