"""Watchlist matching on names written for these tests: variants match, look-alikes do not."""

from __future__ import annotations

import pytest

from bot.domain.watchlist import WatchlistError, matches, normalize_term, parse_terms
from bot.extraction.schema import (
    Evidence,
    IncidentSummary,
    IncidentType,
    Mention,
    Severity,
    SeverityAssessment,
    Status,
    VulnerabilityInfo,
)


def m(text: str, value: str | None = None) -> Mention:
    return Mention(text=text, value=value, evidence=Evidence(source="text", start=0, end=len(text), sentence=text))


def card(**fields: object) -> IncidentSummary:
    return IncidentSummary(
        title="t",
        summary="s",
        incident_type=IncidentType.DATA_BREACH,
        incident_types=[IncidentType.DATA_BREACH],
        severity=SeverityAssessment(level=Severity.HIGH, reason="r"),
        status=Status.UNKNOWN,
        is_incident=True,
        confidence=0.9,
        **fields,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("term", "name"),
    [
        ("Okta", "Okta, Inc."),
        ("Okta", "Okta's"),
        ("okta", "OKTA"),
        ("Okta Inc", "Okta"),  # the suffix is dropped on both sides
        ("Northwind Logistics", "Northwind Logistics Ltd"),
        ("Citrix NetScaler", "Citrix NetScaler ADC"),
        ("NetScaler", "Citrix NetScaler ADC"),
        ("Société Générale", "Société Générale SA"),
    ],
)
def test_variants_of_a_watched_victim_match(term: str, name: str) -> None:
    (hit,) = matches(card(victims=[m(name)]), [term])
    assert (hit.term, hit.field, hit.name) == (term, "victim", name)


@pytest.mark.parametrize(
    ("term", "name"),
    [
        ("Okta", "Oktapus"),  # a whole word, not a prefix
        ("Citrix NetScaler", "NetScaler Citrix"),  # in order
        ("Citrix NetScaler", "Citrix Workspace"),
        ("Acme", "Acmeco"),
        ("Inc", "Okta Inc"),  # a suffix alone names nothing
    ],
)
def test_look_alikes_do_not_match(term: str, name: str) -> None:
    assert matches(card(victims=[m(name)]), [term]) == []


def test_each_field_is_looked_at_and_named() -> None:
    summary = card(
        victims=[m("Harbor Port Authority")],
        attackers=[m("Glass Heron")],
        tools=[m("NightCrawler loader")],
        affected_products=[m("FlowGate VPN 9.1")],
        cves=[m("CVE-2024-3400", "CVE-2024-3400")],
        vulnerability=VulnerabilityInfo(vendor=m("Palisade Networks")),
    )
    hits = matches(
        summary, ["Harbor Port", "Glass Heron", "NightCrawler", "FlowGate VPN", "cve-2024-3400", "Palisade", "Okta"]
    )
    assert [(h.term, h.field) for h in hits] == [
        ("Harbor Port", "victim"),
        ("Glass Heron", "attacker"),
        ("NightCrawler", "tool"),
        ("FlowGate VPN", "product"),
        ("cve-2024-3400", "cve"),
        ("Palisade", "vendor"),
    ]


def test_a_cve_matches_only_the_same_id() -> None:
    summary = card(cves=[m("CVE-2024-34000", "CVE-2024-34000")], victims=[m("CVE-2024-3400 victims")])
    assert matches(summary, ["CVE-2024-3400"]) == []


def test_parse_terms_quotes_and_limits() -> None:
    assert parse_terms('"Okta" \u201cCitrix NetScaler\u201d CVE-2024-3400 Okta') == [
        "Okta",
        "Citrix NetScaler",
        "CVE-2024-3400",
    ]
    with pytest.raises(WatchlistError) as unclosed:
        parse_terms('"Okta')
    assert str(unclosed.value) == "a quote is not closed; put each name with spaces in quotes"
    assert parse_terms("x" * 100) == ["x" * 100]
    with pytest.raises(WatchlistError, match="at most 100 characters"):
        parse_terms("x" * 101)
    with pytest.raises(WatchlistError, match="no letters"):
        parse_terms('"Inc."')
    assert normalize_term("cve-2024-3400") == "CVE-2024-3400"


def test_a_name_is_compared_by_its_value_when_it_has_one() -> None:
    # The card shows the text; a normalized value (a canonical name) is what is compared.
    assert [h.name for h in matches(card(victims=[m("the identity provider", "Okta")]), ["Okta"])] == ["Okta"]
    assert [h.name for h in matches(card(victims=[m("Okta", "")]), ["Okta"])] == ["Okta"]


def test_a_term_with_nothing_to_look_for_does_not_stop_the_others() -> None:
    hits = matches(card(victims=[m("Okta")]), ["Inc.", "Okta"])
    assert [h.term for h in hits] == ["Okta"]


def test_the_vulnerability_products_are_products() -> None:
    summary = card(vulnerability=VulnerabilityInfo(products=[m("FlowGate VPN")]))
    assert [(h.field, h.name) for h in matches(summary, ["FlowGate"])] == [("product", "FlowGate VPN")]


def test_a_cve_term_is_looked_for_among_cves_only() -> None:
    assert matches(card(affected_products=[m("CVE-2024-3400")]), ["CVE-2024-3400"]) == []
