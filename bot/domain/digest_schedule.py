"""Digests, pure: when a subscription's slots fall (in its own time zone, DST included) and what a
digest of a period says. No I/O: the scheduler and the services feed it records and a clock."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.domain import watchlist
from bot.errors import BadInputError
from bot.extraction.schema import IncidentSummary

Cadence = Literal["daily", "weekly"]
DEFAULT_TIME = dt.time(9, 0)
DEFAULT_CADENCE: Cadence = "daily"
DEFAULT_WEEKDAY = 0  # weekly digests go out on Mondays unless told otherwise
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3, "unknown": 4}


@dataclass(frozen=True)
class Schedule:
    cadence: Cadence
    local_time: dt.time
    timezone: str
    weekday: int | None = None  # 0 = Monday; weekly only

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def parse_zone(name: str) -> str:
    """An IANA zone name, or BadInputError naming the expected form."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise BadInputError(f"unknown time zone {name[:60]!r}: use an IANA name such as Europe/London") from exc
    if name not in available_timezones() and name != "UTC":
        raise BadInputError(f"unknown time zone {name[:60]!r}: use an IANA name such as Europe/London")
    return name


def parse_schedule(args: tuple[str, ...], *, default_zone: str) -> Schedule:
    """``[daily|weekly|<weekday>] [HH:MM] [Area/City]`` in any order; defaults daily 09:00 zone."""
    cadence: Cadence = DEFAULT_CADENCE
    weekday: int | None = None
    local_time = DEFAULT_TIME
    zone = default_zone
    for arg in args:
        low = arg.lower()
        if low in ("daily", "weekly"):
            cadence = "daily" if low == "daily" else "weekly"
        elif low in _WEEKDAYS or (low[:3] in [w[:3] for w in _WEEKDAYS] and low.isalpha()):
            cadence, weekday = "weekly", [w[:3] for w in _WEEKDAYS].index(low[:3])
        elif re.fullmatch(r"\d{1,2}:\d{2}", arg):
            h, m = (int(x) for x in arg.split(":"))
            if not (0 <= h < 24 and 0 <= m < 60):
                raise BadInputError(f"{arg} is not a time of day: use HH:MM, 24-hour (e.g. 09:00 or 17:30)")
            local_time = dt.time(h, m)
        elif "/" in arg or arg.upper() == "UTC":
            zone = arg
        else:
            raise BadInputError(
                f"I don't understand {arg[:40]!r}: use `/incident digest subscribe [daily|weekly] [HH:MM] "
                "[Area/City]`, e.g. `weekly 08:30 Europe/Paris`"
            )
    if cadence == "weekly" and weekday is None:
        weekday = DEFAULT_WEEKDAY
    return Schedule(cadence, local_time, parse_zone(zone), weekday if cadence == "weekly" else None)


def _local_slot(day: dt.date, schedule: Schedule) -> dt.datetime:
    """The slot on ``day`` as an aware UTC instant. A wall time skipped by a DST jump (02:30 on a
    spring-forward night) is taken as the instant that wall clock reads after the jump."""
    local = dt.datetime.combine(day, schedule.local_time, tzinfo=schedule.zone)
    as_utc = local.astimezone(dt.UTC)
    return as_utc


def slot_at_or_before(schedule: Schedule, now: dt.datetime) -> dt.datetime:
    """The most recent scheduled slot at or before ``now`` (aware), in UTC."""
    local_day = now.astimezone(schedule.zone).date()
    for back in range(9):
        day = local_day - dt.timedelta(days=back)
        if schedule.cadence == "weekly" and day.weekday() != schedule.weekday:
            continue
        slot = _local_slot(day, schedule)
        if slot <= now:
            return slot
    raise AssertionError("a slot exists within any 8 days")  # unreachable: weekly slots repeat in 7


def next_slot_after(schedule: Schedule, now: dt.datetime) -> dt.datetime:
    """The first scheduled slot strictly after ``now``, in UTC."""
    local_day = now.astimezone(schedule.zone).date()
    for ahead in range(9):
        day = local_day + dt.timedelta(days=ahead)
        if schedule.cadence == "weekly" and day.weekday() != schedule.weekday:
            continue
        slot = _local_slot(day, schedule)
        if slot > now:
            return slot
    raise AssertionError("a slot exists within any 8 days")


def period_name(schedule: Schedule, slot: dt.datetime) -> str:
    """A period is named by the slot it belongs to, in the subscriber's own zone."""
    local = slot.astimezone(schedule.zone)
    return f"{local:%Y-%m-%d %H:%M} {schedule.timezone}"


@dataclass(frozen=True)
class DigestItem:
    incident_id: int
    summary: IncidentSummary
    link: str | None  # permalink of the thread where it was first posted, when known
    first_seen: dt.date | None = None  # first reported (its earliest source's publication or submission)


@dataclass(frozen=True)
class Digest:
    period: str
    start: dt.datetime
    end: dt.datetime
    items: list[DigestItem]
    by_type: dict[str, int]
    by_severity: dict[str, int]
    previous_total: int | None  # incidents in the previous period, for the change
    # The incidents that name something on the channel's watchlist: id -> the terms, as written.
    watched: dict[int, tuple[str, ...]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.items)


def build_digest(
    *,
    period: str,
    start: dt.datetime,
    end: dt.datetime,
    items: list[DigestItem],
    previous_total: int | None,
    watch_terms: Sequence[str] = (),
) -> Digest:
    """Counts by type and severity, incidents most severe first (newest first within a level), and
    which of them name a term of the channel's watchlist."""
    ordered = sorted(items, key=lambda i: (_SEVERITY_ORDER[i.summary.severity.level.value], -i.incident_id))
    return Digest(
        period=period,
        start=start,
        end=end,
        items=ordered,
        by_type=dict(Counter(i.summary.incident_type.value for i in ordered).most_common()),
        by_severity={
            level: n
            for level, n in sorted(
                Counter(i.summary.severity.level.value for i in ordered).items(), key=lambda kv: _SEVERITY_ORDER[kv[0]]
            )
        },
        previous_total=previous_total,
        watched={
            i.incident_id: tuple(h.term for h in hits)
            for i in ordered
            if (hits := watchlist.matches(i.summary, watch_terms))
        },
    )
