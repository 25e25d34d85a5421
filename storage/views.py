"""What one conversation may see of a team's incidents, and the small writes Slack replies make.

A source is visible to a channel when it was ever posted in a public channel or in that channel
itself; an incident is visible when one of its sources is, and it is then summarized from its
visible sources only, so nothing submitted in a private channel or a DM reaches another
conversation. ``channel_id=None`` means "anyone in the team" (the App Home): public sources only.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session, selectinload

from bot.extraction.schema import IncidentSummary
from storage.merge import merge_summaries
from storage.models import DigestSubscription, Incident, Sighting, Source
from storage.records import IncidentRecord, SubscriptionRecord
from storage.repository import IncidentRepository, subscription_record


def visible_sighting(channel_id: str | None) -> ColumnElement[bool]:
    """The condition on a sighting that makes its source visible to ``channel_id``."""
    public = Sighting.is_private.is_(False)
    return public if channel_id is None else or_(public, Sighting.channel_id == channel_id)


class ChannelView:
    """Reads scoped to a team and to what one conversation may see."""

    def __init__(self, repo: IncidentRepository, *, team_id: str, channel_id: str | None) -> None:
        self.repo = repo
        self.session: Session = repo.session
        self.team_id = team_id
        self.channel_id = channel_id
        self._visible = visible_sighting(channel_id)

    def _shown_sources(self, incident_ids: list[int]) -> set[int]:
        if not incident_ids:
            return set()
        stmt = select(Sighting.source_id).where(
            Sighting.team_id == self.team_id, Sighting.incident_id.in_(incident_ids), self._visible
        )
        return set(self.session.scalars(stmt))

    def _records(self, incidents: list[Incident], *, with_sources: bool = False) -> list[IncidentRecord]:
        shown = self._shown_sources([i.id for i in incidents])
        out: list[IncidentRecord] = []
        for incident in incidents:
            visible = [s for s in incident.sources if s.id in shown]
            if not visible:
                continue
            base = self.repo._record(incident, with_sources=with_sources)
            if len(visible) == len(incident.sources):
                out.append(base)
                continue
            merged = merge_summaries([IncidentSummary.model_validate(s.summary_json) for s in visible])
            kept = tuple(s for s in base.sources if s.id in shown)
            out.append(base.model_copy(update={"summary": merged, "source_count": len(visible), "sources": kept}))
        return out

    def _visible_incident_ids(self) -> ColumnElement[bool]:
        ids = select(Sighting.incident_id).where(Sighting.team_id == self.team_id, self._visible)
        return Incident.id.in_(ids)

    def recent(self, *, limit: int = 20) -> list[IncidentRecord]:
        stmt = (
            select(Incident)
            .where(Incident.team_id == self.team_id, self._visible_incident_ids())
            .options(selectinload(Incident.sources))
            .order_by(Incident.last_seen_at.desc(), Incident.id.desc())
            .limit(limit)
        )
        return self._records(list(self.session.scalars(stmt)))

    def search(self, query: str, *, limit: int = 20) -> list[IncidentRecord]:
        # Full-text matching stays in the repository (FTS5 / tsvector); visibility filters after.
        found = self.repo.search(self.team_id, query, limit=limit * 3)
        if not found:
            return []
        by_id = {
            i.id: i
            for i in self.session.scalars(
                select(Incident).where(Incident.id.in_([r.id for r in found])).options(selectinload(Incident.sources))
            )
        }
        return self._records([by_id[r.id] for r in found if r.id in by_id])[:limit]

    def get(self, incident_id: int) -> IncidentRecord | None:
        stmt = (
            select(Incident)
            .where(Incident.team_id == self.team_id, Incident.id == incident_id)
            .options(selectinload(Incident.sources).selectinload(Source.sightings))
        )
        incident = self.session.scalars(stmt).first()
        if incident is None:
            return None
        records = self._records([incident], with_sources=True)
        return records[0] if records else None

    def source_summary(self, incident_id: int, source_id: int) -> IncidentSummary | None:
        """One source's own summary (its exact evidence spans), if this conversation may see it."""
        stmt = select(Source).where(
            Source.team_id == self.team_id, Source.incident_id == incident_id, Source.id == source_id
        )
        source = self.session.scalars(stmt).first()
        if source is None or source.id not in self._shown_sources([incident_id]):
            return None
        return IncidentSummary.model_validate(source.summary_json)


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
