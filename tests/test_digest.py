"""Digest schedules: parsing what people type, slots in the subscriber's zone across DST."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.digest_schedule import (
    DigestItem,
    Schedule,
    build_digest,
    next_slot_after,
    parse_schedule,
    period_name,
    slot_at_or_before,
)
from bot.errors import BadInputError
from bot.extraction.schema import Severity
from tests.storage.conftest import make_summary

LONDON = Schedule("daily", dt.time(9, 0), "Europe/London")
UTC = dt.UTC


def test_defaults_are_daily_nine_in_the_given_zone() -> None:
    assert parse_schedule((), default_zone="America/New_York") == Schedule("daily", dt.time(9), "America/New_York")


def test_any_order_and_weekly_on_a_day() -> None:
    assert parse_schedule(("08:30", "Europe/Paris", "weekly"), default_zone="UTC") == Schedule(
        "weekly", dt.time(8, 30), "Europe/Paris", 0
    )
    assert parse_schedule(("friday", "17:00"), default_zone="UTC").weekday == 4


@pytest.mark.parametrize(
    ("args", "expected"),
    [(("25:00",), "HH:MM"), (("Mars/Olympus",), "IANA"), (("tomorrowish",), "daily|weekly"), (("9am",), "HH:MM")],
)
def test_bad_times_and_zones_name_the_expected_form(args: tuple[str, ...], expected: str) -> None:
    with pytest.raises(BadInputError, match=expected):
        parse_schedule(args, default_zone="UTC")


def test_nine_local_on_both_sides_of_the_spring_dst_change() -> None:
    # Europe/London moves to BST on 2026-03-29: 09:00 local is 09:00 UTC before, 08:00 UTC after.
    before = slot_at_or_before(LONDON, dt.datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    after = slot_at_or_before(LONDON, dt.datetime(2026, 3, 30, 12, 0, tzinfo=UTC))
    assert before == dt.datetime(2026, 3, 28, 9, 0, tzinfo=UTC)
    assert after == dt.datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    assert period_name(LONDON, after) == "2026-03-30 09:00 Europe/London"


def test_nine_local_on_both_sides_of_the_autumn_dst_change() -> None:
    # Back to GMT on 2026-10-25.
    assert slot_at_or_before(LONDON, dt.datetime(2026, 10, 24, 23, 0, tzinfo=UTC)).hour == 8
    assert slot_at_or_before(LONDON, dt.datetime(2026, 10, 26, 23, 0, tzinfo=UTC)).hour == 9


def test_consecutive_periods_neither_overlap_nor_leave_gaps_across_dst() -> None:
    now = dt.datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
    slots = [slot_at_or_before(LONDON, now)]
    for _ in range(20):
        slots.append(next_slot_after(LONDON, slots[-1]))
    local_days = [s.astimezone(LONDON.zone).date() for s in slots]
    assert all((b - a).days == 1 for a, b in itertools.pairwise(local_days))
    assert all(s.astimezone(LONDON.zone).time() == dt.time(9) for s in slots)
    hours = {(b - a).total_seconds() / 3600 for a, b in itertools.pairwise(slots)}
    assert hours == {24.0, 23.0}  # the one short day is the DST change; no overlap, no gap


def test_weekly_slots_fall_on_the_chosen_day() -> None:
    sched = Schedule("weekly", dt.time(7, 15), "Asia/Tokyo", 2)  # Wednesdays
    slot = slot_at_or_before(sched, dt.datetime(2026, 11, 24, 0, 0, tzinfo=UTC))
    local = slot.astimezone(sched.zone)
    assert local.weekday() == 2
    assert (local.hour, local.minute) == (7, 15)
    assert next_slot_after(sched, slot) - slot == dt.timedelta(days=7)


@given(
    st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(UTC)),
    st.sampled_from(["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]),
    st.times(),
    st.one_of(st.none(), st.integers(0, 6)),
)
def test_now_lies_between_its_slot_and_the_next(now: dt.datetime, zone: str, at: dt.time, weekday: int | None) -> None:
    sched = Schedule("daily" if weekday is None else "weekly", at.replace(second=0, microsecond=0), zone, weekday)
    last, nxt = slot_at_or_before(sched, now), next_slot_after(sched, now)
    assert last <= now < nxt
    assert next_slot_after(sched, last) == nxt


# --- each rule of the parser and of the digest's order, one case each -----------------------


@pytest.mark.parametrize("time_", ["24:00", "23:60", "99:99"])
def test_times_past_the_day_are_refused(time_: str) -> None:
    with pytest.raises(BadInputError, match="HH:MM"):
        parse_schedule((time_,), default_zone="UTC")


def test_the_last_minute_of_the_day_is_a_time() -> None:
    assert parse_schedule(("23:59",), default_zone="UTC").local_time == dt.time(23, 59)
    assert parse_schedule(("0:00",), default_zone="UTC").local_time == dt.time(0, 0)


@pytest.mark.parametrize(
    ("word", "weekday"),
    [("mon", 0), ("Tue", 1), ("wednesday", 2), ("THURS", 3), ("fri", 4), ("sat", 5), ("Sunday", 6)],
)
def test_weekdays_by_name_or_abbreviation(word: str, weekday: int) -> None:
    s = parse_schedule((word,), default_zone="UTC")
    assert s.cadence == "weekly"
    assert s.weekday == weekday


@pytest.mark.parametrize("word", ["mo", "fr", "fri5", "sun-day"])
def test_too_short_or_not_words_are_not_weekdays(word: str) -> None:
    with pytest.raises(BadInputError, match="daily\\|weekly"):
        parse_schedule((word,), default_zone="UTC")


def test_a_zone_must_be_an_iana_name() -> None:
    assert parse_schedule(("UTC",), default_zone="Europe/London").timezone == "UTC"
    # ("posix/Europe/London" is a file of the system's zone database, not a zone name)
    for bad in ("Europe/Atlantis", "../etc/passwd", "EST5EDT/x", "posix/Europe/London"):
        with pytest.raises(BadInputError, match="IANA"):
            parse_schedule((bad,), default_zone="UTC")


def test_most_severe_first_then_newest() -> None:
    def item(n: int, severity: Severity) -> DigestItem:
        return DigestItem(n, make_summary(title=f"t{n}", severity=severity), None)

    now = dt.datetime(2026, 1, 5, tzinfo=UTC)
    items = [item(1, Severity.LOW), item(2, Severity.HIGH), item(3, Severity.HIGH), item(4, Severity.CRITICAL)]
    digest = build_digest(period="p", start=now, end=now, items=items, previous_total=None)
    assert [i.incident_id for i in digest.items] == [4, 3, 2, 1]
    assert list(digest.by_severity) == ["critical", "high", "low"]
    assert digest.by_severity["high"] == 2
