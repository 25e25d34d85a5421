"""Signed requests delivered again (replays), requests from other workspaces, ids no store holds."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import EXAMPLES
from tests.security.conftest import TEAM, calls_after_start, database_rows
from tests.slack.conftest import BOT_USER, Bot, new_trigger_id, start_bot
from tests.slack_standin import SlackStandIn

ARTICLE = (EXAMPLES / "ransomware-hospital.txt").read_text()


def _command_form(text: str, response_url: str, trigger_id: str, team: str = TEAM) -> str:
    return urlencode(
        {
            "team_id": team,
            "channel_id": "C0PUBLIC",
            "user_id": "U0ALICE",
            "command": "/incident",
            "text": text,
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def test_a_replayed_slash_command_posts_one_card_even_across_a_restart(slack: SlackStandIn, tmp_path: Path) -> None:
    body = _command_form(f"summary {ARTICLE}", slack.response_url("sum"), new_trigger_id())
    stamp = int(time.time())
    first = start_bot(slack, tmp_path)
    try:
        for _ in range(2):  # the same signed request, twice within its five minutes
            assert first.post(body, content_type="application/x-www-form-urlencoded", timestamp=stamp).status == 200
        slack.wait_for("chat.postMessage")
        time.sleep(1.0)  # a second card, if any, would be posted by now
    finally:
        first.stop()
    second = start_bot(slack, tmp_path)  # same database: the claim outlived the process
    try:
        assert second.post(body, content_type="application/x-www-form-urlencoded", timestamp=stamp).status == 200
        time.sleep(1.5)
    finally:
        second.stop()
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_a_replayed_button_click_answers_once(bot: Bot, slack: SlackStandIn) -> None:
    bot.event(
        {
            "type": "app_mention",
            "user": "U0ALICE",
            "text": f"<@{BOT_USER}> {ARTICLE}",
            "ts": "1.5",
            "channel": "C0PUBLIC",
        },
        event_id="Ev-replay-card",
    )
    (card,) = slack.wait_for("chat.postMessage")
    value = next(e for b in card.body["blocks"] if b["type"] == "actions" for e in b["elements"])["value"]
    trigger = new_trigger_id()
    for _ in range(3):
        bot.action(value, response_url=slack.response_url("ev"), trigger_id=trigger)
    slack.wait_for("/response/ev")
    time.sleep(1.0)
    assert len(slack.calls_to("/response/ev")) == 1
    bot.action(value, response_url=slack.response_url("ev"))  # a new click (new trigger id) answers again
    assert len(slack.wait_for("/response/ev", count=2)) == 2


def test_an_event_from_another_workspace_is_ignored(bot: Bot, slack: SlackStandIn) -> None:
    calls, rows = calls_after_start(slack), database_rows(bot)
    event = {"type": "app_mention", "user": "U0EVE", "text": f"<@{BOT_USER}> {ARTICLE}", "ts": "2.1", "channel": "C0X"}
    reply = bot.event(event, event_id="Ev-foreign", team="T0OTHER")
    assert reply.status == 200  # answered, so Slack does not retry, and nothing else
    time.sleep(1.0)
    assert calls_after_start(slack) == calls
    assert database_rows(bot) == rows
    assert "ignored a request for team 'T0OTHER'" in bot.log.read_text()
    # the bot's own team is still served
    bot.event({**event, "channel": "C0PUBLIC"}, event_id="Ev-own")
    assert slack.wait_for("chat.postMessage")


def test_a_slash_command_from_another_workspace_is_ignored(bot: Bot, slack: SlackStandIn) -> None:
    body = _command_form("list", slack.response_url("foreign"), new_trigger_id(), team="T0OTHER")
    assert bot.post(body, content_type="application/x-www-form-urlencoded").status == 200
    time.sleep(0.8)
    assert slack.calls_to("/response/foreign") == []


@pytest.mark.parametrize("text", ["list \u00b2", "list \u0663", "show \u00b2", "show 1\u00b2"])
def test_digits_that_are_not_ascii_get_help_not_an_error(bot: Bot, slack: SlackStandIn, text: str) -> None:
    reply = bot.command(text, response_url=slack.response_url("digits"))
    assert reply.status == 200
    assert "takes" in reply.json()["text"]  # the help says what the command takes
    time.sleep(0.3)
    assert "error id" not in bot.log.read_text()


def test_a_button_with_superscript_ids_is_no_such_incident(bot: Bot, slack: SlackStandIn) -> None:
    bot.action("\u00b2:\u00b3", response_url=slack.response_url("sup"))
    (answer,) = slack.wait_for("/response/sup")
    assert "no longer available" in answer.body["text"]
    assert "error id" not in bot.log.read_text()
