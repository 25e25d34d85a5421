"""Durable work: what a Slack request starts is a job in the database before Slack gets its ack,
and a live process runs it under a lease until it is done (storage/jobs.py has the rows and the
claims).

- A crash, a ``kill -9`` or a lost node at any point loses nothing: the job stays in the
  database, its lease lapses, and the next process that looks — this one restarted, or another
  replica — takes it over.
- The user gets one reply: the replies are written to the job's outbox before the first one is
  posted, each is marked sent right after Slack accepts it, and a job taken over posts only what
  is unsent. The one window left is between Slack accepting a post and the mark being committed
  (docs/durability.md measures it).
- A worker never sleeps on Slack for long: a rate limit whose Retry-After is longer than
  ``INCIDENT_BOT_SLACK_MAX_WAIT`` raises :class:`Requeue`, and the job goes back to the queue
  until then, leaving the worker free for other channels.
- Bookkeeping is retried, posts are not: when the database drops while a reply is in flight, the
  "sent" mark is retried until it sticks; the post itself is never repeated for that.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, TypeVar

from bot.errors import IncidentBotError, StorageError
from storage.jobs import CLAIM_SEPARATOR
from storage.records import JobRecord, OutboxReply, SentReply

log = logging.getLogger(__name__)
T = TypeVar("T")

# A job that failed this many times (an exception in its handler) is given up and its user told
# so. A job whose holders died while running it (a crash, kill -9) is run again; one claimed this
# many times without ever finishing is taken to be what kills them, and is given up unrun.
MAX_ATTEMPTS = 3
MAX_CLAIMS = 6
# How often an idle worker looks for jobs other processes handed back or left behind.
POLL_S = 1.0
# Bookkeeping after a post: retried for about this long while the database comes back.
BOOKKEEPING_RETRY_S = 60.0


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Requeue(Exception):
    """Raised by a job's handler: put the job back, runnable after ``delay_s`` seconds."""

    def __init__(self, delay_s: float, reason: str) -> None:
        super().__init__(reason)
        self.delay_s = max(0.0, delay_s)
        self.reason = reason


class LeaseLost(Exception):
    """The job was taken over by another process (this one's lease lapsed): stop working on it."""


def retry_bookkeeping(work: Callable[[], T], *, what: str, budget_s: float = BOOKKEEPING_RETRY_S) -> T:
    """Run a database write until it succeeds or ``budget_s`` is spent (then raise its error).

    For the record of something already done outside (a post Slack accepted): doing it again
    would double it, so only the record is retried."""
    deadline = time.monotonic() + budget_s
    delay = 0.05
    while True:
        try:
            return work()
        except StorageError:
            if time.monotonic() + delay > deadline:
                raise
            log.warning("recording %s failed; retrying in %.2f s", what, delay)
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


class ClaimKeeper:
    """Renews a claim every ``every_s`` seconds on a thread, while the ``with`` block runs:
    ``renew(now)`` writes the claim's new time (a digest run's, or a batch of alerts')."""

    def __init__(
        self, renew: Callable[[dt.datetime], object], *, name: str, clock: Callable[[], dt.datetime], every_s: float
    ) -> None:
        self.renew, self.name, self.clock, self.every_s = renew, name, clock, max(0.01, every_s)
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._renew, name=f"claim-{name}", daemon=True)

    def __enter__(self) -> ClaimKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join(timeout=10)

    def _renew(self) -> None:
        while not self._done.wait(self.every_s):
            try:
                self.renew(self.clock())
            except IncidentBotError:
                log.warning("could not renew the claim of %s (database unavailable)", self.name)


class JobStore(Protocol):
    """Where jobs are kept: each call is atomic on its own. ``storage.jobs.SqlJobs`` is the real
    one (SQLite or PostgreSQL); the tests also run the use cases on an in-memory one, and one
    contract suite holds both to the same behaviour (tests/storage/test_jobs.py)."""

    def enqueue(
        self, *, team_id: str, kind: str, key: str, payload: dict[str, Any], now: dt.datetime
    ) -> tuple[int, bool]: ...
    def any_runnable(self, *, now: dt.datetime) -> bool: ...
    def claim(
        self, *, holder: str, now: dt.datetime, lease: dt.timedelta, job_id: int | None, exclude: list[int]
    ) -> JobRecord | None: ...
    def renew(self, *, holders: list[str], now: dt.datetime, lease: dt.timedelta) -> set[str]: ...
    def holds(self, *, job_id: int, holder: str) -> bool: ...
    def finish(self, *, job_id: int, holder: str, now: dt.datetime, outcome: str) -> bool: ...
    def requeue(self, *, job_id: int, holder: str, not_before: dt.datetime, refund: bool) -> bool: ...
    def release(self, *, process: str, now: dt.datetime) -> int: ...
    def replies(self, *, job_id: int) -> list[SentReply]: ...
    def save_replies(self, *, job_id: int, holder: str, outbox: list[OutboxReply]) -> bool: ...
    def mark_sent(
        self, *, job_id: int, seq: int, now: dt.datetime, message_ts: str | None, failure: str | None
    ) -> None: ...
    def prune(self, *, older_than: dt.datetime) -> int: ...
    def counts(self) -> dict[str, int]: ...


class JobQueue:
    """The jobs' use cases: what handlers and runners ask of the job store."""

    def __init__(self, rows: JobStore, *, lease: dt.timedelta, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.rows, self.lease, self.clock = rows, lease, clock
        self.process = uuid.uuid4().hex[:12]  # this process; a restart is a new one
        self._wake = threading.Event()

    def _token(self) -> str:
        """A new claim's holder token: which process, and which of its claims."""
        return f"{self.process}{CLAIM_SEPARATOR}{uuid.uuid4().hex[:16]}"

    def enqueue(self, *, team_id: str, kind: str, key: str, payload: dict[str, Any]) -> tuple[int, bool]:
        """Record the job (committed when this returns); (id, created). Wakes this process's workers."""
        job_id, created = self.rows.enqueue(team_id=team_id, kind=kind, key=key, payload=payload, now=self.clock())
        self._wake.set()
        return job_id, created

    def claim(self, *, job_id: int | None = None, exclude: Iterable[int] = ()) -> JobRecord | None:
        """A runnable job under a new claim, or None. ``exclude``: jobs this process is still
        working on, whose leases may have lapsed while it stalled; taking them would run them twice."""
        now = self.clock()
        if job_id is None and not self.rows.any_runnable(now=now):
            return None  # a read: idle workers never take SQLite's write lock
        return self.rows.claim(holder=self._token(), now=now, lease=self.lease, job_id=job_id, exclude=list(exclude))

    def renew(self, claims: Iterable[JobRecord]) -> set[int]:
        """Extend the leases of ``claims``; the ids of the jobs they still hold."""
        by_token = {c.holder: c.id for c in claims}
        if not by_token:
            return set()
        kept = self.rows.renew(holders=list(by_token), now=self.clock(), lease=self.lease)
        return {by_token[t] for t in kept}

    def holds(self, job: JobRecord) -> bool:
        return self.rows.holds(job_id=job.id, holder=job.holder)

    def finish(self, job: JobRecord, outcome: str) -> bool:
        return retry_bookkeeping(
            lambda: self.rows.finish(job_id=job.id, holder=job.holder, now=self.clock(), outcome=outcome),
            what=f"job {job.id} done",
        )

    def requeue(self, job: JobRecord, *, delay_s: float, refund: bool = False) -> bool:
        """Back to the queue after ``delay_s``; ``refund``: the attempt does not count (Slack asked
        to wait; the job did not fail)."""
        when = self.clock() + dt.timedelta(seconds=delay_s)
        return retry_bookkeeping(
            lambda: self.rows.requeue(job_id=job.id, holder=job.holder, not_before=when, refund=refund),
            what=f"job {job.id} back in the queue",
        )

    def release(self) -> int:
        """Hand back every job this process's claims still hold (it is stopping)."""
        return self.rows.release(process=self.process, now=self.clock())

    def replies(self, job_id: int) -> list[SentReply]:
        return self.rows.replies(job_id=job_id)

    def save_replies(self, job: JobRecord, outbox: list[OutboxReply]) -> list[SentReply]:
        """Write the outbox (once) and return it as stored; LeaseLost when the job was taken over."""
        saved = self.rows.save_replies(job_id=job.id, holder=job.holder, outbox=outbox)
        if not saved and not self.holds(job):
            raise LeaseLost(f"job {job.id} was taken over")
        return self.replies(job.id)

    def mark_sent(self, job_id: int, seq: int, *, message_ts: str | None, failure: str | None = None) -> None:
        retry_bookkeeping(
            lambda: self.rows.mark_sent(
                job_id=job_id, seq=seq, now=self.clock(), message_ts=message_ts, failure=failure
            ),
            what=f"reply {seq} of job {job_id} sent",
        )

    def prune(self, *, older_than: dt.datetime) -> int:
        return self.rows.prune(older_than=older_than)

    def counts(self) -> dict[str, int]:
        return self.rows.counts()

    def wait_for_work(self, timeout: float) -> None:
        if self._wake.wait(timeout):
            self._wake.clear()

    def wake(self) -> None:
        self._wake.set()


# A job's handler: does the work (posting from the outbox), returns the outcome to record.
# It may raise Requeue (come back later), LeaseLost (someone else has it now) or anything else
# (a failure: retried up to MAX_ATTEMPTS, then given up).
Handler = Callable[[JobRecord], str]
# Told when a job is given up (to tell its user); must not raise.
GiveUp = Callable[[JobRecord, BaseException], None]


class JobRunner:
    """Worker threads that claim jobs and run them, and one that renews their leases."""

    def __init__(
        self,
        queue: JobQueue,
        handlers: Mapping[str, Handler],
        *,
        threads: int,
        give_up: GiveUp | None = None,
        poll_s: float = POLL_S,
    ) -> None:
        self.queue, self.handlers, self.give_up = queue, dict(handlers), give_up
        self._threads_wanted, self._poll_s = threads, poll_s
        self._stopping = threading.Event()
        self._beat_stop = threading.Event()  # set once no worker can hold a job any more
        self._held: dict[int, JobRecord] = {}  # job id -> the claim a worker thread runs it under
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._beat: threading.Thread | None = None

    def start(self) -> None:
        for i in range(self._threads_wanted):
            t = threading.Thread(target=self._work, name=f"incident-bot-job-{i}", daemon=True)
            t.start()
            self._threads.append(t)
        self._beat = threading.Thread(target=self._heartbeat, name="incident-bot-leases", daemon=True)
        self._beat.start()

    def held(self) -> list[JobRecord]:
        with self._lock:
            return list(self._held.values())

    def stop(self, *, drain_s: float) -> int:
        """Stop taking jobs, let running ones finish for up to ``drain_s`` seconds, then hand the
        rest back to the queue; the number handed back."""
        self._stopping.set()
        self.queue.wake()
        deadline = time.monotonic() + drain_s
        for t in self._threads:
            t.join(timeout=max(0.0, deadline - time.monotonic()))
        self._beat_stop.set()
        if self._beat is not None:
            self._beat.join(timeout=5)
        try:
            handed_back = self.queue.release()
        except StorageError:
            log.exception("could not hand jobs back; they are taken over when their leases lapse")
            return -1
        if handed_back:
            log.warning("stopped with %d submissions unfinished; handed back to the queue", handed_back)
        return handed_back

    def _work(self) -> None:
        while not self._stopping.is_set():
            try:
                job = self.queue.claim(exclude=[c.id for c in self.held()])
            except StorageError:
                log.warning("could not claim jobs (database unavailable); trying again shortly")
                job = None
            if job is None:
                self.queue.wait_for_work(self._poll_s * (0.5 + random.random()))
                continue
            self.run(job)

    def run(self, job: JobRecord) -> None:
        """Run one claimed job to its end: done, back in the queue, or given up."""
        with self._lock:
            self._held[job.id] = job
        try:
            if job.attempts > MAX_CLAIMS:
                raise RuntimeError(f"claimed {job.attempts} times without finishing")
            handler = self.handlers.get(job.kind)
            if handler is None:
                raise LookupError(f"no handler for jobs of kind {job.kind!r}")
            outcome = handler(job)
            self.queue.finish(job, outcome)
        except Requeue as again:
            log.info("job %s waits %.1f s: %s", job.id, again.delay_s, again.reason)
            self.queue.requeue(job, delay_s=again.delay_s, refund=True)
        except LeaseLost:
            log.warning("job %s was taken over by another process; leaving it to them", job.id)
        except Exception as exc:
            if job.attempts >= MAX_ATTEMPTS or job.attempts > MAX_CLAIMS:
                log.error("job %s (%s) failed %d times; giving up", job.id, job.kind, job.attempts, exc_info=exc)
                if self.give_up is not None:
                    self.give_up(job, exc)
                self.queue.finish(job, "gave_up")
            else:
                log.warning("job %s (%s) failed; it will be retried", job.id, job.kind, exc_info=exc)
                self.queue.requeue(job, delay_s=2.0**job.attempts)
        finally:
            with self._lock:
                if self._held.get(job.id) is job:
                    del self._held[job.id]

    def _heartbeat(self) -> None:
        every = max(0.2, self.queue.lease.total_seconds() / 3)
        while not self._beat_stop.wait(every):
            held = self.held()
            if not held:
                continue
            try:
                kept = self.queue.renew(held)
            except StorageError:
                log.warning("could not renew %d leases (database unavailable)", len(held))
                continue
            for lost in {c.id for c in held} - kept:
                log.warning("lost the lease of job %s", lost)
