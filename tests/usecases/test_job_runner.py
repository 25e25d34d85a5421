"""The job runner's rules on the in-memory job store (tests/fakes.py): each test takes
milliseconds. tests/storage/test_jobs.py holds the fake to the real tables' behaviour, and
tests/slack/test_durability.py runs the whole bot on a real database."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

from bot.usecases.jobs import MAX_ATTEMPTS, MAX_CLAIMS, JobQueue, JobRunner, LeaseLost, Requeue
from storage.records import JobRecord
from tests.fakes import Clock, MemoryJobs


def setup(lease_s: float = 30, clock: Clock | None = None) -> tuple[MemoryJobs, JobQueue]:
    rows = MemoryJobs()
    if clock is None:
        return rows, JobQueue(rows, lease=dt.timedelta(seconds=lease_s))
    return rows, JobQueue(rows, lease=dt.timedelta(seconds=lease_s), clock=clock)


def claim_one(q: JobQueue) -> JobRecord:
    job = q.claim()
    assert job is not None, "nothing was runnable"
    return job


def test_a_job_that_succeeds_is_done_with_its_outcome() -> None:
    rows, q = setup(clock=Clock())
    q.enqueue(team_id="T1", kind="mention", key="Ev1", payload={"n": 1})
    seen: list[dict[str, object]] = []
    runner = JobRunner(q, {"mention": lambda job: seen.append(job.payload) or "replied"}, threads=1)
    runner.run(claim_one(q))
    assert seen == [{"n": 1}]
    assert q.counts() == {"done": 1}
    assert rows._jobs[1].outcome == "replied"
    assert runner.held() == []


def test_requeue_puts_the_job_back_without_spending_an_attempt() -> None:
    clock = Clock()
    _, q = setup(clock=clock)
    q.enqueue(team_id="T1", kind="mention", key="Ev1", payload={})

    def slack_says_wait(job: JobRecord) -> str:
        raise Requeue(45, "rate limited")

    runner = JobRunner(q, {"mention": slack_says_wait}, threads=1)
    runner.run(claim_one(q))
    assert q.counts() == {"queued": 1}
    clock.advance(44)
    assert q.claim() is None  # not before Slack's Retry-After
    clock.advance(2)
    assert claim_one(q).attempts == 1  # the wait was refunded


def test_a_failing_job_is_retried_then_given_up_and_its_user_told() -> None:
    clock = Clock()
    rows, q = setup(clock=clock)
    q.enqueue(team_id="T1", kind="mention", key="Ev1", payload={})
    told: list[tuple[int, str]] = []

    def broken(job: JobRecord) -> str:
        raise ValueError("boom")

    runner = JobRunner(q, {"mention": broken}, threads=1, give_up=lambda job, exc: told.append((job.id, str(exc))))
    for attempt in range(1, MAX_ATTEMPTS):
        job = claim_one(q)
        assert job.attempts == attempt
        runner.run(job)
        assert q.counts() == {"queued": 1}
        assert told == []
        clock.advance(2.0**attempt - 0.5)
        assert q.claim() is None  # backs off 2, 4, … seconds
        clock.advance(1)
    runner.run(claim_one(q))
    assert told == [(1, "boom")]
    assert q.counts() == {"done": 1}
    assert rows._jobs[1].outcome == "gave_up"


def test_a_job_that_kills_its_holders_is_given_up_unrun() -> None:
    clock = Clock()
    _, q = setup(clock=clock)
    q.enqueue(team_id="T1", kind="mention", key="Ev1", payload={})
    for _ in range(MAX_CLAIMS):
        assert q.claim() is not None  # each holder "dies": its lease lapses
        clock.advance(31)
    ran: list[int] = []
    told: list[str] = []
    runner = JobRunner(
        q, {"mention": lambda job: ran.append(job.id) or "replied"}, threads=1, give_up=lambda j, e: told.append(str(e))
    )
    runner.run(claim_one(q))
    assert ran == []
    assert told == [f"claimed {MAX_CLAIMS + 1} times without finishing"]
    assert q.counts() == {"done": 1}


def test_an_unknown_kind_is_a_failure_not_a_crash() -> None:
    clock = Clock()
    _, q = setup(clock=clock)
    q.enqueue(team_id="T1", kind="shortcut", key="Ev1", payload={})
    runner = JobRunner(q, {}, threads=1)
    runner.run(claim_one(q))
    assert q.counts() == {"queued": 1}  # retried: a newer replica may know the kind


def test_a_claim_that_lost_its_lease_leaves_the_job_to_the_new_holder() -> None:
    clock = Clock()
    _, q = setup(clock=clock)
    q.enqueue(team_id="T1", kind="mention", key="Ev1", payload={})
    old = claim_one(q)
    clock.advance(31)
    new = claim_one(q)

    def taken_over(job: JobRecord) -> str:
        raise LeaseLost("taken over")

    JobRunner(q, {"mention": taken_over}, threads=1).run(old)
    assert q.holds(new)  # the old claim neither finished nor requeued it
    assert q.counts() == {"running": 1}


def test_threads_run_every_job_once() -> None:
    _, q = setup()
    done: list[int] = []
    lock = threading.Lock()

    def handler(job: JobRecord) -> str:
        with lock:
            done.append(job.payload["n"])
        return "replied"

    runner = JobRunner(q, {"mention": handler}, threads=4, poll_s=0.01)
    runner.start()
    try:
        for n in range(50):
            q.enqueue(team_id="T1", kind="mention", key=f"Ev{n}", payload={"n": n})
        deadline = time.monotonic() + 10
        while q.counts() != {"done": 50} and time.monotonic() < deadline:
            time.sleep(0.005)
    finally:
        assert runner.stop(drain_s=5) == 0
    assert sorted(done) == list(range(50))


def test_the_heartbeat_keeps_a_long_job_s_lease() -> None:
    """A job that runs for two leases and more is never taken over while its holder lives."""
    _, q = setup(lease_s=0.9)  # renewed every 0.3 s
    other = JobQueue(q.rows, lease=dt.timedelta(seconds=0.9))  # another replica, looking for work
    release = threading.Event()
    runner = JobRunner(q, {"mention": lambda job: "replied" if release.wait(5) else "timeout"}, threads=1, poll_s=0.01)
    runner.start()
    try:
        q.enqueue(team_id="T1", kind="mention", key="Ev1", payload={})
        while not runner.held():
            time.sleep(0.005)
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            assert other.claim() is None
            time.sleep(0.02)
        release.set()
    finally:
        runner.stop(drain_s=5)
    assert q.counts() == {"done": 1}


def test_stop_hands_back_what_did_not_finish_in_time() -> None:
    _, q = setup()
    started, release = threading.Event(), threading.Event()

    def slow(job: JobRecord) -> str:
        started.set()
        release.wait(5)
        raise LeaseLost("stopped")  # what the job finds once it was handed back

    runner = JobRunner(q, {"mention": slow}, threads=1, poll_s=0.01)
    runner.start()
    q.enqueue(team_id="T1", kind="mention", key="Ev1", payload={})
    assert started.wait(5)
    try:
        assert runner.stop(drain_s=0.05) == 1
    finally:
        release.set()
    assert q.counts() == {"queued": 1}
    again = claim_one(JobQueue(q.rows, lease=dt.timedelta(seconds=30)))
    assert again.attempts == 1  # being stopped did not cost the job an attempt


@pytest.mark.parametrize("lease_s", [0.2])
def test_a_process_never_takes_over_its_own_running_job(lease_s: float) -> None:
    """Even when the heartbeat cannot keep up (here: stopped), a second worker thread of the same
    runner does not claim the job its first thread is running."""
    _, q = setup(lease_s=lease_s)
    calls: list[int] = []
    release = threading.Event()

    def handler(job: JobRecord) -> str:
        calls.append(job.id)
        release.wait(5)
        return "replied"

    runner = JobRunner(q, {"mention": handler}, threads=2, poll_s=0.01)
    runner._beat_stop.set()  # no renewals: the lease lapses while the job runs
    runner.start()
    try:
        q.enqueue(team_id="T1", kind="mention", key="Ev1", payload={})
        time.sleep(lease_s * 4)
        assert calls == [1]
        release.set()
    finally:
        runner.stop(drain_s=5)
