"""The "Summarize incident" message shortcut, end to end: a signed ``message_action`` into the
running bot, the card posted by the stand-in into the message's thread saying who asked."""

from __future__ import annotations

import time
from pathlib import Path

from tests.conftest import EXAMPLES
from tests.slack.conftest import Bot, start_bot
from tests.slack.test_e2e import blocks_text
from tests.slack_standin import SlackStandIn
from tests.sources.conftest import LoopbackServer, article_html

ARTICLE = (EXAMPLES / "ransomware-hospital.txt").read_text()


def someone_elses_message(text: str, *, ts: str = "1700000300.000100") -> dict[str, str]:
    return {"type": "message", "user": "U0BOB", "text": text, "ts": ts}


def test_a_pasted_article_gets_its_card_in_the_thread_saying_who_asked(bot: Bot, slack: SlackStandIn) -> None:
    started = time.monotonic()
    reply = bot.shortcut(someone_elses_message(ARTICLE), response_url=slack.response_url("sc"), trigger_id="T1.1")
    assert reply.status == 200
    assert time.monotonic() - started < 3  # acked without waiting for the summary
    (card,) = slack.wait_for("chat.postMessage", timeout=30)
    assert card.body["channel"] == "C0PUBLIC"
    assert card.body["thread_ts"] == "1700000300.000100"
    text = blocks_text(card.body)
    assert "Northbridge Regional Hospital" in text
    assert "requested by <@U0ALICE>" in text  # who asked, not who wrote the message
    # a replay of the same signed request finds the job: no second card
    again = bot.shortcut(someone_elses_message(ARTICLE), response_url=slack.response_url("sc"), trigger_id="T1.1")
    assert again.status == 200
    time.sleep(1.5)
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_a_link_somebody_else_posted_is_read(slack: SlackStandIn, tmp_path: Path) -> None:
    with LoopbackServer() as pages:
        pages.page("/story", article_html())
        bot = start_bot(slack, tmp_path)
        try:
            link = pages.url("/story")
            message = someone_elses_message(f"worth a look <{link}>", ts="1700000400.1")
            bot.shortcut(message, response_url=slack.response_url("l"))
            (card,) = slack.wait_for("chat.postMessage", timeout=30)
            assert card.body["thread_ts"] == "1700000400.1"
            assert "Northwind Logistics" in blocks_text(card.body)
            assert [path for path, _ in pages.requests] == ["/story"]
        finally:
            bot.stop()


def test_a_message_with_nothing_to_summarize_is_told_to_the_asker_only(bot: Bot, slack: SlackStandIn) -> None:
    bot.shortcut(someone_elses_message("lunch at noon?", ts="1700000500.1"), response_url=slack.response_url("empty"))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (
        slack.calls_to("chat.postEphemeral") or slack.calls_to("/response/empty")
    ):
        time.sleep(0.1)
    told = slack.calls_to("chat.postEphemeral") or slack.calls_to("/response/empty")
    assert told, "the asker was not told"
    assert slack.calls_to("chat.postMessage") == []  # nothing posted for everyone
    assert "No security incident found" in str(told[0].body)
    assert told[0].body.get("response_type", "ephemeral") == "ephemeral"
