"""The card's headline says what happened, in the words of the extracted facts; the summary leads
with the main incident (texts written for these tests)."""

from __future__ import annotations

import datetime as dt

from bot.extraction import Article, summarize_article
from bot.extraction.compose import Facts, headline
from bot.extraction.schema import Evidence, IncidentType, Mention

T = IncidentType


def _m(text: str) -> Mention:
    return Mention(text=text, evidence=Evidence(source="text", start=0, end=len(text), sentence=text))


def test_a_ransomware_headline_names_victim_tool_and_demand() -> None:
    f = Facts(
        types=[T.RANSOMWARE],
        is_incident=True,
        victims=[_m("Harlow General Hospital")],
        tools=[_m("Ryuk")],
        ransoms=[_m("$55,000")],
        attackers=[_m("Copper Fox")],
    )
    assert headline(f) == "Harlow General Hospital hit by Ryuk ransomware; $55,000 demanded; Copper Fox blamed"


def test_a_breach_headline_states_how_many_and_what() -> None:
    f = Facts(
        types=[T.DATA_BREACH],
        is_incident=True,
        victims=[_m("Parcelo")],
        counts=[_m("2.3 million")],
        data=[_m("customer records")],
    )
    assert headline(f) == "Parcelo data breach exposes 2.3 million customer records"


def test_a_flaw_headline_names_product_cve_and_exploitation() -> None:
    from bot.extraction.schema import VulnerabilityInfo

    f = Facts(
        types=[T.VULNERABILITY],
        is_incident=True,
        cves=[_m("CVE-2024-0001")],
        vulnerability=VulnerabilityInfo(vendor=_m("Helix"), products=[_m("Gatekeeper VPN")], exploited="yes"),
    )
    assert headline(f) == "Helix Gatekeeper VPN vulnerability (CVE-2024-0001), exploited in the wild"


def test_no_victim_no_made_up_headline() -> None:
    assert headline(Facts(types=[T.DATA_BREACH], is_incident=True)) is None
    assert headline(Facts(types=[T.RANSOMWARE], is_incident=False, victims=[_m("Acme")])) is None


COMMENTARY_FIRST = (
    "Senator Ellen Marsh mocked the city council on Saturday after its library service suffered an "
    "embarrassing cyberattack. Ms. Marsh said the council should have known better. The Brookvale Library "
    "Service said attackers used a stolen password to log in to its newsletter account and sent fake messages "
    "to 12,000 subscribers on Friday evening. The library said its own network was not affected."
)


def test_the_summary_leads_with_the_incident_not_with_a_comment_about_it() -> None:
    s = summarize_article(Article(text=COMMENTARY_FIRST, published=dt.date(2024, 6, 3)))
    assert s.summary.startswith("The Brookvale Library Service said attackers used a stolen password")
    assert "Ms. Marsh said" not in s.summary


def test_every_part_of_a_made_headline_is_an_extracted_fact() -> None:
    s = summarize_article(
        Article(
            text=(
                "Harlow General Hospital was hit by a ransomware attack on Tuesday that encrypted patient "
                "records, the hospital said. The attackers demanded $55,000 in bitcoin."
            ),
            published=dt.date(2024, 6, 3),
        )
    )
    assert s.title.startswith("Harlow General Hospital hit by")
    facts = {m.text for m in s.victims + s.tools + s.ransom_demands + s.attackers}
    made = s.title.replace(" hit by ", "|").replace("; ", "|").replace(" demanded", "").replace(" blamed", "")
    for part in made.split("|"):
        part = part.removesuffix(" ransomware") or part
        assert part in facts or part == "ransomware", part


def test_a_loss_is_in_the_headline_of_a_fraud_or_breach_but_not_beside_a_ransom() -> None:
    phishing = Facts(types=[T.PHISHING], is_incident=True, victims=[_m("Fenwick Tooling")], losses=[_m("$640,000")])
    assert headline(phishing) == "Fenwick Tooling targeted by phishing; $640,000 lost"
    ransom = Facts(
        types=[T.RANSOMWARE],
        is_incident=True,
        victims=[_m("Brookfield Dental")],
        ransoms=[_m("10 bitcoin")],
        losses=[_m("$90,000")],
    )
    assert headline(ransom) == "Brookfield Dental hit by ransomware; 10 bitcoin demanded"
