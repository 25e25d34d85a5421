"""The rules of a person's correction (bot/domain/corrections.py): reading what they typed, what
changed, and how a correction sits on the summary."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain import corrections as rules
from bot.extraction.schema import Evidence, IncidentType, Severity, Status
from tests.storage.conftest import make_summary


def test_names_are_one_per_line_or_comma_separated_without_repeats() -> None:
    typed = "Kestrel Bank,  kestrel bank\nOrchid   Health; \n\n , Vale Water"
    assert rules.parse_names("victims", typed) == ["Kestrel Bank", "Orchid Health", "Vale Water"]
    assert rules.parse_names("victims", None) == []
    assert rules.parse_names("victims", " \n , ") == []


def test_cve_ids_must_be_cve_ids_and_are_written_upper_case() -> None:
    assert rules.parse_names("cves", "cve-2024-3400, CVE-2023-12345") == ["CVE-2024-3400", "CVE-2023-12345"]
    with pytest.raises(rules.CorrectionError) as bad:
        rules.parse_names("cves", "CVE-2024-3400, the Citrix bug")
    assert bad.value.field == "cves"
    assert "not a CVE id" in str(bad.value)


def test_too_many_or_too_long_names_are_refused_with_the_field() -> None:
    with pytest.raises(rules.CorrectionError, match="at most 20"):
        rules.parse_names("victims", ",".join(f"Org {i}" for i in range(21)))
    assert len(rules.parse_names("victims", ",".join(f"Org {i}" for i in range(20)))) == 20
    with pytest.raises(rules.CorrectionError, match="longer than 200"):
        rules.parse_names("attackers", "x" * 201)
    assert rules.parse_names("attackers", "x" * 200) == ["x" * 200]


def test_a_form_is_read_and_checked() -> None:
    form = {"incident_type": "ransomware", "severity": "high", "status": "contained", "is_incident": False}
    form |= {"victims": "Kestrel Bank", "dates": ""}
    read = rules.read_form(form)
    assert read == {
        "incident_type": "ransomware",
        "severity": "high",
        "status": "contained",
        "is_incident": False,
        "victims": ["Kestrel Bank"],
        "dates": [],
    }
    with pytest.raises(rules.CorrectionError) as bad:
        rules.read_form({"severity": "apocalyptic"})
    assert bad.value.field == "severity"
    assert rules.read_form({"unknown_field": "x"}) == {}


def test_only_what_changed_is_a_change() -> None:
    summary = make_summary(title="t", victims=["Kestrel Bank"], attackers=["Mirefox"])
    submitted = rules.read_form({"victims": "Kestrel Bank", "attackers": "Mirefox, Dune Spider", "severity": "medium"})
    assert rules.changes(summary, submitted) == {"attackers": (["Mirefox"], ["Mirefox", "Dune Spider"])}


def test_a_correction_replaces_the_field_and_keeps_the_evidence_of_names_it_keeps() -> None:
    summary = make_summary(title="t", victims=["Kestrel Bank", "Kestrel"], severity=Severity.MEDIUM)
    kept = summary.victims[0]
    out = rules.apply(
        summary,
        {"victims": ["Kestrel Bank", "Orchid Health"], "incident_type": "ransomware", "severity": "critical"},
    )
    assert [m.text for m in out.victims] == ["Kestrel Bank", "Orchid Health"]
    assert out.victims[0] == kept  # the article's evidence stays with the name
    assert out.victims[1].evidence.source == "correction"
    assert out.incident_type is IncidentType.RANSOMWARE
    assert out.incident_types[0] is IncidentType.RANSOMWARE
    assert IncidentType.DATA_BREACH in out.incident_types  # the other types stay
    assert out.severity.level is Severity.CRITICAL
    assert out.severity.reason == "set by a person"
    assert rules.apply(summary, {"status": "resolved"}).status is Status.RESOLVED
    assert rules.apply(summary, {"is_incident": False}).is_incident is False
    assert rules.apply(summary, {"no_such_field": 1}) == summary
    assert rules.apply(summary, {}) is summary


def test_a_view_of_some_reports_gets_no_typed_names() -> None:
    overrides = {"victims": ["Secret Co"], "severity": "high", "is_incident": False, "gone": 1}
    assert rules.without_names(overrides) == {"severity": "high", "is_incident": False}
    assert rules.without_names(None) == {}


@given(st.text(max_size=400))
def test_reading_names_never_fails_but_with_a_correction_error(typed: str) -> None:
    try:
        names = rules.parse_names("victims", typed)
    except rules.CorrectionError as exc:
        field = exc.field
        names = None
    if names is None:
        assert field == "victims"
        return
    assert all(n and n == " ".join(n.split()) and len(n) <= 200 for n in names)
    assert len({n.casefold() for n in names}) == len(names)


def test_what_a_person_sees_on_the_form() -> None:
    summary = make_summary(
        title="t", victims=["Kestrel Bank"], cves=["CVE-2024-3400"], severity=Severity.HIGH, status=Status.CONTAINED
    )
    assert rules.current(summary) == {
        "incident_type": "data_breach",
        "severity": "high",
        "status": "contained",
        "is_incident": True,
        "victims": ["Kestrel Bank"],
        "attackers": [],
        "attack_vector": [],
        "compromised_data": [],
        "affected_counts": [],
        "dates": [],
        "locations": [],
        "affected_products": [],
        "cves": ["CVE-2024-3400"],
    }


def test_each_refusal_names_its_field_and_quotes_what_was_typed() -> None:
    long_name = "".join(chr(ord("a") + i % 26) for i in range(201))
    with pytest.raises(rules.CorrectionError) as too_long:
        rules.parse_names("attackers", long_name)
    assert too_long.value.field == "attackers"
    assert str(too_long.value) == f"“{long_name[:40]}…” is longer than 200 characters"
    with pytest.raises(rules.CorrectionError) as too_many:
        rules.parse_names("locations", ",".join(f"Town {i}" for i in range(21)))
    assert too_many.value.field == "locations"
    not_cve = "CVE-but-really-a-sentence-about-a-bug-in-the-portal"
    with pytest.raises(rules.CorrectionError) as bad_cve:
        rules.read_form({"cves": not_cve})
    assert bad_cve.value.field == "cves"
    assert str(bad_cve.value) == f"“{not_cve[:40]}” is not a CVE id (CVE-2024-12345)"
    with pytest.raises(rules.CorrectionError) as bad_status:
        rules.read_form({"status": "vanished"})
    assert str(bad_status.value) == "choose one of the listed status values"


def test_the_incident_box_reads_both_ways() -> None:
    assert rules.read_form({"is_incident": True}) == {"is_incident": True}
    assert rules.read_form({"is_incident": ""}) == {"is_incident": False}
    flagged = make_summary(title="t", is_incident=False)
    assert rules.apply(flagged, {"is_incident": True}).is_incident is True


def test_facts_a_person_adds_say_so_and_cve_ids_keep_their_value() -> None:
    summary = make_summary(title="t", victims=["Kestrel Bank"])
    out = rules.apply(summary, {"gone": 1, "cves": ["CVE-2024-3400"], "victims": ["Kestrel Bank", "Vale Water"]})
    (cve,) = out.cves
    assert cve.value == "CVE-2024-3400"
    assert cve.evidence == Evidence(source="correction", start=0, end=13, sentence="")
    added = out.victims[1]
    assert added.value is None
    assert added.evidence == Evidence(source="correction", start=0, end=10, sentence="")
    # an unknown field before the known ones does not stop them
    assert rules.apply(summary, {"gone": 1, "severity": "low"}).severity.level is Severity.LOW
