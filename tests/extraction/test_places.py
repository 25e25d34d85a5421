"""Locations tied to the incident (sentences written for these tests)."""

from __future__ import annotations

from bot.extraction.mentions import Context
from bot.extraction.places import extract_locations, is_place_key
from bot.extraction.schema import IncidentType
from bot.extraction.text import Doc


def _locs(text: str, title: str = "") -> list[str]:
    ctx = Context(doc=Doc(text=text, title=title), types=[IncidentType.RANSOMWARE])
    return [m.text for m in extract_locations(ctx)]


def test_place_of_the_attack() -> None:
    locs = _locs("A ransomware attack hit a hospital in Texas on Monday, locking staff out of records.")
    assert locs == ["Texas"]


def test_country_aliases_and_evidence() -> None:
    text = "Customers in the U.K. and Poland had data stolen in the breach."
    ctx = Context(doc=Doc(text=text), types=[IncidentType.DATA_BREACH])
    ms = extract_locations(ctx)
    assert {m.text for m in ms} >= {"Poland"}
    for m in ms:
        assert text[m.evidence.start : m.evidence.end] == m.text


def test_town_with_state() -> None:
    locs = _locs("The attack on the city government of Millbrook, Tenn., encrypted its servers.")
    assert any(loc.startswith("Millbrook") for loc in locs)


def test_passing_mention_is_not_kept() -> None:
    assert _locs("The company, which also sells in France, said its software was updated.") == []


def test_gazetteer() -> None:
    assert is_place_key("germany")
    assert is_place_key("new york")
    assert not is_place_key("equifax")
