"""Exporting incidents (bot/exports): the records an audience may see, with people's corrections
applied (the store applies them to every read), as STIX, MISP, CSV or JSON lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.exports import ExportItem, Format, export
from bot.usecases import incidents
from storage import IncidentRecord, Store
from storage.records import Audience

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
    see are left out), else every one seen since ``since`` (of ``incident_type``)."""
    if ids:
        found = [incidents.get_incident(store=store, team_id=team_id, incident_id=i, audience=audience) for i in ids]
        return [r for r in found if r is not None]
    recent = incidents.list_incidents(
        store=store, team_id=team_id, audience=audience, limit=MAX_INCIDENTS, incident_type=incident_type
    )
    if since is not None:
        recent = [r for r in recent if r.last_seen_at.date() >= since]
    full = [incidents.get_incident(store=store, team_id=team_id, incident_id=r.id, audience=audience) for r in recent]
    return sorted((r for r in full if r is not None), key=lambda r: (r.first_seen_at, r.id))


def export_incidents(records: Sequence[IncidentRecord], fmt: Format) -> str:
    return export([item_of(r) for r in records], fmt)
