"""``/incident feed add``'s options, and how a feed's options read back."""

from __future__ import annotations

import pytest

from bot.domain.feed_options import FeedOptions, describe, parse_options
from bot.errors import BadInputError
from bot.extraction.schema import Severity


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ([], FeedOptions((), None, 15)),
        (["ransomware", "Data-Breach", "ransomware"], FeedOptions(("ransomware", "data_breach"), None, 15)),
        (["ALERT:High"], FeedOptions((), Severity.HIGH, 15)),
        (["alert:low"], FeedOptions((), Severity.LOW, 15)),
        (["every:5"], FeedOptions((), None, 5)),
        (["every:1440"], FeedOptions((), None, 1440)),
        (["every:30m"], FeedOptions((), None, 30)),
        (["every:45min"], FeedOptions((), None, 45)),
        (["every:2h"], FeedOptions((), None, 120)),
        (["every:24hours"], FeedOptions((), None, 1440)),
        (["phishing", "alert:critical", "every:1h"], FeedOptions(("phishing",), Severity.CRITICAL, 60)),
    ],
)
def test_options(words: list[str], expected: FeedOptions) -> None:
    assert parse_options(words) == expected


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["every:4"], "a feed is read every 5 minutes at the most often and once a day at the least"),
        (["every:1441"], "a feed is read every 5 minutes at the most often and once a day at the least"),
        (["every:25h"], "a feed is read every 5 minutes at the most often and once a day at the least"),
        (["every:soon"], "every: takes minutes (every:30) or hours (every:2h), not 'soon'"),
        (["every:"], "every: takes minutes (every:30) or hours (every:2h), not ''"),
        (["alert:urgent"], "alert: takes low, medium, high, critical, not 'urgent'"),
        (["alert:unknown"], "alert: takes low, medium, high, critical, not 'unknown'"),
        (
            ["other"],
            "I don't know the feed option 'other': give incident types (data_breach, ransomware, phishing, "
            "account_compromise, …), alert:LEVEL or every:MINUTES",
        ),
    ],
)
def test_bad_options_say_what_is_wrong(words: list[str], message: str) -> None:
    with pytest.raises(BadInputError) as info:
        parse_options(words)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("types", "alert", "minutes", "shown"),
    [
        ((), None, 15, "every 15 min"),
        ((), None, 120, "every 2 h"),
        ((), None, 90, "every 90 min"),
        (
            ("data_breach", "ransomware"),
            "high",
            60,
            "data breach, ransomware only · alerts at high and above · every 1 h",
        ),
    ],
)
def test_describe(types: tuple[str, ...], alert: str | None, minutes: int, shown: str) -> None:
    assert describe(types, alert, minutes) == shown
