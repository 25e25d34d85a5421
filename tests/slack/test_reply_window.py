"""The window between Slack accepting a reply and the reply being marked sent: a job taken over
after a crash in that moment finds the reply in its thread (by the metadata it carries) and does
not post it again; without the history scope it posts (a duplicate, never a loss)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from slack_sdk import WebClient

from bot.runtime.slack_api import post_message, reply_metadata
from bot.usecases.incidents import open_store
from bot.usecases.jobs import JobQueue
from handlers.slack_io.posting import deliver
from storage import Store
from storage.jobs import SqlJobs
from storage.records import OutboxReply
from tests.slack_standin import SlackStandIn


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def crashed_after_slack_accepted(slack: SlackStandIn, tmp_path: Path) -> tuple[JobQueue, Store, WebClient, int]:
    """A job whose first holder posted its reply and died before marking it sent; taken over."""
    store = open_store(database_url=f"sqlite:///{tmp_path / 'window.sqlite3'}")
    clock = Clock()
    first = JobQueue(SqlJobs(store), lease=dt.timedelta(seconds=30), clock=clock)
    job_id, _ = first.enqueue(team_id="T0TEST", kind="mention", key="EvWindow", payload={})
    claimed = first.claim()
    assert claimed is not None
    reply = OutboxReply(route="thread", channel_id="C0PUBLIC", thread_ts="1.1", user_id="U1", blocks=[], text="card")
    first.save_replies(claimed, [reply])
    client = WebClient(token="xoxb-test", base_url=slack.api_url)
    post_message(
        client, channel="C0PUBLIC", blocks=[], text="card", thread_ts="1.1", metadata=reply_metadata(job_id, 0)
    )
    clock.now += dt.timedelta(seconds=31)  # the holder is gone; its lease lapses
    second = JobQueue(SqlJobs(store), lease=dt.timedelta(seconds=30), clock=clock)
    return second, store, client, job_id


def test_a_reply_slack_already_has_is_not_posted_again(tmp_path: Path) -> None:
    with SlackStandIn() as slack:
        queue, store, client, job_id = crashed_after_slack_accepted(slack, tmp_path)
        job = queue.claim()
        assert job is not None
        assert job.attempts == 2
        assert deliver(job, queue.replies(job_id), client=client, jobs=queue, store=store) == "replied"
        posts = slack.calls_to("chat.postMessage")
        assert len(posts) == 1  # only the one before the crash
        (sent,) = queue.replies(job_id)
        assert sent.sent
        assert sent.message_ts == slack.messages[0]["ts"]
        store.close()


def test_without_the_history_scope_the_reply_is_posted(tmp_path: Path) -> None:
    with SlackStandIn() as slack:
        queue, store, client, job_id = crashed_after_slack_accepted(slack, tmp_path)
        slack.fail_next("conversations.replies", error="missing_scope")
        job = queue.claim()
        assert job is not None
        deliver(job, queue.replies(job_id), client=client, jobs=queue, store=store)
        assert len(slack.calls_to("chat.postMessage")) == 2  # a duplicate, not a lost reply
        assert queue.replies(job_id)[0].sent
        store.close()
