"""Alerts owed to channels, and their exactly-once claims (the digest runs' pattern).

- ``owe`` records that a channel should get an alert card about an incident: one row per
  (channel, incident). A later merge owes it again only if the incident's severity rose past the
  rank the channel was alerted at.
- ``claim`` hands each owed alert to one poster: a conditional UPDATE from pending to claimed,
  which one replica wins. A claim whose holder died (not posted after ``expire_after``) is taken
  over. ``posted``, ``release`` and ``drop`` end a claim.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import CursorResult, and_, func, or_, select, update

from bot.domain import watchlist
from bot.domain.merge import SEVERITY_RANK
from bot.extraction.schema import IncidentSummary
from storage import watchlists
from storage.models import Alert
from storage.records import AlertRecord
from storage.repository import IncidentRepository


def _rows(repo: IncidentRepository, stmt: Any) -> int:
    return int(cast(CursorResult[Any], repo.session.execute(stmt)).rowcount or 0)


def owe(
    repo: IncidentRepository,
    *,
    team_id: str,
    channel_id: str,
    incident_id: int,
    severity_rank: int,
    reason: str,
    now: dt.datetime,
) -> bool:
    """Owe the channel an alert about the incident; False when it was alerted (or is owed one)
    at this severity or higher already."""
    inserted = repo.session.execute(
        repo.insert(Alert)
        .values(
            team_id=team_id,
            channel_id=channel_id,
            incident_id=incident_id,
            severity_rank=severity_rank,
            reason=reason[:300],
            status="pending",
            created_at=now,
            posts=0,
        )
        .on_conflict_do_nothing(index_elements=["team_id", "channel_id", "incident_id"])
        .returning(Alert.id)
    ).scalar_one_or_none()
    if inserted is not None:
        return True
    raised = (
        update(Alert)
        .where(
            Alert.team_id == team_id,
            Alert.channel_id == channel_id,
            Alert.incident_id == incident_id,
            Alert.severity_rank < severity_rank,
            Alert.status != "claimed",  # being posted now: the poster reads the incident as it is then
        )
        .values(status="pending", severity_rank=severity_rank, reason=reason[:300])
    )
    return _rows(repo, raised) > 0


def _claimable(now: dt.datetime, expire_after: dt.timedelta) -> Any:
    return or_(Alert.status == "pending", and_(Alert.status == "claimed", Alert.claimed_at < now - expire_after))


def claim(repo: IncidentRepository, *, now: dt.datetime, expire_after: dt.timedelta, limit: int) -> list[AlertRecord]:
    """Up to ``limit`` owed alerts, each now claimed by this caller alone."""
    ids = list(
        repo.session.scalars(select(Alert.id).where(_claimable(now, expire_after)).order_by(Alert.id).limit(limit))
    )
    won: list[AlertRecord] = []
    for alert_id in ids:
        row = repo.session.execute(
            update(Alert)
            .where(Alert.id == alert_id, _claimable(now, expire_after))
            .values(status="claimed", claimed_at=now)
            .returning(
                Alert.id,
                Alert.team_id,
                Alert.channel_id,
                Alert.incident_id,
                Alert.severity_rank,
                Alert.reason,
                Alert.posts,
            )
        ).first()
        if row is not None:
            won.append(
                AlertRecord(
                    id=row.id,
                    team_id=row.team_id,
                    channel_id=row.channel_id,
                    incident_id=row.incident_id,
                    severity_rank=row.severity_rank,
                    reason=row.reason,
                    posts=row.posts,
                )
            )
    return won


def posted(repo: IncidentRepository, alert_id: int, *, message_ts: str, now: dt.datetime) -> None:
    repo.session.execute(
        update(Alert)
        .where(Alert.id == alert_id, Alert.status == "claimed")
        .values(status="posted", message_ts=message_ts, posted_at=now, posts=Alert.posts + 1)
    )


def renew(repo: IncidentRepository, alert_ids: list[int], *, now: dt.datetime) -> None:
    """Keep claims fresh while their holder posts (another replica takes a claim over only once
    its holder stopped renewing it)."""
    repo.session.execute(update(Alert).where(Alert.id.in_(alert_ids), Alert.status == "claimed").values(claimed_at=now))


def posted_since(repo: IncidentRepository, *, team_id: str, channel_id: str, since: dt.datetime) -> int:
    """How many alert messages the channel got since ``since`` (alerts folded into one count once)."""
    stmt = select(func.count(func.distinct(Alert.message_ts))).where(
        Alert.team_id == team_id, Alert.channel_id == channel_id, Alert.posted_at >= since
    )
    return int(repo.session.scalar(stmt) or 0)


def release(repo: IncidentRepository, alert_id: int) -> None:
    """Give a claimed alert back (posting failed; a later pass tries again)."""
    repo.session.execute(update(Alert).where(Alert.id == alert_id, Alert.status == "claimed").values(status="pending"))


def drop(repo: IncidentRepository, alert_id: int) -> None:
    """The alert is no longer owed (the channel may not see the incident, or it no longer matches)."""
    repo.session.execute(update(Alert).where(Alert.id == alert_id, Alert.status == "claimed").values(status="dropped"))


def counts(repo: IncidentRepository, *, team_id: str | None = None) -> dict[str, int]:
    stmt = select(Alert.status, func.count()).group_by(Alert.status)
    if team_id is not None:
        stmt = stmt.where(Alert.team_id == team_id)
    return {str(s): int(n) for s, n in repo.session.execute(stmt)}


WATCH_REASON = "watchlist"
FEED_REASON = "feed"


def raise_for(
    repo: IncidentRepository,
    *,
    team_id: str,
    incident_id: int,
    summary: IncidentSummary,
    feed_floor: tuple[str, int] | None,
    now: dt.datetime,
) -> int:
    """Owe alerts about a just-stored incident: to every channel of the team whose watchlist it
    names, and to ``feed_floor``'s channel when its severity reaches that rank (a feed added with
    ``alert:LEVEL``). In the storing transaction, so an incident is never stored without the
    alerts it owes. Whether each channel may see the incident is decided when the alert is posted
    (storage/privacy.py), not here. The number of alerts owed (new or raised)."""
    if not summary.is_incident:
        return 0
    rank = SEVERITY_RANK[summary.severity.level]
    owed = 0
    for channel_id, terms in watchlists.by_channel(repo, team_id=team_id).items():
        hits = watchlist.matches(summary, terms)
        if hits:
            owed += owe(
                repo,
                team_id=team_id,
                channel_id=channel_id,
                incident_id=incident_id,
                severity_rank=rank,
                reason=WATCH_REASON,
                now=now,
            )
    if feed_floor is not None and rank >= feed_floor[1]:
        owed += owe(
            repo,
            team_id=team_id,
            channel_id=feed_floor[0],
            incident_id=incident_id,
            severity_rank=rank,
            reason=FEED_REASON,
            now=now,
        )
    return owed
