"""The pure de-duplication and merge rules, on articles written for these tests."""

from __future__ import annotations

import datetime as dt

from bot.domain import same_incident as dedupe
from bot.domain.merge import merge_summaries
from bot.extraction.schema import IncidentType, Severity, Status
from tests.storage.articles import HARBOR, HARBOR_FOLLOW_UP, HARBOR_SYNDICATED, LAKESIDE, UNRELATED
from tests.storage.conftest import NOW, make_summary


def test_content_hash_ignores_case_spacing_and_punctuation() -> None:
    a = "Harbor Freightways said on Tuesday:   an unauthorized party…"
    b = "harbor freightways said on tuesday\nan unauthorized party"
    assert dedupe.content_hash(a) == dedupe.content_hash(b)
    assert dedupe.content_hash(a) != dedupe.content_hash(a + " twice")


def test_sketch_round_trips_and_scores_copies_high_and_others_low() -> None:
    harbor = dedupe.Sketch.of(HARBOR)
    assert dedupe.Sketch.from_bytes(harbor.to_bytes()) == harbor
    assert harbor.similarity(dedupe.Sketch.of(HARBOR_SYNDICATED)) >= dedupe.NEAR_DUPLICATE
    assert harbor.similarity(dedupe.Sketch.of(HARBOR_FOLLOW_UP)) < 0.1
    assert harbor.similarity(dedupe.Sketch.of(UNRELATED)) < 0.1
    # The template shared with another company is near-identical text: only the guard tells them apart.
    assert harbor.similarity(dedupe.Sketch.of(LAKESIDE)) >= dedupe.NEAR_DUPLICATE


def test_victim_names_normalize_corporate_forms() -> None:
    assert dedupe.normalize_name("ACME, Inc.") == dedupe.normalize_name("Acme Corporation") == "acme"
    assert dedupe.normalize_name("Acme Health") != dedupe.normalize_name("Acme Bank")


def _facts(victims: list[str], types: list[str], when: dt.datetime, cves: list[str] = []) -> dedupe.Facts:  # noqa: B006
    return dedupe.facts(victims=victims, types=types, cves=cves, when=when)


def test_same_victim_and_type_within_window_is_same_incident() -> None:
    new = _facts(["Harbor Freightways Inc."], ["data_breach"], NOW + dt.timedelta(days=5))
    old = _facts(["Harbor Freightways"], ["data_breach", "ransomware"], NOW)
    assert dedupe.same_incident(new, old).same


def test_same_victim_months_apart_is_a_new_incident() -> None:
    new = _facts(["Harbor Freightways"], ["data_breach"], NOW + dt.timedelta(days=180))
    old = _facts(["Harbor Freightways"], ["data_breach"], NOW)
    assert not dedupe.same_incident(new, old).same


def test_false_merge_guard_beats_identical_text() -> None:
    new = _facts(["Lakeside Credit Union"], ["data_breach"], NOW)
    old = _facts(["Harbor Freightways"], ["data_breach"], NOW)
    decision = dedupe.same_incident(new, old, text_similarity=0.95)
    assert not decision.same
    assert decision.reason == "different victims"


def test_near_duplicate_text_merges_when_a_victim_was_missed() -> None:
    new = _facts([], ["data_breach"], NOW)
    old = _facts(["Harbor Freightways"], ["data_breach"], NOW)
    assert dedupe.same_incident(new, old, text_similarity=0.8).same
    assert not dedupe.same_incident(new, old, text_similarity=0.2).same


def test_same_cve_merges_vulnerability_reports_only() -> None:
    vuln = _facts([], ["vulnerability"], NOW, ["CVE-2025-31337"])
    patch = _facts([], ["vulnerability", "patch"], NOW, ["cve-2025-31337"])
    assert dedupe.same_incident(vuln, patch).same
    other = _facts([], ["vulnerability"], NOW, ["CVE-2025-00001"])
    assert not dedupe.same_incident(vuln, other).same


def test_merge_rule() -> None:
    first = make_summary(
        title="First report",
        victims=["Harbor Freightways"],
        severity=Severity.MEDIUM,
        status=Status.INVESTIGATING,
        confidence=0.6,
    )
    second = make_summary(
        title="Follow-up",
        victims=["Harbor Freightways"],
        attackers=["Copperhead"],
        incident_type=IncidentType.RANSOMWARE,
        severity=Severity.HIGH,
        status=Status.CONTAINED,
        confidence=0.9,
    )
    third = make_summary(title="Third", victims=["harbor  freightways"], status=Status.UNKNOWN, confidence=0.5)
    merged = merge_summaries([first, second, third])
    assert merged.title == "Follow-up"  # the most confident report leads
    assert merged.severity.level is Severity.HIGH  # the most severe
    assert merged.status is Status.CONTAINED  # the latest report that states a status
    assert merged.incident_type is IncidentType.DATA_BREACH  # the most frequent primary type
    assert merged.incident_types == [IncidentType.DATA_BREACH, IncidentType.RANSOMWARE]
    assert [m.text for m in merged.victims] == ["Harbor Freightways"]  # de-duplicated union
    assert [m.text for m in merged.attackers] == ["Copperhead"]
    assert merge_summaries([first]) == first
