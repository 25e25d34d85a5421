"""The small reads and writes Slack replies make: the message that carried a card, a team's
digest subscriptions, the thread links of a digest. What an audience may see of incidents is
decided in storage/privacy.py."""

from __future__ import annotations

from sqlalchemy import select, update

from storage.digest_runs import subscription_record
from storage.models import DigestSubscription, Sighting, Source
from storage.records import SubscriptionRecord
from storage.repository import IncidentRepository


def record_message(repo: IncidentRepository, *, team_id: str, source_id: int, channel_id: str, message_ts: str) -> int:
    """Remember the message that carried a source's card in a channel (for "first reported" links)
    when the submission itself had none (a slash command has no message of its own)."""
    stmt = (
        update(Sighting)
        .where(
            Sighting.team_id == team_id,
            Sighting.source_id == source_id,
            Sighting.channel_id == channel_id,
            Sighting.message_ts.is_(None),
        )
        .values(message_ts=message_ts)
    )
    changed = repo.session.execute(stmt).rowcount or 0  # type: ignore[attr-defined]
    src = repo.session.get(Source, source_id)
    if src is not None and src.team_id == team_id and src.channel_id == channel_id and src.message_ts is None:
        src.message_ts = message_ts
    return int(changed)


def subscriptions(repo: IncidentRepository, *, team_id: str) -> list[SubscriptionRecord]:
    stmt = (
        select(DigestSubscription).where(DigestSubscription.team_id == team_id).order_by(DigestSubscription.channel_id)
    )
    return [subscription_record(s) for s in repo.session.scalars(stmt)]


def first_threads(
    repo: IncidentRepository, *, team_id: str, channel_id: str, incident_ids: list[int]
) -> dict[int, str]:
    """For each incident, the message that first carried it in this channel (one query)."""
    if not incident_ids:
        return {}
    stmt = (
        select(Sighting.incident_id, Sighting.message_ts)
        .where(
            Sighting.team_id == team_id,
            Sighting.channel_id == channel_id,
            Sighting.incident_id.in_(incident_ids),
            Sighting.message_ts.is_not(None),
        )
        .order_by(Sighting.seen_at.desc())
    )
    # Newest first, so the earliest sighting of each incident is the one left in the dict.
    return {incident_id: str(ts) for incident_id, ts in repo.session.execute(stmt)}
