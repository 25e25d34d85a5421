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
    # The card says what happened: the headline names the victim and how, and the summary leads
    # with the Met's MyNewsDesk account being used, not with a politician's reaction to it.
    assert s.title.startswith("Metropolitan Police Service"), s.title
    assert "MyNewsDesk" in s.title, s.title
    lead = s.summary.split(". ")[0].lower()
    assert "the met" in lead, s.summary
    assert "mynewsdesk" in lead, s.summary
    assert "trump" not in s.summary.lower()
    quotes = " ".join(st.quote.text for st in s.statements)
    assert "IT infrastructure" in quotes  # the Met says its own systems were not hacked
    assert any("Twitter" in m.text for m in s.compromised_data)
