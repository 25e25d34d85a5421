"""Exports in Slack, end to end: ``/incident export ID FORMAT`` and the card's overflow menu upload
the incident as a file (files.getUploadURLExternal, the upload, files.completeUploadExternal,
all played by the stand-in) into the card's thread, with what the conversation may see; the
uploaded bytes are checked by the STIX validator and PyMISP."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import stix2
from pymisp import MISPEvent
from stix2validator import validate_string

from tests.slack.conftest import TEAM, Bot
from tests.slack.test_e2e import ARTICLE, mention
from tests.slack_standin import SlackStandIn

MENTION_TS = "1700000001.000200"


def posted_card(bot: Bot, slack: SlackStandIn, channel: str = "C0PUBLIC") -> tuple[str, dict[str, Any]]:
    """A mention answered with a card: (incident id, the card's overflow menu)."""
    bot.event(mention(ARTICLE, ts=MENTION_TS, channel=channel), event_id=f"Ev-{uuid.uuid4().hex[:8]}")
    (card,) = slack.wait_for("chat.postMessage")
    elements = [e for b in card.body["blocks"] if b["type"] == "actions" for e in b["elements"]]
    menu = next(e for e in elements if e["type"] == "overflow")
    incident_id = next(e["value"] for e in elements if e.get("action_id") == "edit_incident")
    return incident_id, menu


def uploaded(slack: SlackStandIn) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(the uploaded file's text, the getUploadURLExternal call, the completeUploadExternal call)."""
    (done,) = slack.wait_for("files.completeUploadExternal", timeout=15)
    (asked,) = slack.calls_to("files.getUploadURLExternal")
    (sent,) = [c for c in slack if c.method.startswith("/upload/")]
    return sent.body["raw"], asked.body, done.body


def test_slash_export_uploads_a_misp_event_into_the_cards_thread(bot: Bot, slack: SlackStandIn) -> None:
    incident_id, _ = posted_card(bot, slack)
    assert bot.command(f"export {incident_id} misp", response_url=slack.response_url("x")).status == 200
    text, asked, done = uploaded(slack)
    assert asked["filename"] == f"incident-{incident_id}.misp.json"
    assert done["channel_id"] == "C0PUBLIC"
    assert done["thread_ts"] == MENTION_TS  # in the thread where the card was posted
    assert f"<@U0ALICE> exported incident #{incident_id} as MISP." == done["initial_comment"]
    event = MISPEvent()
    event.load(json.loads(text))
    assert "Northbridge Regional Hospital" in {a.value for a in event.attributes if a.type == "target-org"}
    assert slack.calls_to("/response/x") == []  # nothing to tell: the file is the answer


def test_the_cards_menu_uploads_a_valid_stix_bundle(bot: Bot, slack: SlackStandIn) -> None:
    incident_id, menu = posted_card(bot, slack)
    stix_option = next(o for o in menu["options"] if o["value"].endswith(":stix"))
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": "U0BOB", "team_id": TEAM},
        "api_app_id": "A0TEST",
        "token": "unused",
        "trigger_id": f"{int(time.time())}.1.{uuid.uuid4().hex[:12]}",
        "response_url": slack.response_url("menu"),
        "channel": {"id": "C0PUBLIC"},
        "container": {"type": "message", "channel_id": "C0PUBLIC", "message_ts": "1700000002.000100"},
        "message": {"ts": "1700000002.000100", "thread_ts": MENTION_TS},
        "actions": [
            {
                "type": "overflow",
                "action_id": "export_incident",
                "block_id": "b",
                "selected_option": stix_option,
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    assert bot.interaction(payload).status == 200
    text, asked, done = uploaded(slack)
    assert asked["filename"] == f"incident-{incident_id}.stix.json"
    assert done["thread_ts"] == MENTION_TS
    assert "<@U0BOB>" in done["initial_comment"]
    assert validate_string(text).is_valid
    names = {o.get("name") for o in stix2.parse(text, allow_custom=False).objects}
    assert "Northbridge Regional Hospital" in names


def test_an_incident_this_channel_cannot_see_is_not_exported(bot: Bot, slack: SlackStandIn) -> None:
    incident_id, _ = posted_card(bot, slack, channel="G0SECRET")
    bot.command(f"export {incident_id} csv", response_url=slack.response_url("other"), channel="C0PUBLIC")
    (answer,) = slack.wait_for("/response/other")
    assert answer.body["text"] == f"No incident #{incident_id} that this channel can see."
    assert slack.calls_to("files.getUploadURLExternal") == []


def test_a_format_it_does_not_write_gets_help(bot: Bot, slack: SlackStandIn) -> None:
    reply = bot.command("export 1 pdf", response_url=slack.response_url("h"))
    assert reply.json()["text"].startswith("`/incident export` writes stix, misp, csv, json, not `pdf`.")
    time.sleep(0.5)
    assert slack.calls_to("files.getUploadURLExternal") == []
