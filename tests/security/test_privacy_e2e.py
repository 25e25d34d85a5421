"""No oracle on private reports, through Slack: what a private channel submitted changes nothing that
a public channel (or the Home tab) is shown — not search results, counts, "Already reported",
digests or evidence."""

from __future__ import annotations

import json
import time

from tests.slack.conftest import BOT_USER, Bot
from tests.slack_standin import SlackStandIn

# A report only the private channel G0SECRET sees; its victim's name occurs in no other report.
SECRET = (
    "Quillfeather Analytics said on Monday that hackers breached its customer portal and stole the "
    "personal data of 18,000 clients. The company has reported the data breach to the regulator and reset "
    "every password. Quillfeather Analytics said it had hired outside investigators."
)
PUBLIC = (
    "Marlow Shipping said on Tuesday that hackers breached its booking system and stole the personal data "
    "of 52,000 passengers. The company has reported the incident to the data protection authority and "
    "is contacting everyone affected. Marlow Shipping said payment card numbers were not exposed."
)


def _mention(bot: Bot, text: str, *, channel: str, ts: str, event_id: str) -> None:
    event = {"type": "app_mention", "user": "U0ALICE", "text": f"<@{BOT_USER}> {text}", "ts": ts, "channel": channel}
    assert bot.event(event, event_id=event_id).status == 200


def _text(call_body: dict[str, object]) -> str:
    return json.dumps(call_body)


def test_search_in_a_public_channel_is_no_oracle_on_a_private_report(bot: Bot, slack: SlackStandIn) -> None:
    _mention(bot, SECRET, channel="G0SECRET", ts="10.1", event_id="Ev-secret")
    _mention(bot, PUBLIC, channel="C0PUBLIC", ts="10.2", event_id="Ev-public")
    cards = slack.wait_for("chat.postMessage", count=2)
    private_card = next(c for c in cards if c.body["channel"] == "G0SECRET")
    button = next(e for b in private_card.body["blocks"] if b["type"] == "actions" for e in b["elements"])

    bot.command("search Quillfeather", response_url=slack.response_url("pub-search"), channel="C0PUBLIC")
    bot.command("search Quillfeather", response_url=slack.response_url("priv-search"), channel="G0SECRET")
    bot.command("list", response_url=slack.response_url("pub-list"), channel="C0PUBLIC")
    bot.command(f"show {button['value'].split(':')[0]}", response_url=slack.response_url("pub-show"))
    bot.action(button["value"], response_url=slack.response_url("pub-evidence"), channel="C0PUBLIC")
    (pub_search,) = slack.wait_for("/response/pub-search")
    (priv_search,) = slack.wait_for("/response/priv-search")
    (pub_list,) = slack.wait_for("/response/pub-list")
    (pub_show,) = slack.wait_for("/response/pub-show")
    (pub_evidence,) = slack.wait_for("/response/pub-evidence")

    assert "No incidents match" in _text(pub_search.body)
    assert "Quillfeather" in _text(priv_search.body)
    listed = _text(pub_list.body)
    assert "Marlow" in listed
    assert "Quillfeather" not in listed
    assert "Latest 1 incidents" in listed  # the count holds only what the channel may see
    assert "No incident #" in _text(pub_show.body)
    assert "no longer available" in _text(pub_evidence.body)


def test_home_and_a_public_digest_show_no_private_report(bot: Bot, slack: SlackStandIn) -> None:
    # A digest covers what was seen since the channel subscribed: subscribe first.
    bot.command("digest subscribe daily 09:00", response_url=slack.response_url("sub-priv"), channel="G0SECRET")
    bot.command("digest subscribe daily 09:00", response_url=slack.response_url("sub-pub"), channel="C0PUBLIC")
    slack.wait_for("/response/sub-priv")
    slack.wait_for("/response/sub-pub")
    _mention(bot, SECRET, channel="G0SECRET", ts="11.1", event_id="Ev-secret-2")
    _mention(bot, PUBLIC, channel="C0PUBLIC", ts="11.2", event_id="Ev-public-2")
    slack.wait_for("chat.postMessage", count=2)
    bot.command("digest now", response_url=slack.response_url("now-pub"), channel="C0PUBLIC")
    bot.command("digest now", response_url=slack.response_url("now-priv"), channel="G0SECRET")
    (now_pub,) = slack.wait_for("/response/now-pub")
    (now_priv,) = slack.wait_for("/response/now-priv")
    assert "Quillfeather" not in _text(now_pub.body)
    assert "Marlow" in _text(now_pub.body)
    assert "Quillfeather" in _text(now_priv.body)

    home = {"type": "app_home_opened", "user": "U0BOB", "channel": "D0HOME", "tab": "home", "event_ts": "1.1"}
    bot.event(home, event_id="Ev-home-private")
    (published,) = slack.wait_for("views.publish")
    view = _text(published.body)
    assert "Marlow" in view
    assert "Quillfeather" not in view
    assert "G0SECRET" not in view  # the private channel's subscription is not listed either
    assert "C0PUBLIC" in view


def test_a_public_repost_of_a_private_report_says_nothing_of_it(bot: Bot, slack: SlackStandIn) -> None:
    _mention(bot, SECRET, channel="G0SECRET", ts="12.1", event_id="Ev-first-private")
    slack.wait_for("chat.postMessage")
    _mention(bot, SECRET, channel="C0PUBLIC", ts="12.2", event_id="Ev-then-public")
    second = slack.wait_for("chat.postMessage", count=2)[1]
    assert "Already reported" not in _text(second.body)
    assert "G0SECRET" not in _text(second.body)
    time.sleep(0.2)
    # The private channel, though, is told its own earlier report exists.
    _mention(bot, SECRET, channel="G0SECRET", ts="12.3", event_id="Ev-private-again")
    third = slack.wait_for("chat.postMessage", count=3)[2]
    assert "Already reported" in _text(third.body)
