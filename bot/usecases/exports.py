"""Exporting incidents (bot/exports): the records an audience may see, with people's corrections
applied (the store applies them to every read), as STIX, MISP, CSV or JSON lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.exports import ExportItem, Format, export
from storage import IncidentRecord, Store
from storage.privacy import AudienceView
from storage.records import Audience
from storage.repository import IncidentRepository

# The most incidents one export holds (a file for a platform to import, not a database dump).
MAX_INCIDENTS = 5_000


def item_of(record: IncidentRecord) -> ExportItem:
    links = tuple(dict.fromkeys(u for s in record.sources if (u := s.canonical_url or s.url)))
    return ExportItem(
        incident_id=record.id,
        team_id=record.team_id,
        summary=record.summary,
        first_seen=record.first_seen_at,
        last_seen=record.last_seen_at,
        sources=links,
    )


def chosen(
    *,
    store: Store,
    team_id: str,
    audience: Audience,
    ids: Sequence[int] = (),
    since: dt.date | None = None,
    incident_type: str | None = None,
) -> list[IncidentRecord]:
    """The incidents to export, oldest first: the ones named by id (those the audience may not
    see are left out), else every one seen since ``since`` (of ``incident_type``). One read."""

    def work(repo: IncidentRepository) -> list[IncidentRecord]:
        view = AudienceView(repo, team_id=team_id, audience=audience)
        if not ids:
            recent = view.recent(limit=MAX_INCIDENTS, incident_type=incident_type)
            wanted = [r.id for r in recent if since is None or r.last_seen_at.date() >= since]
            return sorted(view.many(wanted), key=lambda r: (r.first_seen_at, r.id))
        return view.many(ids)

    return store.read(work)


def export_incidents(records: Sequence[IncidentRecord], fmt: Format) -> str:
    return export([item_of(r) for r in records], fmt)
