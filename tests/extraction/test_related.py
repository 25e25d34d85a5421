"""The main incident first: facts of other incidents an article recalls leave the card for
``related_incidents`` (texts written for these tests)."""

from __future__ import annotations

import datetime as dt

from bot.extraction import Article, summarize_article
from bot.extraction.schema import IncidentSummary, IncidentType, Severity

PUBLISHED = dt.date(2024, 3, 5)


def _summary(text: str, title: str) -> IncidentSummary:
    return summarize_article(Article(text=text, title=title, published=PUBLISHED))


def _texts(mentions: list) -> list[str]:  # type: ignore[type-arg]
    return [m.text for m in mentions]


HOSPITAL = (
    "Northfield Community Hospital was hit by a Ryuk ransomware attack on Monday that encrypted patient records, "
    "the hospital said. The attackers demanded 40 bitcoin to unlock the files. The hospital said the attack was not "
    "connected to the WannaCry attacks of 2017. Unlike Ryuk, WannaCry only demanded $300 from each victim. Another "
    "hospital, Bellmont Medical Center, paid $55,000 to attackers last year. Northfield said it had restored most "
    "of its systems from backups."
)


def test_a_malware_named_only_in_a_denial_or_comparison_is_not_this_incidents_tool() -> None:
    s = _summary(HOSPITAL, "Ryuk ransomware hits Northfield Community Hospital")
    assert not any("WannaCry" in t for t in _texts(s.tools))
    related = {r.name: r for r in s.related_incidents}
    wannacry = next(r for name, r in related.items() if name.startswith("WannaCry"))
    assert _texts(wannacry.tools) == ["WannaCry"]
    assert "$300" in _texts(wannacry.ransom_demands)
    assert wannacry.incident_type is IncidentType.RANSOMWARE
    assert "not connected to the WannaCry" in wannacry.evidence.sentence


def test_another_victims_payment_is_not_this_victims_ransom() -> None:
    s = _summary(HOSPITAL, "Ryuk ransomware hits Northfield Community Hospital")
    assert "$55,000" not in _texts(s.ransom_demands)
    assert "$300" not in _texts(s.ransom_demands)
    assert "Bellmont Medical Center" not in _texts(s.victims)
    assert _texts(s.victims)[0] == "Northfield Community Hospital"
    bellmont = next(r for r in s.related_incidents if r.name.startswith("Bellmont"))
    assert "$55,000" in _texts(bellmont.ransom_demands)
    assert "Bellmont Medical Center" in _texts(bellmont.victims)


def test_an_old_breach_recalled_on_a_vulnerability_card_does_not_raise_its_severity() -> None:
    text = (
        "Researchers disclosed a flaw in the Quillon web server that lets attackers read files on affected "
        "machines. The vendor released version 4.2.1 to fix it. The bug is similar to the one exploited in the "
        "2015 breach of Carrow Insurance, which exposed the records of 150 million people and cost the insurer "
        "$600 million. Administrators should update their servers."
    )
    s = _summary(text, "Quillon web server flaw lets attackers read files")
    assert "150 million" not in _texts(s.affected_counts)
    assert "$600 million" not in _texts(s.financial_losses)
    assert s.severity.level is not Severity.CRITICAL
    carrow = [r for r in s.related_incidents if "Carrow" in r.name or any("Carrow" in v.text for v in r.victims)]
    assert carrow
    assert any("150 million" in c.text for c in carrow[0].affected_counts) or any(
        "$600 million" in c.text for c in carrow[0].financial_losses
    )


def test_the_main_victims_own_history_stays_with_it() -> None:
    text = (
        "Hackers breached Dunmore Savings Bank and stole the account details of 40,000 customers, the bank said "
        "on Tuesday. Dunmore Savings Bank, which was also breached in 2015, said the intruders used a stolen "
        "password. The breach began last year in November, investigators said."
    )
    s = _summary(text, "Dunmore Savings Bank breach exposes 40,000 customers")
    assert _texts(s.victims)[0] == "Dunmore Savings Bank"
    assert all("Dunmore" not in v.text for r in s.related_incidents for v in r.victims)
    # a recollection of the past moves who and how much, never the main incident's own dates
    assert all(not r.dates for r in s.related_incidents)


def test_an_article_without_any_recollection_has_no_related_incidents() -> None:
    text = (
        "Hackers breached Dunmore Savings Bank and stole the account details of 40,000 customers, the bank said "
        "on Tuesday. The intruders used a stolen password to log in to an administrator account."
    )
    assert _summary(text, "Dunmore Savings Bank breach").related_incidents == []
