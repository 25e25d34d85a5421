"""Watchlists: the names each channel watches (bot/domain/watchlist.py says how they match)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import delete, select

from bot.domain.watchlist import MAX_TERMS, WatchlistError, normalize_term
from storage.models import WatchTerm
from storage.records import WatchTermRecord
from storage.repository import IncidentRepository


def _record(row: WatchTerm) -> WatchTermRecord:
    return WatchTermRecord(id=row.id, team_id=row.team_id, channel_id=row.channel_id, term=row.term)


def add(
    repo: IncidentRepository, *, team_id: str, channel_id: str, terms: Sequence[str], user_id: str, now: dt.datetime
) -> tuple[list[str], list[str]]:
    """Add terms to the channel's watchlist: (added, already there). WatchlistError past MAX_TERMS."""
    existing = {
        row.norm: row.term
        for row in repo.session.scalars(
            select(WatchTerm).where(WatchTerm.team_id == team_id, WatchTerm.channel_id == channel_id)
        )
    }
    added: list[str] = []
    known: list[str] = []
    for term in terms:
        norm = normalize_term(term)
        if norm in existing:
            known.append(existing[norm])
            continue
        existing[norm] = term
        added.append(term)
        repo.session.add(
            WatchTerm(
                team_id=team_id, channel_id=channel_id, term=term, norm=norm[:200], created_by=user_id, created_at=now
            )
        )
    if len(existing) > MAX_TERMS:
        raise WatchlistError(f"a channel can watch at most {MAX_TERMS} names; remove some first")
    repo.session.flush()
    return added, known


def remove(repo: IncidentRepository, *, team_id: str, channel_id: str, terms: Sequence[str] | None) -> list[str]:
    """Remove terms (every term when ``terms`` is None); the terms removed, as they were written."""
    where = [WatchTerm.team_id == team_id, WatchTerm.channel_id == channel_id]
    if terms is not None:
        where.append(WatchTerm.norm.in_([normalize_term(t) for t in terms]))
    gone = list(repo.session.scalars(select(WatchTerm.term).where(*where).order_by(WatchTerm.id)))
    repo.session.execute(delete(WatchTerm).where(*where))
    return gone


def listed(repo: IncidentRepository, *, team_id: str, channel_id: str) -> list[WatchTermRecord]:
    stmt = (
        select(WatchTerm).where(WatchTerm.team_id == team_id, WatchTerm.channel_id == channel_id).order_by(WatchTerm.id)
    )
    return [_record(r) for r in repo.session.scalars(stmt)]


def by_channel(repo: IncidentRepository, *, team_id: str) -> dict[str, list[str]]:
    """Every channel of the team that watches something, with its terms."""
    found: dict[str, list[str]] = defaultdict(list)
    stmt = select(WatchTerm.channel_id, WatchTerm.term).where(WatchTerm.team_id == team_id).order_by(WatchTerm.id)
    for channel_id, term in repo.session.execute(stmt):
        found[channel_id].append(term)
    return dict(found)
