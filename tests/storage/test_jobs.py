"""Durable jobs: recorded once, claimed by one holder, leases that lapse and are taken over, an
outbox written once and marked sent once.

One contract suite, run on the real tables (SQLite and PostgreSQL) and on the in-memory fake the
use-case tests use (tests/fakes.py): the fake cannot drift from the real thing unnoticed."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from bot.errors import StorageError
from bot.usecases.incidents import open_store
from bot.usecases.jobs import JobQueue, JobStore, retry_bookkeeping
from storage.jobs import SqlJobs
from storage.records import JobRecord, OutboxReply
from tests.fakes import Clock, MemoryJobs
from tests.storage.conftest import database_url

LEASE = dt.timedelta(seconds=30)


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def rows(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[JobStore]:
    """The job store under test: the in-memory fake, or the real tables on SQLite and PostgreSQL."""
    if request.param == "memory":
        yield MemoryJobs()
        return
    with database_url(request.param, tmp_path_factory) as url:
        store = open_store(database_url=url)
        try:
            yield SqlJobs(store)
        finally:
            store.close()


def queue(rows: JobStore, clock: Clock) -> JobQueue:
    return JobQueue(rows, lease=LEASE, clock=clock)


def claimed(q: JobQueue, **how: Any) -> JobRecord:
    """A claim that must succeed."""
    job = q.claim(**how)
    assert job is not None, "nothing was runnable"
    return job


def reply(text: str) -> OutboxReply:
    return OutboxReply(route="thread", channel_id="C1", thread_ts="1.1", user_id="U1", blocks=[], text=text)


def test_a_redelivered_request_finds_its_job(rows: JobStore) -> None:
    q = queue(rows, Clock())
    first = q.enqueue(team_id="T1", kind="mention", key="Ev1", payload={"text": "a"})
    again = q.enqueue(team_id="T1", kind="mention", key="Ev1", payload={"text": "changed"})
    other_team = q.enqueue(team_id="T2", kind="mention", key="Ev1", payload={"text": "b"})
    assert first[1] is True
    assert again == (first[0], False)
    assert other_team[1] is True
    assert other_team[0] != first[0]
    job = q.claim(job_id=first[0])
    assert job is not None
    assert job.payload == {"text": "a"}
    assert job.attempts == 1


def test_one_holder_at_a_time_until_the_lease_lapses(rows: JobStore) -> None:
    clock = Clock()
    a, b = queue(rows, clock), queue(rows, clock)
    job_id, _ = a.enqueue(team_id="T1", kind="mention", key="Ev1", payload={})
    held = claimed(a)
    assert b.claim() is None  # held
    clock.advance(29)
    assert b.claim() is None
    assert a.renew([held]) == {job_id}  # a is alive: its lease moves on
    clock.advance(29)
    assert b.claim() is None
    clock.advance(2)  # a stopped renewing (it died): the lease lapsed
    taken = b.claim()
    assert taken is not None
    assert taken.id == job_id
    assert taken.attempts == 2
    # a cannot act for the job any more
    assert a.renew([held]) == set()
    assert not a.holds(held)
    assert b.holds(taken)
    assert a.finish(held, "replied") is False
    assert b.finish(taken, "replied") is True
    clock.advance(3600)
    assert b.claim() is None  # done is done


def test_a_lapsed_claim_taken_over_in_the_same_process_cannot_act(rows: JobStore) -> None:
    """Two claims of one process (two worker threads): the first stalled past its lease and the
    second took the job. Each claim has its own token, so the first can no longer renew, write
    the outbox, finish or requeue — the same process is no excuse."""
    from bot.usecases.jobs import LeaseLost

    clock = Clock()
    q = queue(rows, clock)
    job_id, _ = q.enqueue(team_id="T1", kind="mention", key="Ev1", payload={})
    stalled = claimed(q)
    clock.advance(31)
    fresh = claimed(q)
    assert fresh.id == stalled.id == job_id
    assert fresh.holder != stalled.holder
    assert q.renew([stalled, fresh]) == {job_id}  # kept by the fresh claim only
    assert not q.holds(stalled)
    assert q.holds(fresh)
    with pytest.raises(LeaseLost):
        q.save_replies(stalled, [reply("late")])
    assert q.finish(stalled, "replied") is False
    assert q.requeue(stalled, delay_s=0) is False
    assert q.finish(fresh, "replied") is True


def test_a_process_does_not_take_over_a_job_it_is_still_running(rows: JobStore) -> None:
    """A worker looking for work skips the jobs its own process is still running, even when
    their leases lapsed (a stalled heartbeat): running them again would post twice."""
    clock = Clock()
    q = queue(rows, clock)
    running, _ = q.enqueue(team_id="T1", kind="mention", key="Ev1", payload={})
    waiting, _ = q.enqueue(team_id="T1", kind="mention", key="Ev2", payload={})
    held = claimed(q)
    assert held.id == running
    clock.advance(31)
    other = claimed(q, exclude=[running])
    assert other.id == waiting
    assert q.claim(exclude=[running, waiting]) is None
    assert q.claim() is not None  # without the exclusion the lapsed lease is runnable


def test_release_hands_back_only_this_process_s_claims(rows: JobStore) -> None:
    clock = Clock()
    a, b = queue(rows, clock), queue(rows, clock)
    for i in range(3):
        a.enqueue(team_id="T1", kind="mention", key=f"Ev{i}", payload={})
    assert a.claim() is not None
    assert a.claim() is not None
    theirs = claimed(b)
    assert a.release() == 2
    assert b.holds(theirs)
    assert b.release() == 1


def test_requeue_waits_and_refund_keeps_the_attempt(rows: JobStore) -> None:
    clock = Clock()
    q = queue(rows, clock)
    q.enqueue(team_id="T1", kind="mention", key="Ev1", payload={})
    first = claimed(q)
    assert q.requeue(first, delay_s=60, refund=True)
    clock.advance(59)
    assert q.claim() is None
    clock.advance(2)
    again = q.claim()
    assert again is not None
    assert again.attempts == 1
    assert q.requeue(again, delay_s=0)
    third = claimed(q)
    assert third.attempts == 2


def test_release_hands_jobs_back_at_once(rows: JobStore) -> None:
    clock = Clock()
    a, b = queue(rows, clock), queue(rows, clock)
    ids = [a.enqueue(team_id="T1", kind="mention", key=f"Ev{i}", payload={})[0] for i in range(2)]
    assert a.claim() is not None
    assert a.claim() is not None
    assert b.claim() is None
    assert a.release() == 2
    got = {j.id for j in (b.claim(), b.claim()) if j is not None}
    assert got == set(ids)


def test_jobs_are_claimed_oldest_first_and_not_before_they_are_due(rows: JobStore) -> None:
    clock = Clock()
    q = queue(rows, clock)
    first, _ = q.enqueue(team_id="T1", kind="mention", key="Ev1", payload={})
    second, _ = q.enqueue(team_id="T1", kind="mention", key="Ev2", payload={})
    job = claimed(q)
    assert job.id == first
    assert q.requeue(job, delay_s=10)
    job = claimed(q)
    assert job.id == second
    assert q.claim() is None
    clock.advance(10)
    job = claimed(q)
    assert job.id == first


def test_the_outbox_is_written_once_and_marked_sent_once(rows: JobStore) -> None:
    clock = Clock()
    a, b = queue(rows, clock), queue(rows, clock)
    job_id, _ = a.enqueue(team_id="T1", kind="mention", key="Ev1", payload={})
    assert a.replies(job_id) == []
    held = claimed(a)
    saved = a.save_replies(held, [reply("one"), reply("two")])
    assert [(r.seq, r.reply.text, r.sent) for r in saved] == [(0, "one", False), (1, "two", False)]
    # a second write does not replace it
    assert [r.reply.text for r in a.save_replies(held, [reply("other")])] == ["one", "two"]
    a.mark_sent(job_id, 0, message_ts="111.1")
    a.mark_sent(job_id, 0, message_ts="999.9")  # a retried mark keeps the first
    clock.advance(31)
    assert b.claim() is not None
    left = [r for r in b.replies(job_id) if not r.sent]
    assert [r.reply.text for r in left] == ["two"]
    assert b.replies(job_id)[0].message_ts == "111.1"


def test_a_holder_that_lost_the_job_cannot_write_its_outbox(rows: JobStore) -> None:
    from bot.usecases.jobs import LeaseLost

    clock = Clock()
    a, b = queue(rows, clock), queue(rows, clock)
    job_id, _ = a.enqueue(team_id="T1", kind="mention", key="Ev1", payload={})
    held = claimed(a)
    clock.advance(31)
    assert b.claim() is not None
    with pytest.raises(LeaseLost):
        a.save_replies(held, [reply("late")])
    assert b.replies(job_id) == []


def test_concurrent_claims_give_each_job_to_one_holder(rows: JobStore) -> None:
    clock = Clock()
    queues = [queue(rows, clock) for _ in range(4)]
    ids = {queues[0].enqueue(team_id="T1", kind="mention", key=f"Ev{i}", payload={})[0] for i in range(20)}
    got: list[int] = []
    lock = threading.Lock()

    def drain(q: JobQueue) -> None:
        while (job := q.claim()) is not None:
            with lock:
                got.append(job.id)

    threads = [threading.Thread(target=drain, args=(q,)) for q in queues]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(got) == sorted(ids)  # every job once, none twice


def test_prune_forgets_finished_jobs_only(rows: JobStore) -> None:
    clock = Clock()
    q = queue(rows, clock)
    done, _ = q.enqueue(team_id="T1", kind="mention", key="Ev1", payload={})
    waiting, _ = q.enqueue(team_id="T1", kind="mention", key="Ev2", payload={})
    job = claimed(q, job_id=done)
    q.save_replies(job, [reply("x")])
    assert q.finish(job, "replied")
    clock.advance(3 * 86400)
    assert q.prune(older_than=clock.now - dt.timedelta(days=2)) == 1
    assert q.counts() == {"queued": 1}
    assert q.enqueue(team_id="T1", kind="mention", key="Ev2", payload={}) == (waiting, False)


def test_bookkeeping_is_retried_until_it_sticks() -> None:
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise StorageError("the database is unavailable")
        return "recorded"

    assert retry_bookkeeping(flaky, what="a test", budget_s=5) == "recorded"
    assert len(calls) == 3

    def down() -> str:
        raise StorageError("down")

    with pytest.raises(StorageError):
        retry_bookkeeping(down, what="a test", budget_s=0.2)
