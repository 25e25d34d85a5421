"""The article the product was specified from must come out as DESIGN.md describes.

Its text belongs to its publisher and stays in ../shared; the test is skipped when that is absent.
"""

from __future__ import annotations

from pathlib import Path

from bot.extraction import summarize_article
from bot.extraction.schema import IncidentType, Status
from bot.sources.local import read_path


def test_seed_article(shared_dir: Path) -> None:
    s = summarize_article(read_path(shared_dir / "data" / "seed" / "met-police-mynewsdesk.txt"))
    assert s.is_incident
    assert s.incident_type is IncidentType.ACCOUNT_COMPROMISE
    victims = [m.text for m in s.victims]
    assert victims == ["Metropolitan Police Service"], victims
    assert s.attackers == []  # the article names no attacker
    assert any("MyNewsDesk" in m.text for m in s.attack_vector), s.attack_vector
    assert s.status is Status.INVESTIGATING
    summary = s.summary.lower()
    assert "metropolitan police" in summary
    assert "mynewsdesk" in summary  # how they got in
    quotes = " ".join(st.quote.text for st in s.statements)
    assert "IT infrastructure" in quotes  # the Met says its own systems were not hacked
    assert any("Twitter" in m.text for m in s.compromised_data)
