"""What an export is made of: one stored incident, as the asking audience may see it."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from bot.extraction.schema import IncidentSummary

# The namespace of every id the exports derive (uuid5): fixed, so the same incident always gets
# the same ids in every file.
NAMESPACE = uuid.UUID("5d1c6c38-1f0e-4b6e-9d1a-2f1f4d2b6a77")


@dataclass(frozen=True)
class ExportItem:
    incident_id: int
    team_id: str
    summary: IncidentSummary  # with people's corrections applied
    first_seen: dt.datetime
    last_seen: dt.datetime
    sources: tuple[str, ...] = ()  # the links the audience may see

    def uid(self, *parts: str) -> str:
        """A stable UUID for something of this incident (its report, a relationship)."""
        return str(uuid.uuid5(NAMESPACE, "/".join((self.team_id, str(self.incident_id), *parts))))


def shared_uid(*parts: str) -> str:
    """A stable UUID for something shared across incidents (a victim, an actor, a CVE): the same
    organisation named in two reports is one object."""
    return str(uuid.uuid5(NAMESPACE, "/".join(p.casefold() for p in parts)))


def utc(value: dt.datetime) -> dt.datetime:
    """A timestamp in UTC to the millisecond (what STIX and MISP keep)."""
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).replace(microsecond=(aware.microsecond // 1000) * 1000)
