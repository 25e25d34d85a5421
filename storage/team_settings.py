"""Per-workspace settings people change from Slack (``/incident unfurl on|off``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from storage.models import TeamSetting
from storage.records import TeamSettingsRecord
from storage.repository import IncidentRepository


def get(repo: IncidentRepository, *, team_id: str) -> TeamSettingsRecord:
    """The team's settings; the defaults (everything off) when it never changed one."""
    row = repo.session.scalars(select(TeamSetting).where(TeamSetting.team_id == team_id)).first()
    if row is None:
        return TeamSettingsRecord(team_id=team_id, unfurl_links=False)
    return TeamSettingsRecord(
        team_id=team_id, unfurl_links=row.unfurl_links, updated_by=row.updated_by, updated_at=row.updated_at
    )


def set_unfurl(repo: IncidentRepository, *, team_id: str, on: bool, user_id: str, now: dt.datetime) -> None:
    stmt = (
        repo.insert(TeamSetting)
        .values(team_id=team_id, unfurl_links=on, updated_by=user_id, updated_at=now)
        .on_conflict_do_update(
            index_elements=["team_id"], set_={"unfurl_links": on, "updated_by": user_id, "updated_at": now}
        )
    )
    repo.session.execute(stmt)
