"""The incident-bot command line, run as a real process where exit codes and streams matter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, cwd=ROOT, timeout=120)


def test_summarize_prints_a_card() -> None:
    r = run("summarize", str(EXAMPLES / "ransomware-hospital.txt"))
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode()
    assert "Northbridge Regional Hospital" in out
    assert "ransomware" in out


def test_summarize_json_one_line_per_source() -> None:
    r = run("summarize", "--json", str(EXAMPLES / "credential-leak.txt"), str(EXAMPLES / "patch-release.txt"))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.decode().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["schema_version"] == 1
    assert first["is_incident"] is True


def test_summarize_reads_stdin() -> None:
    text = (EXAMPLES / "ransomware-hospital.txt").read_bytes()
    r = run("summarize", "--json", "-", stdin=text)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["incident_type"] == "ransomware"


def test_not_an_incident_is_said_plainly() -> None:
    r = run("summarize", str(EXAMPLES / "not-an-incident.txt"))
    assert r.returncode == 0
    assert "No security incident found" in r.stdout.decode()


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("summarize", "does-not-exist.txt"), None, "no such file"),
        (("summarize", "-"), b"   \n", "empty"),
        (("summarize", "pyproject.toml"), None, "unsupported file type"),
        (("summarize", "--published", "yesterday", "-"), b"text", "ISO date"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: tuple[str, ...], stdin: bytes | None, message: str) -> None:
    r = run(*args, stdin=stdin)
    assert r.returncode == 2
    err = r.stderr.decode()
    assert message in err
    assert "Traceback" not in err


def test_binary_file_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 100)
    r = run("summarize", str(junk))
    assert r.returncode == 2
    assert "binary" in r.stderr.decode()


def test_extract_survives_bad_records(tmp_path: Path) -> None:
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    good = (EXAMPLES / "ransomware-hospital.txt").read_text()
    inp.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "text": good, "published": "2024-05-02"}),
                "{not json",
                json.dumps({"id": "b"}),
                json.dumps(["a", "list"]),
                json.dumps({"id": "c", "text": "x", "published": "soon"}),
                json.dumps({"id": "d", "text": good, "title": "Given title"}),
            ]
        )
        + "\n"
    )
    r = run("extract", "--input", str(inp), "--output", str(out))
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [row["id"] for row in rows] == ["a", "line-2", "b", "line-4", "c", "d"]
    assert rows[0]["incident"]["incident_type"] == "ransomware"
    # The card's title says what happened; the article's own headline is kept as its source's title.
    assert rows[5]["incident"]["source"]["title"] == "Given title"
    assert {row["error"]["code"] for row in rows[1:5]} == {"bad_input"}
    assert "2 extracted, 4 failed" in r.stderr.decode()


def test_extract_missing_input_exits_2(tmp_path: Path) -> None:
    r = run("extract", "--input", str(tmp_path / "nope.jsonl"), "--output", str(tmp_path / "o.jsonl"))
    assert r.returncode == 2
