"""Exports (bot/exports) of the example incidents, checked by the formats' own tools: OASIS's STIX
2.1 validator and the stix2 parser, PyMISP's MISPEvent loader, Python's csv reader, and the
IncidentSummary model for JSON lines."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import stix2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymisp import MISPEvent
from stix2validator import ValidationOptions, validate_string

from bot.exports import ExportItem, export
from bot.exports.stix import indicator_pattern
from bot.exports.table import COLUMNS
from bot.extraction import summarize_article
from bot.extraction.schema import Article, Evidence, IncidentSummary, Indicator
from tests.conftest import ROOT

FIRST = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
EXAMPLES = ("ransomware-hospital", "credential-leak", "patch-release", "payment-fraud")
# Written for these tests: a phishing story with indicators, some of them not indicators.
PHISHING = (
    "Hackers breached Acme Bank and stole the passwords of 40,000 customers, the bank said on Monday. "
    "Phishing emails sent from billing@acmebank-secure[.]com led customers to hxxps://acmebank-login[.]com/verify, "
    "a fake copy of acmebank[.]com hosted at 185.220.101[.]4. The malicious domain was registered last week. "
    "The attachment had the SHA-256 hash 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08. "
    "The attackers exfiltrated customer data through the fake site."
)


@cache
def summary_of(name: str) -> IncidentSummary:
    text = PHISHING if name == "phishing" else (ROOT / "examples" / f"{name}.txt").read_text()
    return summarize_article(Article(text=text))


def item(name: str, incident_id: int = 1, team: str = "T0TEST") -> ExportItem:
    return ExportItem(
        incident_id=incident_id,
        team_id=team,
        summary=summary_of(name),
        first_seen=FIRST,
        last_seen=FIRST + dt.timedelta(days=1),
        sources=(f"https://news.example.com/{name}",),
    )


def all_items() -> list[ExportItem]:
    return [item(name, n) for n, name in enumerate([*EXAMPLES, "phishing"], 1)]


def objects_of(bundle: str) -> list[Any]:
    return list(stix2.parse(bundle, allow_custom=False).objects)


# --- STIX --------------------------------------------------------------------------------------


def test_the_stix_bundle_validates_and_parses_back() -> None:
    bundle = export(all_items(), "stix")
    result = validate_string(bundle, ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for r in result.object_results for e in r.errors]
    types = {o.type for o in objects_of(bundle)}
    assert {
        "report",
        "identity",
        "threat-actor",
        "malware",
        "vulnerability",
        "attack-pattern",
        "indicator",
        "relationship",
        "domain-name",
        "ipv4-addr",
        "file",
    } <= types


def test_the_report_holds_the_incident_and_refers_to_what_it_found() -> None:
    objects = {o.id: o for o in objects_of(export([item("ransomware-hospital")], "stix"))}
    (report,) = [o for o in objects.values() if o.type == "report"]
    assert report.name == summary_of("ransomware-hospital").title
    assert "ransomware" in report.labels
    assert report.external_references[0].url == "https://news.example.com/ransomware-hospital"
    referred = {objects[r].type for r in report.object_refs}
    assert {"identity", "threat-actor", "attack-pattern", "relationship"} <= referred
    names = {objects[r].get("name") for r in report.object_refs}
    assert {"Northbridge Regional Hospital", "Crimson Lynx", "Data Encrypted for Impact"} <= names
    targets = [
        (objects[o.source_ref].name, objects[o.target_ref].name)
        for o in objects.values()
        if o.type == "relationship" and o.relationship_type == "targets"
    ]
    assert ("Crimson Lynx", "Northbridge Regional Hospital") in targets
    technique = next(
        o for o in objects.values() if o.type == "attack-pattern" and o.name == "Data Encrypted for Impact"
    )
    assert technique.external_references[0].external_id == "T1486"
    assert technique.kill_chain_phases[0].phase_name == "impact"


def test_indicators_carry_live_patterns_and_defanged_names() -> None:
    objects = objects_of(export([item("phishing")], "stix"))
    indicators = {o.name: o.pattern for o in objects if o.type == "indicator"}
    assert indicators["hXXps://acmebank-login[.]com/verify"] == "[url:value = 'https://acmebank-login.com/verify']"
    assert indicators["billing(at)acmebank-secure[.]com"] == "[email-addr:value = 'billing@acmebank-secure.com']"
    assert indicators["185[.]220[.]101[.]4"] == "[ipv4-addr:value = '185.220.101.4']"
    sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    assert f"[file:hashes.'SHA-256' = '{sha}']" in indicators.values()
    # the victim's own site is not an indicator
    assert not any("acmebank[.]com" == name for name in indicators)
    based_on = [o for o in objects if o.type == "relationship" and o.relationship_type == "based-on"]
    assert len(based_on) == len(indicators)


def test_the_same_incident_exports_the_same_bytes_and_shared_things_once() -> None:
    assert export([item("phishing")], "stix") == export([item("phishing")], "stix")
    twice = objects_of(export([item("ransomware-hospital", 1), item("ransomware-hospital", 2)], "stix"))
    reports = [o for o in twice if o.type == "report"]
    victims = [o for o in twice if o.type == "identity" and o.name == "Northbridge Regional Hospital"]
    assert len(reports) == 2  # two incidents…
    assert len(victims) == 1  # …one victim
    other_team = objects_of(export([item("ransomware-hospital", 1, team="T0OTHER")], "stix"))
    assert {o.id for o in other_team if o.type == "report"}.isdisjoint({o.id for o in reports})


def evidence() -> Evidence:
    return Evidence(source="text", start=0, end=1, sentence="x")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=60))
def test_any_url_value_makes_a_valid_pattern(tail: str) -> None:
    value = "hxxps://evil[.]example/" + tail
    pattern, observable = indicator_pattern(Indicator(kind="url", value=value, evidence=evidence()))
    parsed = stix2.Indicator(pattern=pattern, pattern_type="stix", valid_from=FIRST)  # parses, or raises
    # the pattern and the observable name the same live value
    assert observable.value.startswith("https://evil.example/")
    assert parsed.pattern == pattern


def test_a_quote_in_a_value_cannot_break_out_of_the_pattern() -> None:
    pattern, _ = indicator_pattern(Indicator(kind="url", value="https://x.example/a' OR 1=1 --\\", evidence=evidence()))
    assert pattern == "[url:value = 'https://x.example/a\\' OR 1=1 --\\\\']"
    stix2.Indicator(pattern=pattern, pattern_type="stix", valid_from=FIRST)


# --- MISP --------------------------------------------------------------------------------------


def misp_events(items: list[ExportItem]) -> list[MISPEvent]:
    data = json.loads(export(items, "misp"))
    out = []
    for raw in data.get("response", [data]):
        event = MISPEvent()
        event.load(raw)
        out.append(event)
    return out


def test_misp_events_load_with_pymisp() -> None:
    events = misp_events(all_items())
    assert len(events) == len(EXAMPLES) + 1
    known = set(MISPEvent().describe_types["types"])
    for event in events:
        assert event.info
        assert {a.type for a in event.attributes} <= known
        assert "tlp:clear" in {t.name for t in event.tags}


def test_misp_attributes_are_typed_live_and_flagged_for_detection() -> None:
    (event,) = misp_events([item("phishing")])
    by_type = {(a.type, a.value): a for a in event.attributes}
    assert by_type[("url", "https://acmebank-login.com/verify")].to_ids is True
    assert by_type[("email-src", "billing@acmebank-secure.com")].category == "Payload delivery"
    assert by_type[("ip-dst", "185.220.101.4")].category == "Network activity"
    assert by_type[("target-org", "Acme Bank")].to_ids is False
    assert ("link", "https://news.example.com/phishing") in by_type
    tags = {t.name for t in event.tags}
    assert 'misp-galaxy:mitre-attack-pattern="Exfiltration Over C2 Channel - T1041"' in tags
    assert misp_events([item("phishing")])[0].uuid == event.uuid  # re-import updates


def test_hashes_and_cves_are_misp_objects_of_mispys_own_templates() -> None:
    import pymisp

    from bot.exports.misp import TEMPLATES

    templates = Path(pymisp.__file__).parent / "data" / "misp-objects" / "objects"
    for name, (uuid, version, meta) in TEMPLATES.items():
        definition = json.loads((templates / name / "definition.json").read_text())
        assert (definition["uuid"], definition["meta-category"]) == (uuid, meta)
        assert int(version) <= int(definition["version"])
    (phishing,) = misp_events([item("phishing")])
    (file_object,) = [o for o in phishing.objects if o.name == "file"]
    sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    assert [(a.object_relation, a.value, a.to_ids) for a in file_object.attributes] == [("sha256", sha, True)]
    (patch,) = misp_events([item("patch-release")])
    cves = {a.value for o in patch.objects if o.name == "vulnerability" for a in o.attributes}
    assert cves == {"CVE-2024-21887"}


def test_one_event_is_a_plain_event_and_several_a_response_list() -> None:
    assert "Event" in json.loads(export([item("phishing")], "misp"))
    assert len(json.loads(export(all_items(), "misp"))["response"]) == len(all_items())


# --- CSV and JSON lines --------------------------------------------------------------------------


def test_csv_has_a_row_per_incident_with_the_cards_facts() -> None:
    rows = list(csv.DictReader(io.StringIO(export(all_items(), "csv"))))
    assert len(rows) == len(all_items())
    assert set(rows[0]) == set(COLUMNS)
    hospital = rows[0]
    assert hospital["victims"] == "Northbridge Regional Hospital"
    assert hospital["type"] == "ransomware"
    assert "T1486 Data Encrypted for Impact" in hospital["attack_techniques"]
    assert "185[.]220[.]101[.]4" in rows[-1]["indicators"]  # defanged in a spreadsheet too


def test_a_csv_cell_never_starts_a_formula() -> None:
    hostile = summary_of("phishing").model_copy(update={"title": '=HYPERLINK("http://evil","click")'})
    one = ExportItem(1, "T", hostile, FIRST, FIRST)
    (row,) = list(csv.DictReader(io.StringIO(export([one], "csv"))))
    assert row["title"].startswith("'=")


def test_json_lines_are_incident_summaries() -> None:
    lines = export(all_items(), "json").splitlines()
    assert [IncidentSummary.model_validate_json(line) for line in lines] == [i.summary for i in all_items()]


@pytest.mark.parametrize("fmt", ["stix", "misp", "csv", "json"])
def test_every_format_is_deterministic(fmt: str) -> None:
    assert export(all_items(), fmt) == export(all_items(), fmt)  # type: ignore[arg-type]


def test_the_misp_event_exactly() -> None:
    """Every field a MISP import reads, for the written phishing article."""
    data = json.loads(export([item("phishing")], "misp"))["Event"]
    seen = str(int(FIRST.timestamp()))
    assert {k: data[k] for k in ("info", "date", "timestamp", "threat_level_id", "analysis", "distribution")} == {
        "info": summary_of("phishing").title,
        "date": "2026-03-02",
        "timestamp": str(int((FIRST + dt.timedelta(days=1)).timestamp())),
        "threat_level_id": "1",  # high
        "analysis": "0",
        "distribution": "0",
    }
    assert data["published"] is False
    rows = [(a["type"], a["category"], a["value"], a["to_ids"], a["timestamp"]) for a in data["Attribute"]]
    assert rows == [
        ("email-src", "Payload delivery", "billing@acmebank-secure.com", True, seen),
        ("url", "Network activity", "https://acmebank-login.com/verify", True, seen),
        ("ip-dst", "Network activity", "185.220.101.4", True, seen),
        ("target-org", "Targeting data", "Acme Bank", False, seen),
        ("link", "External analysis", "https://news.example.com/phishing", False, seen),
        ("text", "Other", summary_of("phishing").summary, False, seen),
    ]
    assert data["Attribute"][0]["comment"].startswith("Phishing emails sent from billing@")
    assert data["Attribute"][-1]["comment"] == "summary"
    assert [t["name"] for t in data["Tag"]] == [
        "tlp:clear",
        f'incident-bot:type="{summary_of("phishing").incident_type.value}"',
        *(
            f'misp-galaxy:mitre-attack-pattern="{t.name.rpartition(": ")[2]} - {t.id}"'
            for t in summary_of("phishing").attack_techniques
        ),
    ]
    (obj,) = data["Object"]
    assert {k: obj[k] for k in ("name", "meta-category", "template_version", "distribution", "timestamp")} == {
        "name": "file",
        "meta-category": "file",
        "template_version": "25",
        "distribution": "5",
        "timestamp": seen,
    }
    (hashed,) = obj["Attribute"]
    assert (hashed["object_relation"], hashed["type"], hashed["category"], hashed["to_ids"]) == (
        "sha256",
        "sha256",
        "Payload delivery",
        True,
    )
    uuids = [a["uuid"] for a in data["Attribute"]] + [obj["uuid"], hashed["uuid"], data["uuid"]]
    assert len(set(uuids)) == len(uuids)  # every uuid distinct, none shared by two things


@pytest.mark.parametrize(("level", "threat"), [("critical", "1"), ("high", "1"), ("medium", "2"), ("low", "3")])
def test_severity_maps_to_mispys_threat_levels(level: str, threat: str) -> None:
    from bot.extraction.schema import Severity, SeverityAssessment

    s = summary_of("phishing").model_copy(update={"severity": SeverityAssessment(level=Severity(level), reason="r")})
    data = json.loads(export([ExportItem(1, "T", s, FIRST, FIRST)], "misp"))["Event"]
    assert data["threat_level_id"] == threat


def test_csv_cells_join_lists_with_semicolons_and_say_when_it_happened() -> None:
    (row,) = list(csv.DictReader(io.StringIO(export([item("credential-leak")], "csv"))))
    s = summary_of("credential-leak")
    assert row["id"] == "1"
    assert row["types"] == "; ".join(t.value for t in s.incident_types)
    assert row["compromised_data"] == "; ".join(dict.fromkeys(m.text for m in s.compromised_data))
    assert ";" in row["compromised_data"]
    assert row["happened"] == "2024-03-14"
    assert row["sources"] == "https://news.example.com/credential-leak"
    two = ExportItem(2, "T", s, FIRST, FIRST, ("https://a.example/1", "https://b.example/2"))
    (row2,) = list(csv.DictReader(io.StringIO(export([two], "csv"))))
    assert row2["sources"] == "https://a.example/1 https://b.example/2"
    assert "\r" not in export([two], "csv")  # one line ending, "\n"


def test_misp_ids_are_stable_across_versions() -> None:
    """An event imported before must be updated by the next export: its uuids may never change."""
    data = json.loads(export([item("phishing")], "misp"))["Event"]
    assert data["uuid"] == ExportItem(1, "T0TEST", summary_of("phishing"), FIRST, FIRST).uid("misp-event")
    assert data["uuid"] == "f18cab08-1fb1-5396-9d6c-6422c3a9be1d"
    url = next(a for a in data["Attribute"] if a["type"] == "url")
    assert url["uuid"] == "2caff360-ae4a-5449-ac17-74dbcf3a3143"
    (obj,) = data["Object"]
    assert (obj["uuid"], obj["Attribute"][0]["uuid"]) == (
        "d4e77554-3a7f-535c-95ba-da75c8c7c566",
        "898036ca-31d8-59ee-85f6-e90fccde86ec",
    )


def test_misp_json_is_sorted_indented_and_keeps_non_ascii() -> None:
    s = summary_of("phishing").model_copy(update={"title": "Zürich hospital breached"})
    text = export([ExportItem(1, "T", s, FIRST, FIRST)], "misp")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    assert '"info": "Zürich hospital breached"' in text


def test_misp_context_attributes_and_cve_objects() -> None:
    # read raw: PyMISP fills in a default category where one is missing
    ransom = json.loads(export([item("ransomware-hospital")], "misp"))["Event"]
    rows = {(a["type"], a["category"], a["value"], a["to_ids"], a["comment"]) for a in ransom["Attribute"]}
    assert ("threat-actor", "Attribution", "Crimson Lynx", False, "") in rows
    assert ("target-location", "Targeting data", "Leeds", False, "") in rows
    raw = json.loads(export([item("patch-release")], "misp"))["Event"]
    (vuln,) = [o for o in raw["Object"] if o["name"] == "vulnerability"]
    assert vuln["template_uuid"] == "81650945-f186-437b-8945-9f31715d32da"
    (cve,) = vuln["Attribute"]
    assert (cve["object_relation"], cve["type"], cve["category"], cve["to_ids"]) == (
        "id",
        "vulnerability",
        "External analysis",
        False,
    )


def test_galaxy_tags_name_a_sub_technique_by_its_own_part() -> None:
    from bot.exports.misp import galaxy_tag

    assert galaxy_tag("T1566.001", "Phishing: Spearphishing Attachment") == (
        'misp-galaxy:mitre-attack-pattern="Spearphishing Attachment - T1566.001"'
    )
    assert galaxy_tag("T1486", "Data Encrypted for Impact") == (
        'misp-galaxy:mitre-attack-pattern="Data Encrypted for Impact - T1486"'
    )


def test_an_unknown_severity_is_mispys_undefined_level() -> None:
    from bot.extraction.schema import Severity, SeverityAssessment

    s = summary_of("phishing").model_copy(
        update={"severity": SeverityAssessment(level=Severity("unknown"), reason="r")}
    )
    assert json.loads(export([ExportItem(1, "T", s, FIRST, FIRST)], "misp"))["Event"]["threat_level_id"] == "4"


def test_csv_joins_techniques_and_indicators_and_leaves_an_unknown_date_empty() -> None:
    s = summary_of("phishing")
    (row,) = list(csv.DictReader(io.StringIO(export([item("phishing")], "csv"))))
    assert row["attack_techniques"] == "; ".join(f"{t.id} {t.name}" for t in s.attack_techniques)
    assert len(s.attack_techniques) > 1
    assert row["indicators"] == "; ".join(i.value for i in s.indicators)
    undated = s.model_copy(update={"dates": []})
    (row2,) = list(csv.DictReader(io.StringIO(export([ExportItem(1, "T", undated, FIRST, FIRST)], "csv"))))
    assert row2["happened"] == ""
