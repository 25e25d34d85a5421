"""Nothing lost on a crash: the bot as a real process, killed with SIGKILL at random points while it
works on mentions, restarted on the same database; every mention gets its reply, once.

Also: SIGTERM lets in-flight work finish; a long Retry-After puts the work back in the queue
instead of holding a worker, so other channels are still answered."""

from __future__ import annotations

import json
import os
import random
import signal
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from tests.slack.conftest import BOT_USER, Bot, start_bot
from tests.slack_standin import SlackStandIn
from tests.sources.conftest import LoopbackServer, article_html

# The article page answers after this long: a kill can land while the link is being read.
SLOW_PAGE_S = 1.0
KILL_RUNS = int(os.environ.get("KILL_RUNS", "30"))
# Kill points: from right after Slack got its ack to well after a reply is usually posted.
KILL_WINDOW_S = (0.0, 3.0)
FAST_LEASE = {"INCIDENT_BOT_JOB_LEASE": "2", "INCIDENT_BOT_WORKERS": "2"}


@pytest.fixture
def pages() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    server._thread.start()

    def slow(h: BaseHTTPRequestHandler) -> None:
        time.sleep(SLOW_PAGE_S)
        data = article_html().encode()
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    server.routes["/slow"] = slow
    try:
        yield server
    finally:
        server.stop.set()
        server.httpd.shutdown()
        server.httpd.server_close()


def mention(text: str, *, ts: str, channel: str = "C0PUBLIC") -> dict[str, Any]:
    return {"type": "app_mention", "user": "U0ALICE", "text": f"<@{BOT_USER}> {text}", "ts": ts, "channel": channel}


def replies_by_thread(slack: SlackStandIn) -> Counter[str]:
    """Cards and problem replies the stand-in accepted, per thread (failed calls do not count)."""
    return Counter(str(c.body.get("thread_ts")) for c in slack.calls_to("chat.postMessage") if not c.failed)


def wait_until(predicate: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return bool(predicate())


def job_states(bot: Bot) -> list[tuple[Any, ...]]:
    import sqlite3

    assert bot.database is not None
    with sqlite3.connect(bot.database) as db:
        return list(db.execute("SELECT id, key, state, attempts, outcome, holder, lease_until FROM jobs"))


def kill(bot: Bot) -> None:
    os.kill(bot.process.pid, signal.SIGKILL)
    bot.process.wait(timeout=10)


def test_sigkill_at_random_points_loses_no_reply(slack: SlackStandIn, pages: LoopbackServer, tmp_path: Path) -> None:
    """30 runs: a mention of a slow link, SIGKILL at a random moment of its life (before it is
    claimed, while the link is read, while it is summarized, while or after the reply is posted),
    a restart on the same database, and Slack's retry of the event.

    Every mention gets its reply (0 lost), and once (0 doubled): a job taken over posts only what
    its outbox has unsent, and reads its thread back for a reply Slack accepted just before the
    kill."""
    rng = random.Random(20261130)
    link = pages.url("/slow")
    threads = [f"1700000100.{i:06d}" for i in range(KILL_RUNS)]
    bot = start_bot(slack, tmp_path, **FAST_LEASE)
    try:
        for i, ts in enumerate(threads):
            event = mention(f"have a look {link}", ts=ts)
            assert bot.event(event, event_id=f"EvKill{i}").status == 200
            time.sleep(rng.uniform(*KILL_WINDOW_S))
            kill(bot)
            bot = start_bot(slack, tmp_path, **FAST_LEASE)
            assert bot.event(event, event_id=f"EvKill{i}", headers={"X-Slack-Retry-Num": "1"}).status == 200
            if not wait_until(lambda ts=ts: replies_by_thread(slack)[ts] >= 1, timeout=60):
                pytest.fail(f"run {i}: no reply; jobs: {job_states(bot)}; log: {bot.log.read_text()[-3000:]}")
        time.sleep(1.0)  # a duplicate of the last run, if any, would be posted by now
    finally:
        bot.stop()
    counts = replies_by_thread(slack)
    lost = [ts for ts in threads if counts[ts] == 0]
    doubled = [ts for ts in threads if counts[ts] > 1]
    print(f"SIGKILL runs: {KILL_RUNS}, lost: {len(lost)}, doubled: {len(doubled)}")  # shown with -s
    assert lost == []
    assert doubled == []


def test_sigterm_lets_in_flight_work_finish(slack: SlackStandIn, pages: LoopbackServer, tmp_path: Path) -> None:
    bot = start_bot(slack, tmp_path)
    try:
        assert bot.event(mention(f"read {pages.url('/slow')}", ts="1700000200.000001"), event_id="EvTerm").status == 200
        time.sleep(0.3)  # the link is being read
        bot.process.send_signal(signal.SIGTERM)
        assert bot.process.wait(timeout=30) == 0
    finally:
        bot.stop()
    assert replies_by_thread(slack)["1700000200.000001"] == 1


def test_a_long_retry_after_does_not_hold_the_workers(slack: SlackStandIn, tmp_path: Path) -> None:
    """Eight replies rate-limited with a Retry-After longer than a worker may wait: they go back to
    the queue, and a ninth channel's mention is answered meanwhile; the eight follow later, once each."""
    article = (Path(__file__).resolve().parents[2] / "examples" / "ransomware-hospital.txt").read_text()
    retry_after = 6
    slack.fail_next("chat.postMessage", times=8, status=429, retry_after=retry_after)
    bot = start_bot(slack, tmp_path, INCIDENT_BOT_SLACK_MAX_WAIT="1", INCIDENT_BOT_WORKERS="8")
    try:
        for n in range(8):
            bot.event(mention(article, ts=f"1700000300.00000{n}", channel=f"C0BUSY{n}"), event_id=f"EvBusy{n}")
        assert len(slack.wait_for("chat.postMessage", count=8, timeout=60)) >= 8
        started = time.monotonic()
        bot.event(mention(article, ts="1700000301.000000", channel="C0NINTH"), event_id="EvNinth")
        assert wait_until(lambda: replies_by_thread(slack)["1700000301.000000"] == 1, timeout=retry_after - 1)
        waited = time.monotonic() - started
        busy = [f"1700000300.00000{n}" for n in range(8)]
        assert wait_until(lambda: all(replies_by_thread(slack)[ts] == 1 for ts in busy), timeout=60)
    finally:
        bot.stop()
    assert waited < retry_after
    counts = replies_by_thread(slack)
    assert all(counts[ts] == 1 for ts in busy)
    # each rate-limited post was retried no sooner than Slack asked
    first_try = {c.body["thread_ts"]: c.at for c in slack.calls_to("chat.postMessage") if c.failed}
    for c in slack.calls_to("chat.postMessage"):
        if not c.failed and c.body["thread_ts"] in first_try:
            assert c.at - first_try[c.body["thread_ts"]] >= retry_after - 0.5, json.dumps(c.body)[:200]
