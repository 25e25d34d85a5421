"""A text the command line stored from a file, read again from its link: the link is recorded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.sources.conftest import LoopbackServer

ARTICLE = (
    "Quillmore Water Board confirms data breach after hackers stole customer records\n\n"
    "The Quillmore Water Board confirmed a data breach on Tuesday after hackers used a stolen contractor "
    "password to break into its billing portal. The attackers copied the names, addresses and bank account "
    "numbers of 41,000 customers before the intrusion was detected. The board reset every contractor "
    "account, hired a forensic firm to investigate the cyberattack and notified the regional regulator.\n"
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INCIDENT_BOT_FETCH_ALLOW_PRIVATE": "true"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_the_same_text_read_later_from_its_link_records_the_link(server: LoopbackServer, tmp_path: Path) -> None:
    pasted = tmp_path / "pasted.txt"
    pasted.write_text(ARTICLE)
    server.page("/water", ARTICLE.encode(), content_type="text/plain; charset=utf-8")
    first = run("summarize", str(pasted))
    assert "Stored as incident #1" in first.stdout, first.stderr
    again = run("summarize", server.url("/water"))
    assert again.returncode == 0, again.stderr
    assert "Already reported: incident #1 (same text; its link is recorded now; 1 source(s))" in again.stdout
    (source,) = json.loads(run("incidents", "show", "1", "--json").stdout)["sources"]
    assert source["canonical_url"] == server.url("/water")
    # and a third time from the link: now it is the same link
    third = run("summarize", server.url("/water"))
    assert "Already reported: incident #1 (same link; 1 source(s))" in third.stdout
