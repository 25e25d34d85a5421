"""Digest schedules: parsing what people type, slots in the subscriber's zone across DST."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.digest import Schedule, next_slot_after, parse_schedule, period_name, slot_at_or_before
from bot.errors import BadInputError

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
