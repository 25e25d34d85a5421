"""``incident-bot corrections export`` and ``incident-bot stats`` as real processes, on a database
where people corrected and judged cards."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.domain.corrections import read_form
from bot.usecases import corrections, incidents
from storage.records import Audience
from tests.conftest import ROOT, example


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


def corrected_database(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    here = Audience.conversation("C1")
    with incidents.open_store(database_url=url) as store:
        stored = incidents.summarize_and_store(
            store=store,
            article=example("ransomware-hospital.txt"),
            canonical_url="https://news.example/hospital",
            team_id="T0BOT",
            submitter="U1",
            channel_id="C1",
            conversation_type="public_channel",
        )
        incident_id = stored.incident.id
        corrections.correct(
            store=store,
            team_id="T0BOT",
            incident_id=incident_id,
            user_id="U0FIXER",
            audience=here,
            submitted=read_form({"victims": "Northbridge Regional Hospital NHS Trust", "severity": "high"}),
        )
        for user, verdict in (("U1", "accurate"), ("U2", "accurate")):
            corrections.feedback(
                store=store, team_id="T0BOT", incident_id=incident_id, user_id=user, verdict=verdict, audience=here
            )
    return {"DATABASE_URL": url}


def test_corrections_export_is_json_lines_with_the_article(tmp_path: Path) -> None:
    env = corrected_database(tmp_path)
    r = run("corrections", "export", env=env)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert {row["field"] for row in rows} == {"victims", "severity"}
    victims = next(row for row in rows if row["field"] == "victims")
    assert victims["after"] == ["Northbridge Regional Hospital NHS Trust"]
    assert "Northbridge Regional Hospital" in victims["before"]
    assert victims["corrected_by"] == "U0FIXER"
    assert victims["team_id"] == "T0BOT"
    # ready for training: each name the article gave, in its sentence, with the person's verdict
    assert victims["missed"] == ["Northbridge Regional Hospital NHS Trust"]
    dropped = [e for e in victims["examples"] if e["text"] == "Northbridge Regional Hospital"]
    assert dropped
    assert dropped[0]["label"] == "wrong"
    assert "Northbridge Regional Hospital" in dropped[0]["sentence"]
    from training.corrections import labelled

    examples = labelled(r.stdout.splitlines())
    assert any(e.field == "victims" and e.text == "Northbridge Regional Hospital" and not e.right for e in examples)
    assert all(e.field == "victims" for e in examples)  # severity has no names
    (article,) = victims["articles"]
    assert article["canonical_url"] == "https://news.example/hospital"
    assert len(article["content_hash"]) == 64
    assert "2 correction(s)" in r.stderr
    out = tmp_path / "corrections.jsonl"
    to_file = run("corrections", "export", "--output", str(out), "--team", "T0BOT", env=env)
    assert to_file.returncode == 0
    assert out.read_text() == r.stdout
    assert run("corrections", "export", "--team", "T-other", env=env).stdout == ""


def test_stats_show_the_share_accurate_and_corrected_by_field(tmp_path: Path) -> None:
    r = run("stats", env=corrected_database(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "cards stored       1" in r.stdout
    assert "accurate         1 of 1 (100%)" in r.stdout
    assert "corrected          1 of 1 (100%)" in r.stdout
    assert "corrected on" in r.stdout
    rows = {line.split()[0]: line for line in r.stdout.splitlines() if line.strip().startswith(("victims", "severity"))}
    assert "1 of 1 (100%)" in rows["victims"]
    assert "1 of 1 (100%)" in rows["severity"]


def test_incidents_export_uses_the_corrected_facts_in_every_format(tmp_path: Path) -> None:
    env = corrected_database(tmp_path)
    out = tmp_path / "incidents.stix.json"
    r = run("incidents", "export", "--format", "stix", "--output", str(out), env=env)
    assert r.returncode == 0, r.stderr
    assert f"exported 1 incident(s) as stix to {out}" in r.stderr
    names = {o.get("name") for o in json.loads(out.read_text())["objects"]}
    assert "Northbridge Regional Hospital NHS Trust" in names  # the person's correction
    assert "Northbridge Regional Hospital" not in names
    csv_out = run("incidents", "export", "-f", "csv", env=env)
    assert "Northbridge Regional Hospital NHS Trust" in csv_out.stdout
    assert ",high," in csv_out.stdout  # the corrected severity
    misp = json.loads(run("incidents", "export", "-f", "misp", env=env).stdout)
    assert any(a["value"] == "https://news.example/hospital" for a in misp["Event"]["Attribute"])


def test_incidents_export_chooses_and_refuses_clearly(tmp_path: Path) -> None:
    env = corrected_database(tmp_path)
    assert run("incidents", "export", "-f", "json", "--since", "2000-01-01", env=env).stdout.count("\n") == 1
    later = run("incidents", "export", "--since", "2999-01-01", env=env)
    assert later.returncode == 1
    assert later.stderr.strip() == "nothing to export: no incidents match"
    assert run("incidents", "export", "--type", "phishing", env=env).returncode == 1
    unknown = run("incidents", "export", "-f", "pdf", env=env)
    assert unknown.returncode == 2
    assert "unknown format 'pdf'; one of: stix, misp, csv, json" in unknown.stderr
    missing = run("incidents", "export", "1", "42", env=env)
    assert missing.returncode == 2
    assert "no incident #42" in missing.stderr
    nowhere = run("incidents", "export", "-o", str(tmp_path / "no" / "such" / "dir" / "x.csv"), env=env)
    assert nowhere.returncode == 2
    assert "cannot write" in nowhere.stderr
