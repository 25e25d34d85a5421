"""Slack deliveries already acted on (one row per team and Slack id), pruned by received_at.

Commands, shortcuts, button clicks and view submissions are claimed here by their Slack ids, so
a signed request delivered twice takes effect once (mentions are claimed by their job instead:
storage/jobs.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import CursorResult, delete

from storage.models import SlackEvent
from storage.repository import IncidentRepository


def claim(repo: IncidentRepository, team_id: str, event_id: str, *, received_at: dt.datetime) -> bool:
    """Record a Slack delivery as handled: True for the first claim, False when it was claimed before.

    ``INSERT ... ON CONFLICT DO NOTHING`` on the unique (team_id, event_id): the conflict is
    decided by the database, so two processes claiming at once get one True between them
    (PostgreSQL makes the second insert wait for the first transaction, then skip; SQLite's
    writers are serialized by BEGIN IMMEDIATE). No exception, so the transaction stays usable.
    """
    stmt = (
        repo.insert(SlackEvent)
        .values(team_id=team_id, event_id=event_id, received_at=received_at)
        .on_conflict_do_nothing(index_elements=["team_id", "event_id"])
        # RETURNING rather than rowcount: an ORM insert on psycopg reports rowcount -1.
        .returning(SlackEvent.id)
    )
    return repo.session.execute(stmt).scalar_one_or_none() is not None


def prune(repo: IncidentRepository, *, older_than: dt.datetime) -> int:
    """Forget deliveries received before ``older_than`` (all teams); the number of rows deleted."""
    stmt = delete(SlackEvent).where(SlackEvent.received_at < older_than)
    return cast(CursorResult[Any], repo.session.execute(stmt)).rowcount
