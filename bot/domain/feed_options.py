"""What ``/incident feed add URL [type…] [alert:LEVEL] [every:MINUTES]`` asks for. Pure.

- incident types (``ransomware``, ``data_breach`` or ``data-breach``, …): only incidents of these
  types are kept from the feed (default: every type);
- ``alert:LEVEL`` (low, medium, high or critical): every incident from the feed at or above that
  severity is posted to the channel as an alert card;
- ``every:MINUTES`` (or ``every:2h``): how often the feed is read, from 5 minutes to a day
  (default 15 minutes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import BadInputError
from bot.extraction.schema import IncidentType, Severity

DEFAULT_INTERVAL_MINUTES = 15
MIN_INTERVAL_MINUTES = 5
MAX_INTERVAL_MINUTES = 24 * 60
ALERT_LEVELS = ("low", "medium", "high", "critical")
_EVERY = re.compile(r"(\d{1,5})\s*(m|min|minutes?|h|hours?)?", re.IGNORECASE)
TYPES = tuple(t.value for t in IncidentType if t is not IncidentType.OTHER)


@dataclass(frozen=True)
class FeedOptions:
    types: tuple[str, ...] = ()
    alert_severity: Severity | None = None
    interval_minutes: int = DEFAULT_INTERVAL_MINUTES


def _interval(value: str) -> int:
    match = _EVERY.fullmatch(value.strip())
    if match is None:
        raise BadInputError(f"every: takes minutes (every:30) or hours (every:2h), not {value[:40]!r}")
    n = int(match.group(1)) * (60 if (match.group(2) or "m").lower().startswith("h") else 1)
    if not MIN_INTERVAL_MINUTES <= n <= MAX_INTERVAL_MINUTES:
        raise BadInputError(
            f"a feed is read every {MIN_INTERVAL_MINUTES} minutes at the most often and once a day at the least"
        )
    return n


def parse_options(words: list[str]) -> FeedOptions:
    """The options after the feed's address; BadInputError naming what is not understood."""
    types: list[str] = []
    alert: Severity | None = None
    interval = DEFAULT_INTERVAL_MINUTES
    for word in words:
        low = word.lower()
        if low.startswith("alert:"):
            level = low.removeprefix("alert:")
            if level not in ALERT_LEVELS:
                raise BadInputError(f"alert: takes {', '.join(ALERT_LEVELS)}, not {level[:20]!r}")
            alert = Severity(level)
        elif low.startswith("every:"):
            interval = _interval(low.removeprefix("every:"))
        elif low.replace("-", "_") in TYPES:
            types.append(low.replace("-", "_"))
        else:
            raise BadInputError(
                f"I don't know the feed option {word[:40]!r}: give incident types ({', '.join(TYPES[:4])}, …), "
                "alert:LEVEL or every:MINUTES"
            )
    return FeedOptions(tuple(dict.fromkeys(types)), alert, interval)


def describe(types: tuple[str, ...], alert_severity: str | None, interval_minutes: int) -> str:
    """The options as a person would read them: "ransomware only · alerts at high and above · every 15 min"."""
    every = f"every {interval_minutes // 60} h" if interval_minutes % 60 == 0 else f"every {interval_minutes} min"
    parts = [", ".join(t.replace("_", " ") for t in types) + " only"] if types else []
    if alert_severity:
        parts.append(f"alerts at {alert_severity} and above")
    parts.append(every)
    return " · ".join(parts)
