"""Digests on real databases: exactly once, catch-up within grace, crash recovery, privacy, DST.

The clock is passed in: no test waits for wall-clock time."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from sqlalchemy import update

from bot.errors import PostError
from bot.extraction import Article
from bot.usecases import digests
from bot.usecases.incidents import summarize_and_store
from storage import Store
from storage.models import DigestSubscription
from storage.records import ConversationType, SubscriptionRecord
from tests.storage.conftest import make_summary, race

TEAM = "T1"
CHANNEL = "C0DIGEST"
UTC = dt.UTC
DAY1 = dt.datetime(2026, 3, 27, 8, 0, tzinfo=UTC)  # a Friday, before London's DST change


class Recorder:
    """Plays Slack's chat.postMessage for the digest poster: records, or fails on demand."""

    def __init__(self, fail_with: str | None = None) -> None:
        self.posts: list[tuple[str, list[dict[str, Any]], str]] = []
        self.fail_with = fail_with
        self.lock = threading.Lock()

    def __call__(self, channel: str, blocks: list[dict[str, Any]], text: str) -> str:
        if self.fail_with:
            raise PostError(self.fail_with)
        with self.lock:
            self.posts.append((channel, blocks, text))
            return f"1700000000.{len(self.posts):06d}"


def subscribe(
    store: Store, *, at: str = "09:00", zone: str = "Europe/London", created: dt.datetime = DAY1, channel: str = CHANNEL
) -> SubscriptionRecord:
    sub = digests.subscribe(
        store=store, team_id=TEAM, channel_id=channel, user_id="U1", args=(at, zone), default_zone="UTC"
    )
    store.write(
        lambda repo: repo.session.execute(
            update(DigestSubscription).where(DigestSubscription.id == sub.id).values(created_at=created)
        )
    )
    return sub


def report(
    store: Store, victim: str, at: dt.datetime, *, channel: str = CHANNEL, kind: ConversationType = "public_channel"
) -> None:
    summary = make_summary(title=f"Breach at {victim}", victims=[victim])
    summarize_and_store(
        store=store,
        article=Article(text=f"Hackers breached {victim} and stole data."),
        summary=summary,
        team_id=TEAM,
        submitter="U2",
        channel_id=channel,
        conversation_type=kind,
        message_ts="1.1",
        submitted_at=at,
    )


def send(store: Store, sub: SubscriptionRecord, now: dt.datetime, post: Recorder, **kw: Any) -> digests.SendResult:
    kw.setdefault("grace", dt.timedelta(hours=6))
    return digests.send_due(store=store, sub=sub, now=now, post=post, **kw)


def text_of(post: tuple[str, list[dict[str, Any]], str]) -> str:
    return str(post[1]) + post[2]


def test_posts_each_slot_once_covering_everything_since_the_last(store: Store) -> None:
    sub = subscribe(store)
    post = Recorder()
    report(store, "Acme Bank", DAY1 + dt.timedelta(minutes=30))
    first = send(store, sub, DAY1 + dt.timedelta(hours=1, minutes=1), post)  # 09:00 London = 09:00 UTC, slot passed
    assert first.status == "posted"
    again = send(store, sub, DAY1 + dt.timedelta(hours=3), post)
    assert again.status == "already_posted"
    assert len(post.posts) == 1
    assert "Acme Bank" in text_of(post.posts[0])
    # next day: only what came after the first digest
    report(store, "Globex", DAY1 + dt.timedelta(hours=20))
    second = send(store, sub, DAY1 + dt.timedelta(days=1, hours=1, minutes=5), post)
    assert second.status == "posted"
    assert "Globex" in text_of(post.posts[1])
    assert "Acme Bank" not in text_of(post.posts[1])


def test_two_workers_racing_for_one_slot_post_once(store: Store) -> None:
    sub = subscribe(store)
    report(store, "Acme Bank", DAY1 + dt.timedelta(minutes=30))
    post = Recorder()
    now = DAY1 + dt.timedelta(hours=1, minutes=2)
    results, _ = race([lambda: send(store, sub, now, post).status for _ in range(4)])
    assert len(post.posts) == 1
    assert sorted(results).count("posted") == 1


def test_missed_slot_is_posted_within_grace_then_skipped_after(store: Store) -> None:
    sub = subscribe(store)
    report(store, "Acme Bank", DAY1 + dt.timedelta(minutes=10))
    post = Recorder()
    late = send(store, sub, DAY1 + dt.timedelta(hours=5), post)  # back 4 h after the 09:00 slot
    assert late.status == "posted"
    sub2 = subscribe(store, channel="C0OTHER")
    report(store, "Initech", DAY1 + dt.timedelta(minutes=20), channel="C0OTHER")
    too_late = send(store, sub2, DAY1 + dt.timedelta(hours=12), post)
    assert too_late.status == "not_due"
    # nothing is dropped: the next slot covers it
    nxt = send(store, sub2, DAY1 + dt.timedelta(days=1, hours=1, minutes=1), post)
    assert nxt.status == "posted"
    assert "Initech" in text_of(post.posts[-1])


def test_a_crash_between_claim_and_post_is_recovered_once(store: Store) -> None:
    sub = subscribe(store)
    now = DAY1 + dt.timedelta(hours=1, minutes=1)
    start = DAY1
    from storage import digest_runs as runs

    crashed = store.write(
        lambda repo: runs.claim(
            repo, sub.id, period_start=start, period_end=now, now=now, expire_after=dt.timedelta(minutes=10)
        )
    )
    assert crashed is not None  # a worker claimed and died before posting
    post = Recorder()
    soon = send(store, sub, now + dt.timedelta(minutes=5), post, claim_expiry=dt.timedelta(minutes=10))
    assert soon.status == "claimed_elsewhere"
    later = send(store, sub, now + dt.timedelta(minutes=15), post, claim_expiry=dt.timedelta(minutes=10))
    assert later.status == "posted"
    assert send(store, sub, now + dt.timedelta(minutes=30), post).status == "already_posted"
    assert len(post.posts) == 1


def test_archived_channel_pauses_and_a_transient_failure_retries(store: Store) -> None:
    sub = subscribe(store)
    now = DAY1 + dt.timedelta(hours=1, minutes=1)
    failed = send(store, sub, now, Recorder(fail_with="ratelimited"))
    assert failed.status == "failed"
    ok = Recorder()
    assert send(store, sub, now + dt.timedelta(minutes=1), ok).status == "posted"  # the period was given back
    sub2 = subscribe(store, channel="C0ARCHIVED")
    paused = send(store, sub2, now, Recorder(fail_with="is_archived"))
    assert paused.status == "paused"
    found = digests.find_subscription(store=store, team_id=TEAM, channel_id="C0ARCHIVED")
    assert found is not None
    assert found.active is False
    assert send(store, found, now + dt.timedelta(days=1), ok).status == "paused"  # no loop of failures


def test_empty_period_says_so_or_stays_silent(store: Store) -> None:
    sub = subscribe(store)
    now = DAY1 + dt.timedelta(hours=1, minutes=1)
    post = Recorder()
    assert send(store, sub, now, post).status == "posted"
    assert "No new incidents" in text_of(post.posts[0])
    quiet = Recorder()
    res = send(store, sub, now + dt.timedelta(days=1), quiet, post_empty=False)
    assert res.status == "empty_skipped"
    assert quiet.posts == []
    assert send(store, sub, now + dt.timedelta(days=1, minutes=5), quiet).status == "already_posted"


def test_private_submissions_elsewhere_never_reach_the_digest(store: Store) -> None:
    sub = subscribe(store)
    report(store, "Acme Bank", DAY1 + dt.timedelta(minutes=5), channel="G0SECRET", kind="private_channel")
    report(store, "Globex", DAY1 + dt.timedelta(minutes=6), channel="C0ELSEWHERE", kind="public_channel")
    report(store, "Initech", DAY1 + dt.timedelta(minutes=7), channel=CHANNEL, kind="private_channel")
    post = Recorder()
    send(store, sub, DAY1 + dt.timedelta(hours=1, minutes=1), post)
    text = text_of(post.posts[0])
    assert "Globex" in text
    assert "Initech" in text
    assert "Acme Bank" not in text


def test_digest_leads_with_counts_and_orders_by_severity(store: Store) -> None:
    from bot.extraction.schema import Severity

    sub = subscribe(store)
    for i, (victim, sev) in enumerate(
        [("Low Co", Severity.LOW), ("Crit Co", Severity.CRITICAL), ("High Co", Severity.HIGH)]
    ):
        summary = make_summary(title=f"Breach at {victim}", victims=[victim], severity=sev)
        summarize_and_store(
            store=store,
            article=Article(text=f"{victim} breached {i}"),
            summary=summary,
            team_id=TEAM,
            submitter="U",
            channel_id=CHANNEL,
            conversation_type="public_channel",
            submitted_at=DAY1 + dt.timedelta(minutes=i),
        )
    post = Recorder()
    send(store, sub, DAY1 + dt.timedelta(hours=1, minutes=1), post)
    blocks = post.posts[0][1]
    assert "3 incidents" in blocks[1]["text"]["text"]
    body = str(blocks[2:])
    assert body.index("Crit Co") < body.index("High Co") < body.index("Low Co")


@pytest.mark.parametrize("count", [600])
def test_many_incidents_fit_block_kit_with_a_pointer_to_list(store: Store, count: int) -> None:
    sub = subscribe(store)
    for i in range(count):
        report(store, f"Company {i:04d} {'X' * 120}", DAY1 + dt.timedelta(seconds=i))
    post = Recorder()
    send(store, sub, DAY1 + dt.timedelta(hours=1, minutes=1), post)
    blocks = post.posts[0][1]
    assert len(blocks) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    assert "/incident list" in str(blocks[-1])


def test_lines_link_to_the_thread_where_the_incident_was_first_posted_here(store: Store) -> None:
    sub = subscribe(store)
    report(store, "Acme Bank", DAY1 + dt.timedelta(minutes=5))  # posted here, message 1.1
    report(store, "Globex", DAY1 + dt.timedelta(minutes=6), channel="C0ELSEWHERE")  # public, elsewhere
    asked: list[tuple[str, str]] = []

    def permalink(channel: str, ts: str) -> str:
        asked.append((channel, ts))
        return f"https://test.slack.com/archives/{channel}/p{ts.replace('.', '')}"

    post = Recorder()
    send(store, sub, DAY1 + dt.timedelta(hours=1, minutes=1), post, permalink=permalink)
    text = text_of(post.posts[0])
    assert asked == [(CHANNEL, "1.1")]
    assert f"https://test.slack.com/archives/{CHANNEL}/p11|thread" in text
    assert "C0ELSEWHERE" not in text


def _claimed_at(store: Store, sub: SubscriptionRecord) -> dt.datetime | None:
    from sqlalchemy import select

    from storage.models import DigestRun

    return store.read(
        lambda repo: repo.session.execute(
            select(DigestRun.claimed_at).where(DigestRun.subscription_id == sub.id, DigestRun.status == "claimed")
        ).scalar_one_or_none()
    )


def wait_for(predicate: Any, timeout: float = 10.0) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_claim_is_renewed_while_slack_takes_its_time(store: Store) -> None:
    """A post that outlasts the claim's expiry: the other replica still finds it held, because its
    holder is alive and renewing; one post in all."""
    sub = subscribe(store)
    report(store, "Acme Bank", DAY1 + dt.timedelta(minutes=30))
    now = DAY1 + dt.timedelta(hours=1, minutes=1)
    expiry = dt.timedelta(seconds=0.3)  # renewed every 0.1 s of real time
    clock = [now]
    other: list[digests.SendResult] = []
    recorder = Recorder()

    def slow_post(channel: str, blocks: list[dict[str, Any]], text: str) -> str:
        # Slack is slow: the clock moves well past the claim's expiry while the post is in flight.
        clock[0] = now + dt.timedelta(minutes=30)
        assert wait_for(lambda: _claimed_at(store, sub) == clock[0]), "the claim was not renewed"
        other.append(send(store, sub, clock[0] + dt.timedelta(seconds=0.1), Recorder(), claim_expiry=expiry))
        return recorder(channel, blocks, text)

    result = send(store, sub, now, slow_post, claim_expiry=expiry, clock=lambda: clock[0])  # type: ignore[arg-type]
    assert result.status == "posted"
    assert [o.status for o in other] == ["claimed_elsewhere"]
    assert len(recorder.posts) == 1
    assert send(store, sub, now + dt.timedelta(hours=1), Recorder()).status == "already_posted"


def test_a_long_retry_after_gives_the_period_back_at_once(store: Store) -> None:
    """Slack asks for a wait longer than the claim lasts: the worker does not sleep on it; the
    period is given back and posted once by a later pass."""
    from bot.errors import RateLimited

    sub = subscribe(store)
    report(store, "Acme Bank", DAY1 + dt.timedelta(minutes=30))
    now = DAY1 + dt.timedelta(hours=1, minutes=1)

    def limited(channel: str, blocks: list[dict[str, Any]], text: str) -> str:
        raise RateLimited(retry_after=3600)

    first = send(store, sub, now, limited, claim_expiry=dt.timedelta(minutes=10))  # type: ignore[arg-type]
    assert first.status == "rate_limited"
    assert "3600" in first.message
    assert _claimed_at(store, sub) is None  # given back, not left claimed
    ok = Recorder()
    assert send(store, sub, now + dt.timedelta(hours=1, minutes=1), ok).status == "posted"
    assert send(store, sub, now + dt.timedelta(hours=2), ok).status == "already_posted"
    assert len(ok.posts) == 1


def test_a_connection_lost_while_posting_records_the_post_without_posting_again(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The database drops every connection while chat.postMessage is in flight: the "posted"
    record is retried until it sticks; Slack is not asked again, and no other pass posts it."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from bot.usecases.incidents import open_store

    if not db_url.startswith("postgresql"):
        pytest.skip("dropping the server's connections needs PostgreSQL")
    tag = f"digest-drop-{uuid.uuid4().hex[:8]}"
    url = make_url(db_url)
    tagged = url.update_query_dict({"application_name": tag}).render_as_string(hide_password=False)
    admin = create_engine(db_url)
    store = open_store(database_url=tagged)
    try:
        sub = subscribe(store)
        report(store, "Acme Bank", DAY1 + dt.timedelta(minutes=30))
        now = DAY1 + dt.timedelta(hours=1, minutes=1)
        recorder = Recorder()

        def post_then_drop(channel: str, blocks: list[dict[str, Any]], text_: str) -> str:
            ts = recorder(channel, blocks, text_)
            with admin.begin() as conn:
                dropped = conn.execute(
                    text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :t"),
                    {"t": tag},
                ).scalar_one()
            assert dropped >= 1
            return ts

        with caplog.at_level("WARNING", logger="bot.usecases.jobs"):
            result = send(store, sub, now, post_then_drop)  # type: ignore[arg-type]
        assert result.status == "posted"
        assert "recording digest run" in caplog.text  # the first record failed and was retried
        assert send(store, sub, now + dt.timedelta(hours=1), Recorder()).status == "already_posted"
        assert len(recorder.posts) == 1
    finally:
        store.close()
        admin.dispose()
