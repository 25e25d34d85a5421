"""The bot as a real process (`incident-bot run --mode http`), driven by signed HTTP requests, with
a loopback stand-in for the Slack Web API recording what the bot sends."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests.conftest import EXAMPLES
from tests.slack.conftest import BOT_USER, Bot, start_bot
from tests.slack_standin import SlackStandIn

ARTICLE = (EXAMPLES / "ransomware-hospital.txt").read_text()
HOSTILE = (
    "Hackers breached Acme Bank and stole the passwords of 40,000 customers, the bank said on Monday. "
    "<!channel> <!here> <@U0BOSS> see <http://evil.example|acme-bank.example> for details. "
    "The attackers used a phishing email to get in, and Acme Bank has reset every password since. "
    "The bank said it had informed the regulator and that customers should watch for suspicious messages."
)  # long enough to be read as a pasted article: its link is never fetched


def mention(text: str, *, ts: str = "1700000000.000100", channel: str = "C0PUBLIC") -> dict[str, Any]:
    return {
        "type": "app_mention",
        "user": "U0ALICE",
        "text": f"<@{BOT_USER}> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }


def blocks_text(call_body: dict[str, Any]) -> str:
    return json.dumps(call_body.get("blocks", [])) + "\n" + str(call_body.get("text", ""))


class _Pages(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, tuple[int, str]]] = {}

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        status, html = self.pages.get(self.path, (404, "<html><body>not found</body></html>"))
        data = html.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def pages() -> Iterator[str]:
    body = "".join(f"<p>{p}</p>" for p in ARTICLE.split("\n\n")[1:])
    _Pages.pages = {
        "/hospital": (
            200,
            f"<html><head><title>Hospital hit</title></head><body><article>{body}</article></body></html>",
        ),
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_health_and_url_verification(bot: Bot) -> None:
    reply = bot.post(
        json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"}), content_type="application/json"
    )
    assert reply.status == 200
    assert "abc123" in reply.body


@pytest.mark.parametrize("problem", ["wrong secret", "stale timestamp"])
def test_bad_or_stale_signatures_get_401_and_nothing_happens(bot: Bot, slack: SlackStandIn, problem: str) -> None:
    envelope = json.dumps(
        {"type": "event_callback", "team_id": "T0TEST", "event_id": "Ev-bad", "event": mention(ARTICLE)}
    )
    if problem == "wrong secret":
        reply = bot.post(envelope, content_type="application/json", secret="not-the-secret")
    else:
        reply = bot.post(envelope, content_type="application/json", timestamp=int(time.time()) - 3600)
    assert reply.status == 401
    time.sleep(0.5)  # give a wrongly accepted request the chance to act before checking it did not
    assert slack.calls_to("chat.postMessage") == []
    assert slack.calls_to("reactions.add") == []


def test_mention_with_pasted_article_replies_in_thread(bot: Bot, slack: SlackStandIn) -> None:
    reply = bot.event(mention(ARTICLE, ts="1700000001.000200"), event_id="Ev-paste")
    assert reply.status == 200
    (posted,) = slack.wait_for("chat.postMessage")
    assert posted.body["channel"] == "C0PUBLIC"
    assert posted.body["thread_ts"] == "1700000001.000200"
    text = blocks_text(posted.body)
    assert "Northbridge Regional Hospital" in text
    assert "ransomware" in text.lower()
    assert "Show evidence" in text
    assert "link_names" not in posted.body
    assert posted.body.get("parse") != "full"
    reaction = slack.calls_to("reactions.add")[0]
    assert reaction.body["name"] == "eyes"
    assert reaction.body["timestamp"] == "1700000001.000200"


def test_retries_of_one_event_get_one_reply_even_after_a_restart(slack: SlackStandIn, tmp_path: Path) -> None:
    first = start_bot(slack, tmp_path)
    try:
        assert first.event(mention(ARTICLE), event_id="Ev-retry").status == 200
        slack.wait_for("chat.postMessage")
        for n in (1, 2):
            retry = first.event(
                mention(ARTICLE),
                event_id="Ev-retry",
                headers={"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"},
            )
            assert retry.status == 200
    finally:
        first.stop()
    second = start_bot(slack, tmp_path)  # same database: the claim survived the restart
    try:
        assert second.event(mention(ARTICLE), event_id="Ev-retry", headers={"X-Slack-Retry-Num": "3"}).status == 200
        time.sleep(1.0)  # a second reply, if any, would have been posted by now
    finally:
        second.stop()
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_hostile_text_is_escaped_and_pings_nobody(bot: Bot, slack: SlackStandIn) -> None:
    bot.event(mention(HOSTILE), event_id="Ev-hostile")
    (posted,) = slack.wait_for("chat.postMessage")
    raw = json.dumps(posted.body)
    assert "<!channel>" not in raw
    assert "<!here>" not in raw
    assert "<@U0BOSS>" not in raw
    assert "<http://evil.example" not in raw
    assert "Acme Bank" in raw
    assert "@channel" not in raw  # not even as plain words Slack could turn into a mention
    assert "@here" not in raw
    assert "\\uff20channel" in raw  # shown with a full-width at sign instead


def test_links_each_get_a_card_and_a_broken_link_says_what_to_do(bot: Bot, slack: SlackStandIn, pages: str) -> None:
    bot.event(mention(f"<{pages}/hospital> and <{pages}/gone|this one>"), event_id="Ev-links")
    posted = slack.wait_for("chat.postMessage", count=2)
    assert len(posted) == 2
    texts = [blocks_text(p.body) for p in posted]
    assert any("Northbridge Regional Hospital" in t for t in texts), texts
    problem = next(t for t in texts if "couldn" in t)
    assert "404" in problem
    assert "paste the article text" in problem


def test_text_without_an_incident_gets_a_polite_note(bot: Bot, slack: SlackStandIn) -> None:
    soup = (EXAMPLES / "not-an-incident.txt").read_text()
    bot.event(mention(soup), event_id="Ev-soup")
    (posted,) = slack.wait_for("chat.postMessage")
    assert "No security incident found" in blocks_text(posted.body)


def test_rate_limited_post_is_retried_once_and_lands(bot: Bot, slack: SlackStandIn) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=1)
    bot.event(mention(ARTICLE), event_id="Ev-429")
    posted = slack.wait_for("chat.postMessage", count=2, timeout=20)
    assert len(posted) == 2  # the 429 and its retry
    assert posted[1].at - posted[0].at >= 0.9  # Retry-After was honoured
    time.sleep(0.5)
    assert len(slack.calls_to("chat.postMessage")) == 2


def test_a_post_that_keeps_failing_is_reported_to_the_user(bot: Bot, slack: SlackStandIn) -> None:
    slack.fail_next("chat.postMessage", error="channel_not_found")
    bot.event(mention(ARTICLE), event_id="Ev-fail")
    (told,) = slack.wait_for("chat.postEphemeral")
    assert told.body["user"] == "U0ALICE"
    assert re.search(r"error id [0-9a-f]{8}", told.body["text"])
    assert re.search(r"error id [0-9a-f]{8}", bot.log.read_text())


def test_huge_article_respects_block_kit_limits(bot: Bot, slack: SlackStandIn) -> None:
    huge = ("Ransomware " * 30) + "\n\n" + (ARTICLE + "\n\n") * 80
    bot.event(mention(huge), event_id="Ev-huge")
    (posted,) = slack.wait_for("chat.postMessage", timeout=30)
    blocks = posted.body["blocks"]
    assert len(blocks) <= 50
    for b in blocks:
        if b["type"] == "header":
            assert len(b["text"]["text"]) <= 150
        if b["type"] == "section" and "text" in b:
            assert len(b["text"]["text"]) <= 3000


def test_slash_summary_acks_then_posts_card_saying_who_asked(bot: Bot, slack: SlackStandIn) -> None:
    reply = bot.command(f"summary {ARTICLE}", response_url=slack.response_url("sum"))
    assert reply.status == 200
    assert "Reading it" in reply.body
    (posted,) = slack.wait_for("chat.postMessage")
    assert posted.body["channel"] == "C0PUBLIC"
    assert "<@U0ALICE>" in blocks_text(posted.body)


@pytest.mark.parametrize("text", ["help", "", "dance"])
def test_help_and_unknown_commands_get_help(bot: Bot, slack: SlackStandIn, text: str) -> None:
    reply = bot.command(text, response_url=slack.response_url("unused"))
    assert reply.status == 200
    assert "/incident summary" in reply.json()["text"]
    if text == "dance":
        assert "don't know the command" in reply.json()["text"]


def test_list_search_show_and_evidence(bot: Bot, slack: SlackStandIn) -> None:
    bot.event(mention(ARTICLE), event_id="Ev-store")
    (card,) = slack.wait_for("chat.postMessage")
    button = next(e for b in card.body["blocks"] if b["type"] == "actions" for e in b["elements"])

    bot.command("list", response_url=slack.response_url("list"))
    bot.command("search Northbridge", response_url=slack.response_url("search"))
    incident_id = button["value"].split(":")[0]
    bot.command(f"show {incident_id}", response_url=slack.response_url("show"))
    bot.action(button["value"], response_url=slack.response_url("evidence"))
    for name in ("list", "search", "show", "evidence"):
        (call,) = slack.wait_for(f"/response/{name}")
        assert call.body.get("response_type") == "ephemeral"
        assert "Northbridge" in blocks_text(call.body), name
    evidence = blocks_text(slack.calls_to("/response/evidence")[0].body)
    assert "was hit by a ransomware attack" in evidence  # the sentence the victim came from


def test_private_submissions_stay_out_of_other_channels(bot: Bot, slack: SlackStandIn) -> None:
    bot.event(mention(ARTICLE, channel="G0SECRET"), event_id="Ev-private")
    slack.wait_for("chat.postMessage")
    bot.command("list", response_url=slack.response_url("other"), channel="C0PUBLIC")
    bot.command("list", response_url=slack.response_url("same"), channel="G0SECRET")
    (other,) = slack.wait_for("/response/other")
    (same,) = slack.wait_for("/response/same")
    assert "Northbridge" not in blocks_text(other.body)
    assert "Northbridge" in blocks_text(same.body)


def test_app_home_shows_latest_incidents(bot: Bot, slack: SlackStandIn) -> None:
    bot.event(mention(ARTICLE), event_id="Ev-home-1")
    slack.wait_for("chat.postMessage")
    bot.event(
        {"type": "app_home_opened", "user": "U0ALICE", "channel": "D0HOME", "tab": "home", "event_ts": "1.1"},
        event_id="Ev-home-2",
    )
    (published,) = slack.wait_for("views.publish")
    assert published.body["user_id"] == "U0ALICE"
    assert "Northbridge" in json.dumps(published.body["view"])


def test_server_errors_are_retried_with_backoff(bot: Bot, slack: SlackStandIn) -> None:
    slack.fail_next("chat.postMessage", status=500)
    bot.event(mention(ARTICLE), event_id="Ev-500")
    posted = slack.wait_for("chat.postMessage", count=2, timeout=20)
    assert len(posted) == 2  # the 500 and the retry that landed
    assert slack.calls_to("chat.postEphemeral") == []


def test_a_second_report_says_already_reported_with_a_link(bot: Bot, slack: SlackStandIn) -> None:
    bot.event(mention(ARTICLE, ts="1700000050.000100"), event_id="Ev-first")
    slack.wait_for("chat.postMessage")
    bot.event(mention(ARTICLE, ts="1700000060.000100"), event_id="Ev-second")
    first, second = slack.wait_for("chat.postMessage", count=2)[:2]
    text = blocks_text(second.body)
    assert "Already reported" in text
    assert "https://test.slack.com/archives/C0PUBLIC/p1700000050000100" in text
    # one line, not the card again
    assert len(second.body["blocks"]) == 1
    assert len(first.body["blocks"]) > 3
    # a private channel's earlier report is never pointed at from a public one
    bot.event(
        mention((EXAMPLES / "credential-leak.txt").read_text(), channel="G0SECRET", ts="1700000070.1"),
        event_id="Ev-private-first",
    )
    slack.wait_for("chat.postMessage", count=3)
    bot.event(mention((EXAMPLES / "credential-leak.txt").read_text(), ts="1700000080.1"), event_id="Ev-public-second")
    fourth = slack.wait_for("chat.postMessage", count=4)[3]
    assert "Already reported" not in blocks_text(fourth.body)
    assert "G0SECRET" not in json.dumps(fourth.body)
