"""Correcting a card and judging it, end to end: signed ``block_actions`` into the running bot,
``views.open`` with the form, a signed ``view_submission``, the correction stored and the card
updated in place (``chat.update``), all played by the Slack stand-in."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from bot.usecases import incidents
from storage.records import Audience
from tests.slack.conftest import Bot
from tests.slack.test_e2e import ARTICLE, blocks_text, mention
from tests.slack_standin import SlackStandIn


def posted_card(bot: Bot, slack: SlackStandIn) -> tuple[str, dict[str, str]]:
    """Mention the bot with the article; the card's ts and its buttons (action id -> value)."""
    bot.event(mention(ARTICLE, ts="1700000600.000100"), event_id="Ev-card")
    (card,) = slack.wait_for("chat.postMessage", timeout=30)
    ts = next(m["ts"] for m in slack.messages if m["thread_ts"] == "1700000600.000100")
    buttons = {
        e["action_id"]: e["value"]
        for b in card.body["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["type"] == "button"
    }
    return ts, buttons


def text_box(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def select(value: str) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": {"value": value}}


def form_of(slack: SlackStandIn) -> dict[str, Any]:
    (opened,) = slack.wait_for("views.open", timeout=10)
    view = opened.body["view"]
    return json.loads(view) if isinstance(view, str) else view


def test_edit_opens_the_form_and_saving_corrects_the_card_in_place(bot: Bot, slack: SlackStandIn) -> None:
    ts, buttons = posted_card(bot, slack)
    assert {"show_evidence", "edit_incident", "feedback_accurate", "feedback_wrong"} <= set(buttons)
    labels = {
        e["text"]["text"]
        for b in slack.calls_to("chat.postMessage")[0].body["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["type"] == "button"
    }
    assert "Edit" in labels
    incident_id = buttons["edit_incident"]
    assert bot.click("edit_incident", incident_id, response_url=slack.response_url("e"), message_ts=ts).status == 200
    view = form_of(slack)
    assert view["callback_id"] == "correct_incident"
    victims = next(b for b in view["blocks"] if b["block_id"] == "victims")
    assert victims["label"]["text"] == "Victims"
    assert victims["element"]["type"] == "plain_text_input"
    assert "Northbridge Regional Hospital" in victims["element"]["initial_value"]

    # a CVE that is not one: the error comes back next to the field, nothing is saved
    bad = bot.submit(view, {"cves": text_box("the Citrix bug"), "severity": select("high")})
    assert bad.status == 200
    assert bad.json() == {
        "response_action": "errors",
        "errors": {"cves": "“the Citrix bug” is not a CVE id (CVE-2024-12345)"},
    }

    saved = bot.submit(
        view,
        {
            "victims": text_box("Northbridge Regional Hospital, Northbridge Health Trust"),
            "severity": select("medium"),
            "incident_type": select("ransomware"),
            "status": select("contained"),
        },
    )
    assert saved.status == 200
    assert saved.body in ("", "{}") or saved.json() in ({}, None)
    (update,) = slack.wait_for("chat.update", timeout=10)
    assert update.body["channel"] == "C0PUBLIC"
    assert update.body["ts"] == ts
    shown = blocks_text(update.body)
    assert "Northbridge Health Trust" in shown
    assert "corrected by <@U0ALICE>" in shown
    assert "MEDIUM" in shown

    # the evidence view quotes the article's sentences and lists what the person set
    evidence = next(
        e["value"]
        for b in update.body["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "show_evidence"
    )
    bot.click("show_evidence", evidence, response_url=slack.response_url("ev"), message_ts=ts)
    (shown_evidence,) = slack.wait_for("/response/ev", timeout=10)
    evidence_text = blocks_text(shown_evidence.body)
    assert "Set by a person" in evidence_text
    assert "Northbridge Health Trust" in evidence_text
    assert "was hit by a ransomware attack" in evidence_text

    # saving the same again changes nothing: the card is left alone
    same = bot.submit(
        view,
        {
            "victims": text_box("Northbridge Regional Hospital, Northbridge Health Trust"),
            "severity": select("medium"),
        },
    )
    assert same.status == 200
    time.sleep(1.5)
    assert len(slack.calls_to("chat.update")) == 1

    # /incident show reads the corrected incident, saying who corrected it
    bot.command(f"show {incident_id}", response_url=slack.response_url("show"))
    (show,) = slack.wait_for("/response/show", timeout=10)
    assert "Northbridge Health Trust" in blocks_text(show.body)
    assert "corrected by <@U0ALICE>" in blocks_text(show.body)


def test_feedback_buttons_record_the_verdict_and_thank_the_clicker(
    bot: Bot, slack: SlackStandIn, tmp_path: Path
) -> None:
    ts, buttons = posted_card(bot, slack)
    bot.click("feedback_accurate", buttons["feedback_accurate"], response_url=slack.response_url("ok"), message_ts=ts)
    bot.click(
        "feedback_wrong", buttons["feedback_wrong"], response_url=slack.response_url("no"), user="U0BOB", message_ts=ts
    )
    (ok,) = slack.wait_for("/response/ok", timeout=10)
    (no,) = slack.wait_for("/response/no", timeout=10)
    assert ok.body["response_type"] == "ephemeral"
    assert "accurate" in ok.body["text"]
    assert "Edit" in no.body["text"]
    assert bot.database is not None
    from bot.usecases import corrections

    store = incidents.open_store(database_url=f"sqlite:///{bot.database}", migrate=False)
    try:
        deadline = time.monotonic() + 5
        while corrections.stats(store=store, team_id="T0TEST").rated < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        got = corrections.stats(store=store, team_id="T0TEST")
        assert (got.rated, got.accurate, got.wrong) == (1, 0, 1)  # one incident, one "wrong" vote among two
        assert incidents.list_incidents(store=store, team_id="T0TEST", audience=Audience.team())
    finally:
        store.close()


def test_a_card_in_another_channel_cannot_be_edited_from_here(bot: Bot, slack: SlackStandIn) -> None:
    bot.event(mention(ARTICLE, ts="1700000700.1", channel="G0SECRET"), event_id="Ev-secret")
    (card,) = slack.wait_for("chat.postMessage", timeout=30)
    incident_id = next(
        e["value"]
        for b in card.body["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "edit_incident"
    )
    bot.click("edit_incident", incident_id, response_url=slack.response_url("x"), message_ts="1.1", channel="C0PUBLIC")
    (told,) = slack.wait_for("/response/x", timeout=10)
    assert "no longer available" in told.body["text"]
    assert slack.calls_to("views.open") == []


def test_a_card_only_its_reader_saw_is_corrected_and_the_reader_told(bot: Bot, slack: SlackStandIn) -> None:
    _, buttons = posted_card(bot, slack)
    bot.click(
        "edit_incident",
        buttons["edit_incident"],
        response_url=slack.response_url("e"),
        message_ts="9.9",
        ephemeral=True,
    )
    view = form_of(slack)
    bot.submit(view, {"status": select("resolved")})
    (told,) = slack.wait_for("chat.postEphemeral", timeout=10)
    assert told.body["user"] == "U0ALICE"
    assert "Saved. Incident #" in told.body["text"]
    assert "(status)" in told.body["text"]
    assert slack.calls_to("chat.update") == []
