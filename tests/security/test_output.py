"""What the bot says back: echoes escaped, link labels that cannot lie, no mention that can notify,
no hidden direction marks, and never a database URL, a path or a driver message."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from bot.errors import StorageError
from bot.extraction import Article
from bot.usecases import incidents
from handlers.slack_io.error_reports import user_message
from storage.engine import make_engine
from storage.uow import Store
from tests.slack.conftest import BOT_USER, Bot, start_bot
from tests.slack_standin import SlackStandIn
from tests.storage.conftest import make_summary

STORY = (
    "Hackers breached Parcelo Logistics and stole the personal data of 30,000 customers, the company said "
    "on Monday. Parcelo Logistics said the attackers used a phishing email to steal an employee's password. "
    "The company has reset all passwords and informed the data protection regulator. Parcelo Logistics said "
    "it had found no sign that payment data was taken."
)


def _mrkdwn_objects(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn":
            yield node
        for value in node.values():
            yield from _mrkdwn_objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _mrkdwn_objects(value)


@pytest.mark.parametrize(
    "text", ["show <!channel>", "list <!here>", "<!everyone> dance", "show <@U0BOSS>", "list <http://evil|x>"]
)
def test_every_echo_of_what_the_user_typed_is_escaped(bot: Bot, slack: SlackStandIn, text: str) -> None:
    reply = bot.command(text, response_url=slack.response_url("echo"))
    assert reply.status == 200
    said = reply.json()["text"]
    assert "<!" not in said
    assert "<@" not in said
    assert "<http" not in said
    assert "&lt;" in said  # shown, as text


def test_a_card_pings_nobody_and_carries_no_hidden_direction_marks(bot: Bot, slack: SlackStandIn) -> None:
    hostile = STORY.replace("Parcelo Logistics", "Parcelo \u202eLogistics\u200b", 1) + " <!channel> @here heads up."
    event = {"type": "app_mention", "user": "U0ALICE", "text": f"<@{BOT_USER}> {hostile}", "ts": "5.1", "channel": "C1"}
    bot.event(event, event_id="Ev-marks")
    (posted,) = slack.wait_for("chat.postMessage")
    raw = json.dumps(posted.body, ensure_ascii=False)
    assert "Parcelo" in raw
    for notifying in ("<!channel>", "@channel", "@here", "<!here>"):
        assert notifying not in raw
    assert "\u202e" not in raw
    assert "\u200b" not in raw
    objects = list(_mrkdwn_objects(posted.body["blocks"]))
    assert objects
    assert all(o.get("verbatim") is True for o in objects)  # Slack parses nothing we did not write


class _Page(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body = "".join(f"<p>{s}.</p>" for s in STORY.split(". "))
        html = (
            "<html><head><title>Parcelo breach</title>"
            '<meta property="og:site_name" content="Reuters"></head>'
            f"<body><article><h1>Parcelo breach</h1>{body}</article></body></html>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(html)))
        self.end_headers()
        self.wfile.write(html)


def test_a_link_is_labelled_with_its_real_host_whatever_the_page_calls_itself(bot: Bot, slack: SlackStandIn) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        link = f"http://127.0.0.1:{server.server_address[1]}/story"
        event = {
            "type": "app_mention",
            "user": "U0ALICE",
            "text": f"<@{BOT_USER}> <{link}>",
            "ts": "6.1",
            "channel": "C1",
        }
        bot.event(event, event_id="Ev-label")
        (posted,) = slack.wait_for("chat.postMessage")
    finally:
        server.shutdown()
        server.server_close()
    raw = json.dumps(posted.body)
    assert f"<{link}|127.0.0.1>" in raw
    assert "|Reuters>" not in raw


def test_ids_out_of_range_are_no_such_incident_on_postgresql(slack: SlackStandIn, tmp_path: Path) -> None:
    base = os.environ.get("INCIDENT_BOT_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("PostgreSQL case skipped: set INCIDENT_BOT_TEST_POSTGRES_URL")
    from tests.storage.conftest import pg_schema

    with pg_schema(base) as url:
        bot = start_bot(slack, tmp_path, database_url=url)
        try:
            for n, incident_id in enumerate(["2147483648", "9223372036854775808", "99999999999999999999"]):
                bot.command(f"show {incident_id}", response_url=slack.response_url(f"id{n}"))
                (answer,) = slack.wait_for(f"/response/id{n}")
                assert f"No incident #{incident_id} that this channel can see" in answer.body["text"]
            time.sleep(0.3)
            assert "error id" not in bot.log.read_text()
        finally:
            bot.stop()


def test_storage_errors_shown_to_users_name_no_url_path_or_driver_message(tmp_path: Path) -> None:
    secret_url = "postgresql+psycopg://incident:hunter2@127.0.0.1:1/prod_incidents"
    with pytest.raises(StorageError) as down:
        incidents.open_store(database_url=secret_url)
    path = tmp_path / "locked-store.sqlite3"
    url = f"sqlite:///{path}"
    incidents.open_store(database_url=url).close()
    store = Store(url, engine=make_engine(url, sqlite_busy_timeout_ms=100))
    blocker = make_engine(url)
    try:
        with blocker.connect() as conn:
            conn.exec_driver_sql("SELECT 1")  # the engine begins with BEGIN IMMEDIATE: the write lock is held
            with pytest.raises(StorageError) as locked:
                incidents.summarize_and_store(
                    store=store,
                    article=Article(text=STORY),
                    summary=make_summary(title="Parcelo"),
                    team_id="T1",
                    submitter="U1",
                )
            conn.rollback()
    finally:
        store.close()
        blocker.dispose()
    for error in (down.value, locked.value):
        shown = user_message(error, "abc12345")
        for leak in ("hunter2", "incident:", "127.0.0.1", "prod_incidents", str(tmp_path), "sqlite", "psycopg"):
            assert leak not in shown
        assert "database" in shown
    assert "busy" in str(locked.value)
    assert make_url(secret_url).password == "hunter2"  # the test's URL really held a password
