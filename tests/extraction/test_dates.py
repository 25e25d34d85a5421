"""Dates: candidates, ISO values against the published date, incident cues."""

from __future__ import annotations

import datetime as dt

from bot.extraction.dates import extract_dates
from bot.extraction.mentions import Context
from bot.extraction.text import Doc

PUB = dt.date(2018, 3, 14)  # a Wednesday


def _dates(text: str, published: dt.date | None = PUB) -> dict[str, object]:
    return {m.text: m.value for m in extract_dates(Context(doc=Doc(text=text), published=published))}


def test_calendar_dates_with_and_without_year() -> None:
    got = _dates("The breach was discovered on March 1, 2018 and disclosed on February 27.")
    assert got["March 1, 2018"] == "2018-03-01"
    assert got["February 27"] == "2018-02-27"


def test_month_without_day_infers_previous_year_when_later_than_publication() -> None:
    assert _dates("Attackers stole the data in November.")["November"] == "2017-11"


def test_relative_dates_resolve_against_published() -> None:
    got = _dates("The hospital paid the ransom yesterday. Hackers stole records last month.")
    assert got["yesterday"] == "2018-03-13"
    assert got["last month"] == "2018-02"


def test_ago_and_last_weekday() -> None:
    got = _dates("The flaw was patched two days ago. The leak was noticed last Friday.")
    assert got["two days ago"] == "2018-03-12"
    assert got["last Friday"] == "2018-03-09"


def test_year_needs_a_preposition_and_range_is_one_period() -> None:
    got = _dates("Customer records were exposed from 2016 to mid-2017.")
    assert got == {"2016 to mid-2017": "2016/2017"}
    assert _dates("Version 2016 of the suite was breached.") == {}


def test_dates_without_incident_cue_are_dropped() -> None:
    assert _dates("The company was founded in March 2001 and moved offices in May 2010.") == {}


def test_modal_may_is_not_a_month() -> None:
    assert _dates("The leak may have exposed customer data.") == {}


def test_evidence_points_into_the_original_text() -> None:
    text = "Hackers breached the network on 12 January 2018 \u2013 officials said."
    (m,) = extract_dates(Context(doc=Doc(text=text), published=PUB))
    assert text[m.evidence.start : m.evidence.end] == m.text == "12 January 2018"
    assert m.value == "2018-01-12"


def test_no_published_date_gives_no_guessed_year() -> None:
    assert _dates("The data was stolen on March 3.", published=None) == {"March 3": None}


def test_large_repetitive_input() -> None:
    # its speed is measured in bench/speed.py (worst-case inputs), not timed here
    text = ("The breach happened in 2017 on March 3 and was disclosed yesterday. " * 3000) + "1" * 200_000
    got = extract_dates(Context(doc=Doc(text=text), published=PUB))
    assert {m.text for m in got} >= {"2017", "March 3"}


def test_product_versions_are_not_dates() -> None:
    text = "Attackers breached Pellworth Bank through servers running Orbix Server 2019 and Orbix Mail 2016 and 2019."
    assert _dates(text) == {}
    assert _dates("The breach hit phones on Quillon OS 17 and laptops with Orbix Office 2016.") == {}


def test_a_release_named_by_its_date_is_not_a_date() -> None:
    assert _dates("The Orbix 10 October 2017 Update patched the flaw.") == {}
    assert _dates("The flaw was patched in the Orbix 2017 Edition.") == {}


def test_years_of_a_period_are_still_dates() -> None:
    got = _dates("Between 2016 and 2017 the attackers stole records from the clinic.")
    assert got == {"2016 and 2017": "2016/2017"}


def test_deadlines_and_plans_are_not_incident_dates() -> None:
    assert _dates("Agencies must patch by Friday, the regulator warned after the breach.") == {}
    assert _dates("By Monday, every affected customer will be notified of the breach.") == {}
    assert _dates("The firm said it will disclose the breach by March 30.") == {}
    assert _dates("Vendors have until 15 March to patch the flaw.") == {}
    assert _dates("Clinics face a deadline of 15 March to patch the flaw.") == {}


def test_by_a_date_in_the_past_is_kept() -> None:
    got = _dates("The intruders had stolen the files by March 2017, the breach notice said.")
    assert got == {"March 2017": "2017-03"}


def test_relative_dates_fall_back_to_the_posting_date() -> None:
    text = "Hackers stole the records yesterday and the leak was noticed last Friday."
    ctx = Context(doc=Doc(text=text), posted=PUB)
    got = {m.text: m.value for m in extract_dates(ctx)}
    assert got == {"yesterday": "2018-03-13", "last Friday": "2018-03-09"}


def test_the_published_date_wins_over_the_posting_date() -> None:
    ctx = Context(doc=Doc(text="Hackers stole the records yesterday."), published=PUB, posted=dt.date(2019, 1, 10))
    assert [m.value for m in extract_dates(ctx)] == ["2018-03-13"]
