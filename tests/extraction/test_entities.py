"""Victims and attackers: names chosen by role cues (sentences written for these tests)."""

from __future__ import annotations

import time

from bot.extraction.entities import extract_attackers, extract_victims
from bot.extraction.mentions import Context
from bot.extraction.schema import IncidentType, Mention
from bot.extraction.text import Doc


def _ctx(text: str, title: str = "") -> Context:
    return Context(doc=Doc(text=text, title=title), types=[IncidentType.DATA_BREACH])


def _texts(ms: list[Mention]) -> list[str]:
    return [m.text for m in ms]


def test_victim_named_by_breach_cue() -> None:
    ctx = _ctx(
        "Brightwater Logistics was hacked last month, the company said on Tuesday. "
        "Customers of Brightwater Logistics were told to change their passwords. "
        "Security firm Kaspersky said the attackers used stolen credentials.",
        title="Brightwater Logistics Suffers Data Breach",
    )
    victims = _texts(extract_victims(ctx))
    assert victims[0] == "Brightwater Logistics"
    assert "Kaspersky" not in victims


def test_victim_evidence_points_at_surface() -> None:
    ctx = _ctx("Attackers breached the Norland County Medical Center on Friday and encrypted its files.")
    m = extract_victims(ctx)[0]
    src = ctx.doc.original(m.evidence.source)
    assert src[m.evidence.start : m.evidence.end] == m.text
    assert "Norland County Medical Center" in m.text


def test_news_outlets_and_researchers_are_not_victims() -> None:
    ctx = _ctx(
        "Reuters reported that Pellmont Bank suffered a ransomware attack. "
        "Jane Okafor, a researcher at Sophos, said the attack was typical. Okafor said more would follow."
    )
    victims = _texts(extract_victims(ctx))
    assert victims
    assert victims[0] == "Pellmont Bank"
    assert not {"Reuters", "Okafor", "Jane Okafor", "Sophos"} & set(victims)


def test_nationality_group_victim() -> None:
    ctx = _ctx("Hundreds of German companies were hit by a phishing campaign that stole banking logins.")
    assert any("German companies" in v for v in _texts(extract_victims(ctx)))


def test_known_threat_actor_is_attacker() -> None:
    ctx = _ctx(
        "Investigators attributed the intrusion to Lazarus Group, which has targeted banks before. "
        "The breach exposed internal emails."
    )
    assert "Lazarus Group" in _texts(extract_attackers(ctx))


def test_nationality_attackers() -> None:
    ctx = _ctx("Officials said Russian hackers broke into the ministry's network and stole documents.")
    assert any("Russian hackers" in a for a in _texts(extract_attackers(ctx)))


def test_attacker_by_group_cue() -> None:
    ctx = _ctx("A hacking group calling itself Silver Jackal claimed responsibility for the attack.")
    assert "Silver Jackal" in _texts(extract_attackers(ctx))


def test_no_names_no_mentions() -> None:
    ctx = _ctx("the company said hackers stole some data. it is investigating.")
    assert extract_victims(ctx) == []
    assert extract_attackers(ctx) == []


def test_large_input_is_fast() -> None:
    unit = "Acme Widgets was hacked by the Shadow Brokers in Ohio, exposing customers of Acme Widgets. "
    ctx = _ctx(unit * 20000)  # ~1.8 MB
    t0 = time.perf_counter()
    extract_victims(ctx)
    extract_attackers(ctx)
    assert time.perf_counter() - t0 < 5.0
