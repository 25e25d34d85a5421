"""The hostile-request suite: the bot as a real process behind its HTTP endpoint, the Slack stand-in,
and a loopback "internal service" that no forged request may ever reach."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.slack.conftest import BOT_USER, TEAM, Bot, start_bot
from tests.slack.conftest import bot as bot  # the fixtures, shared with tests/slack
from tests.slack.conftest import slack as slack
from tests.slack_standin import SlackStandIn

__all__ = ["BOT_USER", "TEAM"]


@dataclass
class Sink:
    """A server on loopback standing for an internal address: it records every request it gets."""

    url: str
    hits: list[str] = field(default_factory=list)


@pytest.fixture
def sink() -> Iterator[Sink]:
    found = Sink(url="")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            found.hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    found.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()


def database_rows(bot: Bot) -> dict[str, int]:
    """How many rows each table of the bot's SQLite store holds."""
    assert bot.database is not None, "a bot on SQLite"
    with sqlite3.connect(bot.database) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        counted = ("incidents", "sources", "sightings", "slack_events", "digest_subscriptions", "digest_runs")
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables if t in counted}


def calls_after_start(slack: SlackStandIn) -> list[str]:
    """What the bot asked of Slack, leaving out what it does at start-up (auth.test)."""
    return [c.method for c in slack if c.method != "auth.test"]


@pytest.fixture(scope="module")
def module_slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(team_id=TEAM, bot_user_id=BOT_USER) as standin:
        yield standin


@pytest.fixture(scope="module")
def module_bot(module_slack: SlackStandIn, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    """One bot for a whole module (the fuzz tests send hundreds of requests to it)."""
    workdir: Path = tmp_path_factory.mktemp("fuzzbot")
    running = start_bot(module_slack, workdir)
    try:
        yield running
    finally:
        running.stop()
