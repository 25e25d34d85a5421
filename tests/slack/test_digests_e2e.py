"""Digests end to end: subscribe with a signed slash command, post with the CLI, and two real bot
processes on one PostgreSQL database posting a due digest exactly once."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text, update
from sqlalchemy.engine import make_url

from bot.app.cli_digest import SLACK_FAILED_EXIT
from bot.extraction import Article
from bot.runtime.slack_api import SERVER_ERROR_RETRIES
from bot.usecases import digests as digest_service
from bot.usecases.incidents import open_store, summarize_and_store
from storage.models import DigestSubscription
from tests.conftest import EXAMPLES, ROOT
from tests.slack.conftest import BOT_USER, SECRET, TEAM, Bot, start_bot
from tests.slack_standin import SlackStandIn
from tests.storage.conftest import PG_ENV, make_summary

ARTICLE = (EXAMPLES / "ransomware-hospital.txt").read_text()


def cli(*args: str, slack: SlackStandIn, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": database_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )


def digests_posted(slack: SlackStandIn) -> list[str]:
    """The digests Slack accepted (a call answered with an error posted nothing)."""
    return [
        json.dumps(c.body)
        for c in slack.calls_to("chat.postMessage")
        if not c.failed and "Incident digest" in json.dumps(c.body)
    ]


def test_subscribe_status_preview_and_send(bot: Bot, slack: SlackStandIn, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    bot.command("digest subscribe 25:00", response_url=slack.response_url("bad"))
    (bad,) = slack.wait_for("/response/bad")
    assert "HH:MM" in bad.body["text"]

    bot.command("digest subscribe weekly 08:30", response_url=slack.response_url("sub"))
    (sub,) = slack.wait_for("/response/sub")
    assert "weekly on Mondays at 08:30 Europe/London" in sub.body["text"]  # the user's zone from users.info
    assert slack.calls_to("users.info")[0].body["user"] == "U0ALICE"

    bot.event(
        {
            "type": "app_mention",
            "user": "U0ALICE",
            "text": f"<@{BOT_USER}> {ARTICLE}",
            "ts": "1700000100.1",
            "channel": "C0PUBLIC",
            "event_ts": "1700000100.1",
        },
        event_id="Ev-digest-1",
    )
    slack.wait_for("chat.postMessage")

    bot.command("digest status", response_url=slack.response_url("status"))
    bot.command("digest now", response_url=slack.response_url("now"))
    (status,) = slack.wait_for("/response/status")
    (now,) = slack.wait_for("/response/now")
    assert "next:" in status.body["text"]
    assert now.body["response_type"] == "ephemeral"
    assert "Northbridge" in json.dumps(now.body["blocks"])

    not_due = cli("digest", "send", "--channel", "C0PUBLIC", slack=slack, database_url=database_url)
    assert not_due.returncode == 0, not_due.stderr
    assert "not due yet" in not_due.stdout
    assert digests_posted(slack) == []

    # Slack answers 500 to the first try and every retry: an outside failure (exit 5, not the bug
    # code 1), nothing posted, and the period is given back for the next attempt
    slack.fail_next("chat.postMessage", status=500, times=1 + SERVER_ERROR_RETRIES)
    down = cli("digest", "send", "--channel", "C0PUBLIC", "--force", slack=slack, database_url=database_url)
    assert down.returncode == SLACK_FAILED_EXIT, down.stderr
    assert "Slack refused or failed the post" in down.stderr
    assert sum(c.failed for c in slack.calls_to("chat.postMessage")) == 1 + SERVER_ERROR_RETRIES
    assert digests_posted(slack) == []

    forced = cli("digest", "send", "--channel", "C0PUBLIC", "--force", slack=slack, database_url=database_url)
    assert forced.returncode == 0, forced.stderr
    (posted,) = digests_posted(slack)
    assert "Northbridge" in posted
    assert "1 incident" in posted

    preview = cli("digest", "preview", "--channel", "C0PUBLIC", slack=slack, database_url=database_url)
    assert preview.returncode == 0
    assert "Northbridge" in preview.stdout

    bot.command("digest unsubscribe", response_url=slack.response_url("unsub"))
    (unsub,) = slack.wait_for("/response/unsub")
    assert "stopped" in unsub.body["text"]
    gone = cli("digest", "send", "--channel", "C0PUBLIC", slack=slack, database_url=database_url)
    assert gone.returncode == 2
    assert "no digest subscription" in gone.stderr


@pytest.fixture
def pg_url() -> Iterator[str]:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"two-replica digest test needs PostgreSQL: set {PG_ENV}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, connect_args={"connect_timeout": 5})
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield (
            make_url(base)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def test_two_replicas_post_a_due_digest_exactly_once(slack: SlackStandIn, tmp_path: Path, pg_url: str) -> None:
    now = dt.datetime.now(dt.UTC)
    slot = (now - dt.timedelta(minutes=2)).replace(second=0, microsecond=0)
    store = open_store(database_url=pg_url)
    try:
        sub = digest_service.subscribe(
            store=store,
            team_id=TEAM,
            channel_id="C0PUBLIC",
            user_id="U1",
            args=(slot.strftime("%H:%M"), "UTC"),
            default_zone="UTC",
        )
        store.write(
            lambda repo: repo.session.execute(
                update(DigestSubscription)
                .where(DigestSubscription.id == sub.id)
                .values(created_at=now - dt.timedelta(hours=3))
            )
        )
        summarize_and_store(
            store=store,
            article=Article(text="Hackers breached Acme Bank and stole records."),
            summary=make_summary(title="Breach at Acme Bank", victims=["Acme Bank"]),
            team_id=TEAM,
            submitter="U2",
            channel_id="C0PUBLIC",
            conversation_type="public_channel",
            submitted_at=now - dt.timedelta(hours=1),
        )
    finally:
        store.close()
    replicas = [
        start_bot(slack, tmp_path / f"r{i}", database_url=pg_url)
        for i in range(2)
        if (tmp_path / f"r{i}").mkdir() is None
    ]
    try:
        deadline = time.monotonic() + 30
        while not digests_posted(slack) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3.0)  # both replicas' start-up passes have run by now; a second post would show
    finally:
        for r in replicas:
            r.stop()
    posted = digests_posted(slack)
    assert len(posted) == 1, posted
    assert "Acme Bank" in posted[0]
