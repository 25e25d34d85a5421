"""A workspace as a whole: stopping its queued work, and purging everything kept for it.

Used when a workspace uninstalls the app (bot/usecases/teams.py). Every table that holds a
workspace's data is listed here, children before parents, so the purge never relies on the
database cascading (SQLite enforces foreign keys only when asked); a test checks that each table
with a ``team_id`` column is on the list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import CursorResult, Executable, delete, select, text, update

from storage.models import (
    Alert,
    Correction,
    DigestRun,
    DigestSubscription,
    Feed,
    Feedback,
    FeedItem,
    Incident,
    IncidentKey,
    Job,
    JobReply,
    Sighting,
    SlackEvent,
    Source,
    SourceAnchor,
    TeamSetting,
    WatchTerm,
)
from storage.repository import IncidentRepository

# Outcome of a queued job its workspace uninstalled before it ran.
UNINSTALLED = "team_uninstalled"

# The tables with a team_id column, children first.
TEAM_TABLES = (
    Alert,
    FeedItem,
    Feed,
    WatchTerm,
    Feedback,
    Correction,
    Sighting,
    SourceAnchor,
    Source,
    IncidentKey,
    Incident,
    SlackEvent,
    Job,
    DigestSubscription,
    TeamSetting,
)


def stop_queued_work(repo: IncidentRepository, *, team_id: str, now: dt.datetime) -> int:
    """Close the workspace's jobs that have not started (nothing could answer them now); a job
    that is running finishes or fails on its own. How many were closed."""
    stmt = (
        update(Job)
        .where(Job.team_id == team_id, Job.state == "queued")
        .values(state="done", finished_at=now, outcome=UNINSTALLED)
    )
    return _rows(repo, stmt)


def purge(repo: IncidentRepository, *, team_id: str) -> dict[str, int]:
    """Delete everything kept for the workspace; the rows deleted, by table."""
    counts: dict[str, int] = {}
    jobs = select(Job.id).where(Job.team_id == team_id)
    counts[JobReply.__tablename__] = _rows(repo, delete(JobReply).where(JobReply.job_id.in_(jobs)))
    subscriptions = select(DigestSubscription.id).where(DigestSubscription.team_id == team_id)
    counts[DigestRun.__tablename__] = _rows(repo, delete(DigestRun).where(DigestRun.subscription_id.in_(subscriptions)))
    if repo.session.get_bind().dialect.name == "sqlite":
        # The full-text index of the articles' text (PostgreSQL keeps it in the sources rows).
        repo.session.execute(text("DELETE FROM source_search WHERE team_id = :team"), {"team": team_id})
    for table in TEAM_TABLES:
        counts[str(table.__tablename__)] = _rows(repo, delete(table).where(table.team_id == team_id))
    return counts


def _rows(repo: IncidentRepository, stmt: Executable) -> int:
    return int(cast(CursorResult[Any], repo.session.execute(stmt)).rowcount or 0)
