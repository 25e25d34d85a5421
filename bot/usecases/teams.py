"""A workspace that stops using the bot: its queued work closed and, if the operator chose
(INCIDENT_BOT_UNINSTALL_DATA=purge), everything kept for it deleted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage import Store, teams
from storage.repository import IncidentRepository


@dataclass(frozen=True)
class TeamStopped:
    team_id: str
    jobs_closed: int  # queued work nobody can answer any more
    purged: dict[str, int] | None  # rows deleted by table; None when the data is kept


def stop_serving(*, store: Store, team_id: str, purge: bool, now: dt.datetime) -> TeamStopped:
    """Idempotent: Slack may deliver the event again, and a second run finds nothing left to do."""

    def work(repo: IncidentRepository) -> TeamStopped:
        closed = teams.stop_queued_work(repo, team_id=team_id, now=now)
        purged = teams.purge(repo, team_id=team_id) if purge else None
        return TeamStopped(team_id, closed, purged)

    return store.write(work)
