"""Link previews, end to end: ``/incident unfurl on|off`` per workspace, then a signed
``link_shared`` event into the running bot and the compact card handed to ``chat.unfurl`` (the
stand-in records it), from the stored incident or a fresh reading of the page."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.slack.conftest import Bot
from tests.slack.test_e2e import blocks_text, mention
from tests.slack_standin import SlackStandIn
from tests.sources.conftest import LoopbackServer, article_html


@pytest.fixture
def pages() -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        server.page("/story", article_html())
        server.page("/recipe", article_html(title="A summer salad", body="Toss the tomatoes with basil. " * 30))
        yield server


def link_shared(url: str, *, ts: str = "1700000800.000100", **extra: str) -> dict[str, Any]:
    return {
        "type": "link_shared",
        "channel": "C0PUBLIC",
        "user": "U0ALICE",
        "message_ts": ts,
        "links": [{"domain": "127.0.0.1", "url": url}],
        **extra,
    }


def turn(bot: Bot, slack: SlackStandIn, setting: str, name: str) -> dict[str, Any]:
    bot.command(f"unfurl {setting}".strip(), response_url=slack.response_url(name))
    (answer,) = slack.wait_for(f"/response/{name}", timeout=10)
    return answer.body


def test_previews_are_off_until_the_workspace_turns_them_on(
    bot: Bot, slack: SlackStandIn, pages: LoopbackServer
) -> None:
    assert "are off" in turn(bot, slack, "", "status")["text"]
    bot.event(link_shared(pages.url("/story")), event_id="Ev-off")
    time.sleep(1.5)
    assert slack.calls_to("chat.unfurl") == []
    assert pages.requests == []  # not even read
    on = turn(bot, slack, "on", "on")
    assert on["response_type"] == "in_channel"
    assert on["text"] == "<@U0ALICE> turned link previews of incident news on."
    assert "are on" in turn(bot, slack, "", "status2")["text"]


def test_a_fresh_link_gets_a_compact_card_and_is_not_stored(
    bot: Bot, slack: SlackStandIn, pages: LoopbackServer
) -> None:
    turn(bot, slack, "on", "on")
    url = pages.url("/story")
    bot.event(link_shared(url), event_id="Ev-fresh")
    (call,) = slack.wait_for("chat.unfurl", timeout=30)
    assert call.body["channel"] == "C0PUBLIC"
    assert call.body["ts"] == "1700000800.000100"
    card = call.body["unfurls"]
    card = card if isinstance(card, dict) else __import__("json").loads(card)
    text = blocks_text(card[url])
    assert "Northwind Logistics" in text
    assert "data breach" in text
    assert "not stored" in text
    bot.command("list", response_url=slack.response_url("list"))
    (listed,) = slack.wait_for("/response/list", timeout=10)
    assert "No incidents stored yet" in listed.body["text"]


def test_a_stored_link_is_previewed_from_the_store_and_a_recipe_not_at_all(
    bot: Bot, slack: SlackStandIn, pages: LoopbackServer
) -> None:
    turn(bot, slack, "on", "on")
    url = pages.url("/story")
    bot.event(mention(f"have a look {url}", ts="1700000810.1"), event_id="Ev-store")
    slack.wait_for("chat.postMessage", timeout=30)
    read_before = len(pages.requests)
    bot.event(link_shared(url, ts="1700000820.1"), event_id="Ev-stored")
    (call,) = slack.wait_for("chat.unfurl", timeout=30)
    import json

    cards = call.body["unfurls"] if isinstance(call.body["unfurls"], dict) else json.loads(call.body["unfurls"])
    assert "incident `#1`" in blocks_text(cards[url])
    assert len(pages.requests) == read_before  # from the store: the page is not read again
    bot.event(link_shared(pages.url("/recipe"), ts="1700000830.1"), event_id="Ev-recipe")
    time.sleep(3)
    assert len(slack.calls_to("chat.unfurl")) == 1


def test_a_link_being_typed_is_previewed_by_its_unfurl_id(bot: Bot, slack: SlackStandIn, pages: LoopbackServer) -> None:
    turn(bot, slack, "on", "on")
    url = pages.url("/story")
    event = link_shared(url, unfurl_id="Uf0TEST", source="composer")
    event["channel"], event["message_ts"] = "COMPOSER", "Uf0TEST"
    bot.event(event, event_id="Ev-composer")
    (call,) = slack.wait_for("chat.unfurl", timeout=30)
    assert call.body["unfurl_id"] == "Uf0TEST"
    assert call.body["source"] == "composer"
    assert "channel" not in call.body
