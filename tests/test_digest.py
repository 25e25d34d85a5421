"""Digest schedules: parsing what people type, slots in the subscriber's zone across DST."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bot.domain.digest_schedule
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
from bot.extraction.schema import IncidentType, Severity
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


# --- pinned down by mutation testing (docs/testing.md) --------------------------------------


def test_daily_can_be_asked_for_and_the_last_cadence_word_wins() -> None:
    assert parse_schedule(("daily",), default_zone="UTC") == Schedule("daily", dt.time(9), "UTC")
    assert parse_schedule(("DAILY",), default_zone="UTC").cadence == "daily"
    assert parse_schedule(("weekly", "daily"), default_zone="UTC") == Schedule("daily", dt.time(9), "UTC")
    assert parse_schedule(("daily", "weekly"), default_zone="UTC") == Schedule("weekly", dt.time(9), "UTC", 0)


def test_a_daily_schedule_keeps_no_weekday() -> None:
    # "friday" asks for a weekly digest; a later "daily" overrides it, and a daily one has no day.
    assert parse_schedule(("friday", "daily"), default_zone="UTC") == Schedule("daily", dt.time(9), "UTC", None)


def test_the_not_understood_message_quotes_forty_characters_and_shows_the_form() -> None:
    word = "x" * 50
    with pytest.raises(BadInputError) as info:
        parse_schedule((word,), default_zone="UTC")
    assert str(info.value) == (
        f"I don't understand {'x' * 40!r}: use `/incident digest subscribe [daily|weekly] [HH:MM] "
        "[Area/City]`, e.g. `weekly 08:30 Europe/Paris`"
    )


def test_an_unknown_zone_is_quoted_up_to_sixty_characters() -> None:
    zone = "Nowhere/" + "y" * 80
    with pytest.raises(BadInputError) as info:
        parse_schedule((zone,), default_zone="UTC")
    assert str(info.value) == f"unknown time zone {zone[:60]!r}: use an IANA name such as Europe/London"


def test_utc_is_a_zone_even_where_the_zone_list_lacks_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # ZoneInfo loads "UTC" everywhere; the listed zones are another matter (a system without
    # the zone files), and UTC must still be accepted there.
    monkeypatch.setattr(bot.domain.digest_schedule, "available_timezones", lambda: {"Europe/London"})
    assert parse_schedule(("UTC",), default_zone="Europe/London").timezone == "UTC"
    with pytest.raises(BadInputError, match="IANA"):
        parse_schedule(("Europe/Paris",), default_zone="UTC")


@pytest.fixture
def machine_in_kolkata(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's own zone set to UTC+05:30, so that nothing may lean on it being UTC."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available on this platform")
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("machine_in_kolkata")
def test_slots_are_in_utc_and_counted_in_the_subscribers_day_not_the_machines() -> None:
    # 2026-11-24 16:00 UTC is 01:00 on the 25th in Tokyo (21:30 on the 24th on the machine).
    tokyo = Schedule("daily", dt.time(0, 30), "Asia/Tokyo")
    last = slot_at_or_before(tokyo, dt.datetime(2026, 11, 24, 16, 0, tzinfo=UTC))
    assert last == dt.datetime(2026, 11, 24, 15, 30, tzinfo=UTC)  # 00:30 on the 25th, Tokyo
    assert last.utcoffset() == dt.timedelta(0)
    # 2026-11-25 03:00 UTC is 19:00 on the 24th in Los Angeles (08:30 on the 25th on the machine).
    los_angeles = Schedule("daily", dt.time(20, 0), "America/Los_Angeles")
    nxt = next_slot_after(los_angeles, dt.datetime(2026, 11, 25, 3, 0, tzinfo=UTC))
    assert nxt == dt.datetime(2026, 11, 25, 4, 0, tzinfo=UTC)  # 20:00 on the 24th, Los Angeles
    assert nxt.utcoffset() == dt.timedelta(0)


def test_a_digest_keeps_its_period_and_counts_types_most_common_first() -> None:
    def item(n: int, severity: Severity, kind: IncidentType) -> DigestItem:
        return DigestItem(n, make_summary(title=f"t{n}", severity=severity, incident_type=kind), None)

    start = dt.datetime(2026, 1, 5, 9, tzinfo=UTC)
    end = dt.datetime(2026, 1, 6, 9, tzinfo=UTC)
    items = [
        item(1, Severity.LOW, IncidentType.PHISHING),
        item(2, Severity.MEDIUM, IncidentType.RANSOMWARE),
        item(3, Severity.MEDIUM, IncidentType.RANSOMWARE),
        item(4, Severity.UNKNOWN, IncidentType.RANSOMWARE),
        item(5, Severity.HIGH, IncidentType.PHISHING),
        item(6, Severity.LOW, IncidentType.DDOS),
    ]
    digest = build_digest(period="2026-01-06 09:00 UTC", start=start, end=end, items=items, previous_total=4)
    assert (digest.period, digest.start, digest.end, digest.previous_total) == ("2026-01-06 09:00 UTC", start, end, 4)
    assert digest.total == 6
    assert [i.incident_id for i in digest.items] == [5, 3, 2, 6, 1, 4]
    assert list(digest.by_type.items()) == [("ransomware", 3), ("phishing", 2), ("ddos", 1)]
    # in severity order, not by name: medium before low
    assert list(digest.by_severity.items()) == [("high", 1), ("medium", 2), ("low", 2), ("unknown", 1)]
