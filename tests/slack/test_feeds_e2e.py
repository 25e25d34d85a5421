"""Feeds, watchlists and alerts end to end: signed slash commands into the running bot, a real
loopback feed server, the Slack stand-in; and two replicas on one PostgreSQL database posting each
alert once and reading each entry once."""

from __future__ import annotations

import html
import json
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from bot.usecases import feeds, watchlists
from bot.usecases.incidents import open_store
from tests.conftest import EXAMPLES
from tests.slack.conftest import TEAM, start_bot
from tests.slack.test_digests_e2e import pg_url  # noqa: F401  # the fixture
from tests.slack_standin import SlackStandIn
from tests.sources.conftest import LoopbackServer, article_html

HOSPITAL = (EXAMPLES / "ransomware-hospital.txt").read_text()
FAST = {"INCIDENT_BOT_FEEDS_CHECK_SECONDS": "1", "INCIDENT_BOT_ALERTS_CHECK_SECONDS": "1"}


def feed_xml(server: LoopbackServer) -> str:
    title, body = HOSPITAL.split("\n", 1)
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n") if p.strip())
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Loopback security desk</title>'
        f"<item><title>{html.escape(title)}</title><guid>desk-1</guid>"
        f"<link>{server.url('/news/northbridge')}</link>"
        f"<description>{html.escape(paragraphs)}</description></item>"
        f"<item><title>Northwind breach</title><guid>desk-2</guid><link>{server.url('/news/northwind')}</link>"
        "<description>A short teaser.</description></item>"
        "</channel></rss>"
    )


def posts(slack: SlackStandIn, marker: str) -> list[dict[str, object]]:
    return [c.body for c in slack.calls_to("chat.postMessage") if not c.failed and marker in json.dumps(c.body)]


def wait_until(check: object, timeout: float = 45.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_a_channel_follows_a_feed_watches_names_and_gets_alerts(slack: SlackStandIn, tmp_path: Path) -> None:
    with LoopbackServer() as server:
        server.page("/feed.xml", feed_xml(server), "application/rss+xml")
        server.page("/news/northwind", article_html())
        bot = start_bot(slack, tmp_path, **FAST)
        try:
            bot.command(
                'watch add "Northbridge Regional Hospital" CVE-2099-0001',
                channel="C0WATCH",
                response_url=slack.response_url("watch"),
            )
            (watch,) = slack.wait_for("/response/watch")
            assert watch.body["response_type"] == "in_channel"
            assert "Northbridge Regional Hospital" in watch.body["text"]

            # What a person typed is echoed escaped: a watched name cannot ping the channel.
            bot.command('watch add "<!channel> Acme"', channel="C0WATCH", response_url=slack.response_url("hostile"))
            (hostile,) = slack.wait_for("/response/hostile")
            assert "&lt;!channel&gt; Acme" in hostile.body["text"]
            assert "<!channel>" not in hostile.body["text"]
            bot.command('watch remove "<!channel> Acme"', channel="C0WATCH", response_url=slack.response_url("rmw"))
            (unwatched,) = slack.wait_for("/response/rmw")
            assert "stopped watching" in unwatched.body["text"]
            bot.command("watch list", channel="C0WATCH", response_url=slack.response_url("wl"))
            (watching,) = slack.wait_for("/response/wl")
            assert watching.body["response_type"] == "ephemeral"
            assert "Northbridge Regional Hospital" in watching.body["text"]
            assert "Acme" not in watching.body["text"]
            bot.command("digest subscribe daily 09:00", channel="C0WATCH", response_url=slack.response_url("sub"))
            slack.wait_for("/response/sub")
            bot.command(
                f"feed add {server.url('/feed.xml')} alert:critical",
                channel="C0NEWS",
                response_url=slack.response_url("add"),
            )
            (added,) = slack.wait_for("/response/add")
            assert "now follows" in added.body["text"]
            assert "alerts at critical and above" in added.body["text"]

            wait_until(lambda: posts(slack, "Watchlist alert") and posts(slack, "Feed alert"))
            time.sleep(3.0)  # several more alert passes: a second post would show now
            (watched,) = posts(slack, "Watchlist alert")
            assert watched["channel"] == "C0WATCH"
            assert "Northbridge Regional Hospital" in json.dumps(watched["blocks"])
            (fed,) = posts(slack, "Feed alert")
            assert fed["channel"] == "C0NEWS"
            # No card per entry: the only messages are the two alerts.
            assert len([c for c in slack.calls_to("chat.postMessage") if not c.failed]) == 2

            def listed() -> str:
                name = f"list{time.monotonic_ns()}"
                bot.command("feed list", channel="C0NEWS", response_url=slack.response_url(name))
                (reply,) = slack.wait_for(f"/response/{name}")
                return str(reply.body["text"])

            wait_until(lambda: "2 entries read" in listed())
            assert "Loopback security desk" in listed()
            # Digests carry the feed's incidents, and the watching channel's opens with its watchlist.
            bot.command("digest now", channel="C0WATCH", response_url=slack.response_url("now"))
            (digest,) = slack.wait_for("/response/now")
            opening = digest.body["blocks"][1]["text"]["text"]
            assert opening.startswith("*Your watchlist*")
            assert "Northbridge Regional Hospital" in opening
            # The feed's incidents are found like any other.
            bot.command("search Northbridge", channel="C0ELSE", response_url=slack.response_url("search"))
            (found,) = slack.wait_for("/response/search")
            assert "Northbridge" in json.dumps(found.body)

            # The Home tab shows the feeds of public channels, not that a private channel follows one.
            bot.command(
                f"feed add {server.url('/private.xml')}", channel="G0PRIV", response_url=slack.response_url("p")
            )
            slack.wait_for("/response/p")
            bot.event(
                {"type": "app_home_opened", "user": "U0ALICE", "channel": "D0HOME", "tab": "home", "event_ts": "1.1"},
                event_id="Ev-feeds-home",
            )
            (home,) = slack.wait_for("views.publish")
            shown = json.dumps(home.body["view"])
            assert "*Feeds*" in shown
            assert "<#C0NEWS>" in shown
            assert "G0PRIV" not in shown
            assert "private.xml" not in shown

            feed_id = listed().split("`")[1]
            bot.command(f"feed remove {feed_id}", channel="C0NEWS", response_url=slack.response_url("rm"))
            (removed,) = slack.wait_for("/response/rm")
            assert f"removed feed `{feed_id}`" in removed.body["text"]
            assert [p for p, _ in server.requests].count("/feed.xml") == 1  # every:15 min: read once
        finally:
            bot.stop()


def test_two_replicas_read_each_entry_once_and_alert_once(
    slack: SlackStandIn,
    tmp_path: Path,
    pg_url: str,  # noqa: F811
) -> None:
    with LoopbackServer() as server:
        server.page("/feed.xml", feed_xml(server), "application/rss+xml")
        server.page("/news/northwind", article_html())
        store = open_store(database_url=pg_url)
        try:
            for channel in ("C0A", "C0B"):  # two channels follow the same feed
                feeds.add_feed(
                    store=store,
                    team_id=TEAM,
                    channel_id=channel,
                    conversation_type="public_channel",
                    user_id="U1",
                    url=server.url("/feed.xml"),
                )
            watchlists.add_terms(store=store, team_id=TEAM, channel_id="C0W", user_id="U1", text="Northbridge")
        finally:
            store.close()
        replicas = []
        for i in range(2):
            (tmp_path / f"r{i}").mkdir()
            replicas.append(start_bot(slack, tmp_path / f"r{i}", database_url=pg_url, **FAST))
        try:
            wait_until(lambda: posts(slack, "Watchlist alert"))
            engine = create_engine(pg_url)
            try:

                def entries_done() -> bool:
                    with engine.connect() as conn:
                        left = conn.execute(text("SELECT count(*) FROM feed_entries WHERE outcome = 'queued'"))
                        return left.scalar_one() == 0

                wait_until(entries_done)
                time.sleep(3.0)
                with engine.connect() as conn:
                    polls = [p for p, _ in server.requests].count("/feed.xml")
                    entries = conn.execute(text("SELECT count(*) FROM feed_entries")).scalar_one()
                    jobs = conn.execute(text("SELECT count(*) FROM jobs WHERE kind = 'feed_entry'")).scalar_one()
                    incidents = conn.execute(text("SELECT count(*) FROM incidents")).scalar_one()
            finally:
                engine.dispose()
        finally:
            for r in replicas:
                r.stop()
    assert polls == 2  # each feed polled once in its interval, by one of the replicas
    assert entries == 4  # two entries in each of the two feeds
    assert jobs == 4  # each read once
    assert incidents == 2  # the same articles from both feeds are one incident each
    assert len(posts(slack, "Watchlist alert")) == 1
