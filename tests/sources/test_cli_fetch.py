"""``incident-bot fetch`` as a real process against a loopback server."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT
from tests.sources.conftest import LoopbackServer, article_html


def run(*args: str, allow_private: bool = True) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "INCIDENT_BOT_FETCH_ALLOW_PRIVATE": "true" if allow_private else "false"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, cwd=ROOT, env=env, timeout=120, check=False
    )


def test_fetch_json_lines(server: LoopbackServer) -> None:
    server.page("/a", article_html())
    server.page("/pdf", b"%PDF-1.4\n", content_type="application/pdf")
    r = run("fetch", "--json", server.url("/a"), server.url("/pdf"))
    assert r.returncode == 3
    ok, bad = (json.loads(line) for line in r.stdout.decode().splitlines())
    assert set(ok) == {"url", "title", "published", "site", "text"}
    assert ok["title"] == "Northwind Logistics confirms customer data breach"
    assert ok["published"] == "2024-03-05"
    assert "stolen contractor password" in ok["text"]
    assert bad == {"url": server.url("/pdf"), "error": "this link is a PDF document, not a web page with an article"}


def test_fetch_refusal_is_one_line_with_exit_code_3(server: LoopbackServer) -> None:
    r = run("fetch", server.url("/a"), allow_private=False)
    assert r.returncode == 3
    err = r.stderr.decode().strip()
    assert len(err.splitlines()) == 1, err
    assert "INCIDENT_BOT_FETCH_ALLOW_PRIVATE" in err
    assert "Traceback" not in err


def test_fetch_prints_readable_text(server: LoopbackServer) -> None:
    server.page("/a", article_html())
    r = run("fetch", server.url("/a"))
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode()
    assert "Northwind Logistics confirms customer data breach" in out
    assert "Harbor Ledger" in out
    assert "2024-03-05" in out


def test_extract_reads_url_records(server: LoopbackServer, tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    server.page("/a", article_html())
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(
        json.dumps({"id": "a", "url": server.url("/a")})
        + "\n"
        + json.dumps({"id": "b", "url": server.url("/x")})
        + "\n"
    )
    r = run("extract", "--input", str(src), "--output", str(dst))
    assert r.returncode == 0, r.stderr
    rows = {row["id"]: row for row in map(json.loads, dst.read_text().splitlines())}
    assert rows["b"]["error"]["code"] == "http_status"
    assert rows["a"]["incident"]["incident_type"] == "data_breach"
    assert rows["a"]["incident"]["source"]["url"] == server.url("/a")


def test_summarize_a_link_stores_it_once(server: LoopbackServer) -> None:
    server.page("/a", article_html())
    first = run("summarize", "--json", server.url("/a") + "?utm_source=feed#top")
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert summary["is_incident"] is True
    assert summary["source"]["url"] == server.url("/a")  # canonical: tracking and fragment dropped
    again = run("summarize", server.url("/a"))
    assert again.returncode == 0, again.stderr
    assert "Already reported" in again.stdout.decode()
    assert run("summarize", server.url("/gone")).returncode == 3
