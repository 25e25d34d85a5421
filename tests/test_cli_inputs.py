"""The command line's answers to everyday mistakes and to a database the bot filled: one clear
line, the exit code the contract gives (2 for bad input), and nothing stored that should not be."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main

from bot.app.cli import app
from bot.usecases import incidents as services
from tests.conftest import EXAMPLES, ROOT, example


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
        check=False,
    )


def one_error_line(r: subprocess.CompletedProcess[str]) -> str:
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_text_that_is_not_an_incident_is_not_stored() -> None:
    r = run("summarize", str(EXAMPLES / "not-an-incident.txt"))
    assert r.returncode == 0, r.stderr
    assert "No security incident found" in r.stdout
    assert "Not stored: no security incident found." in r.stdout
    assert "Stored as" not in r.stdout
    listed = run("incidents", "list", "--json")
    assert listed.returncode == 0
    assert listed.stdout == ""


def test_each_file_says_what_happened_and_each_error_names_its_input_once() -> None:
    good, missing = str(EXAMPLES / "ransomware-hospital.txt"), str(EXAMPLES / "nope.txt")
    r = run("summarize", good, missing, "ftp://files.example/a.txt", str(EXAMPLES / "credential-leak.txt"))
    assert r.returncode == 2  # bad input among them; the good ones were still read and stored
    assert r.stdout.count("Stored as incident #") == 2
    errors = r.stderr.strip().splitlines()
    assert len(errors) == 2, r.stderr
    assert errors[0].count(missing) == 1
    assert "no such file" in errors[0]
    assert errors[1].count("ftp://files.example/a.txt") == 1
    assert "only http and https links can be read" in errors[1]


def test_a_file_summarized_again_is_the_same_text_not_the_same_link() -> None:
    path = str(EXAMPLES / "ransomware-hospital.txt")
    assert "Stored as incident #1" in run("summarize", path).stdout
    again = run("summarize", path)
    assert again.returncode == 0
    assert "Already reported: incident #1 (same text; 1 source(s))" in again.stdout
    shown = run("incidents", "show", "1", "--json")
    assert '"canonical_url":null' in shown.stdout.replace(" ", "")  # a path is not a link


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (("extract", "--input", "README.md", "--output", "/nonexistent/dir/x.jsonl"), {}, "cannot write here"),
        (("incidents", "list"), {"DATABASE_URL": "mysql://u:pw@db.example/x"}, "unsupported database ('mysql')"),
        (("incidents", "list"), {"DATABASE_URL": "sqlite-ish:hunter2@@"}, "DATABASE_URL is not a database URL"),
        (("incidents", "list", "--type", "bogus"), {}, "unknown incident type 'bogus'; one of: data_breach"),
        (("fetch", "file:///etc/passwd"), {}, "only http and https links can be read (file: refused)"),
        (("fetch", "not a url at all"), {}, "only http and https links can be read (no scheme refused)"),
        (("summarize", "gopher://127.0.0.1:70/x"), {}, "(gopher: refused)"),
    ],
)
def test_bad_input_is_exit_2_with_one_line(args: tuple[str, ...], env: dict[str, str], expected: str) -> None:
    r = run(*args, env=env)
    line = one_error_line(r)
    assert r.returncode == 2, r.stderr
    assert expected in line
    assert "hunter2" not in line
    assert "pw@" not in line
    if args[0] == "fetch":
        assert line.count(args[1]) == 1  # named once, not "x: x: …"


def test_the_command_line_reads_the_bots_team_and_asks_when_there_are_several(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    env = {"DATABASE_URL": url}
    with services.open_store(database_url=url) as store:
        services.summarize_and_store(
            store=store, article=example("ransomware-hospital.txt"), team_id="T0BOT", submitter="U1"
        )
    only = run("incidents", "list", "--json", env=env)
    assert only.returncode == 0, only.stderr
    assert '"team_id":"T0BOT"' in only.stdout.replace(" ", "")
    assert "Northbridge" in run("incidents", "search", "Northbridge", "--json", env=env).stdout
    assert run("incidents", "show", "1", env=env).returncode == 0
    # the command line's own summaries are team "local": now there are two teams
    assert run("summarize", str(EXAMPLES / "credential-leak.txt"), env=env).returncode == 0
    several = run("incidents", "list", env=env)
    assert several.returncode == 2
    assert "several teams (T0BOT, local); pick one with --team" in one_error_line(several)
    mine = run("incidents", "list", "--json", "--team", "local", env=env)
    assert mine.returncode == 0
    assert len(mine.stdout.splitlines()) == 1
    assert '"team_id":"local"' in mine.stdout.replace(" ", "")


def _commands(group: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Every command and subcommand of a (Typer's) click group, with its full name."""
    found: list[tuple[str, Any]] = []
    for name, command in group.commands.items():
        found.append((f"{prefix}{name}", command))
        if hasattr(command, "commands"):
            found.extend(_commands(command, f"{prefix}{name} "))
    return found


def test_every_option_and_argument_has_help() -> None:
    root = typer.main.get_command(app)
    names = [name for name, _ in _commands(root)]
    assert {"summarize", "extract", "fetch", "run", "incidents list", "digest send"} <= set(names)
    missing = [
        f"{name}: {param.name}"
        for name, command in _commands(root)
        for param in command.params
        if not (getattr(param, "help", None) or "").strip()
    ]
    assert missing == []


def test_summarize_help_says_it_reads_links() -> None:
    r = run("summarize", "--help")
    assert r.returncode == 0
    assert "http(s) links" in r.stdout


def test_lists_say_when_it_happened_and_fit_the_terminal() -> None:
    assert run("summarize", str(EXAMPLES / "credential-leak.txt")).returncode == 0
    narrow = run("incidents", "list", env={"COLUMNS": "80"})
    assert narrow.returncode == 0
    first, title = narrow.stdout.splitlines()[:2]
    assert first.startswith("#1  data_breach · ")
    assert "happened 2024-03-14 · first seen " in first
    assert title.startswith("    Parcelo")
    wide = run("incidents", "list", env={"COLUMNS": "160"})
    header = wide.stdout.splitlines()[0]
    for column in ("id", "happened", "first seen", "type", "severity", "victim", "title"):
        assert column in header
    assert "2024-03-14" in wide.stdout
