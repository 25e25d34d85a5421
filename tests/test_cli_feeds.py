"""``incident-bot feeds``: add, list, poll (a loopback feed server), remove, and the exit codes."""

from __future__ import annotations

import html
import os
import subprocess
import sys

from tests.conftest import EXAMPLES, ROOT
from tests.sources.conftest import LoopbackServer

ARTICLE = (EXAMPLES / "ransomware-hospital.txt").read_text()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INCIDENT_BOT_FETCH_ALLOW_PRIVATE": "true"}
    return subprocess.run(
        [sys.executable, "-m", "bot", "feeds", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )


def test_add_poll_list_remove() -> None:
    title, body = ARTICLE.split("\n", 1)
    content = html.escape("".join(f"<p>{p}</p>" for p in body.split("\n") if p.strip()))
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>'
        f"<item><title>{html.escape(title)}</title><guid>1</guid><description>{content}</description></item>"
        "<item><title>Gone</title><guid>2</guid><link>http://127.0.0.1:9/gone</link></item>"
        "</channel></rss>"
    )
    with LoopbackServer() as server:
        server.page("/feed.xml", feed, "application/rss+xml")
        added = run("add", server.url("/feed.xml"), "ransomware", "every:30", "--team", "T1", "--channel", "C1")
        assert added.returncode == 0, added.stderr
        assert added.stdout.strip() == f"added feed 1: {server.url('/feed.xml')}"
        polled = run("poll")
        assert polled.returncode == 0, polled.stderr
        assert "feed 1: 2 new entries queued (2 in the feed)" in polled.stdout
        assert "incident #1 (new incident)" in polled.stdout
        assert "Gone: unreadable (could not connect to 127.0.0.1" in polled.stdout
        assert run("poll").stdout.strip() == "no feed is due"
        listed = run("list")
        assert "ransomware only · every 30 min · active" in listed.stdout
        assert "2 entries, 1 incident" in listed.stdout
        assert run("remove", "1", "--team", "T1").returncode == 0
        assert run("list").stdout.strip() == "no feeds"


def test_bad_input_exits_2() -> None:
    for args in (("add", "ftp://a.test/feed"), ("add", "https://a.test/feed", "sports"), ("remove", "7")):
        result = run(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("error: ")


def test_a_feed_that_cannot_be_read_exits_3() -> None:
    with LoopbackServer() as server:
        server.page("/page", "<html><body><p>Not a feed</p></body></html>")
        assert run("add", server.url("/page")).returncode == 0
        polled = run("poll", "1")
        assert polled.returncode == 3
        assert "web page, not a feed" in polled.stdout
