"""In-memory stand-ins for the store's small aggregates and for the clock, so use-case tests run
in milliseconds.

A fake is only as good as its likeness: tests/storage/test_jobs.py runs one contract suite on
:class:`MemoryJobs` and on the real tables (SQLite and PostgreSQL), so a rule that differs
between them fails there.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import threading
from typing import Any

from storage.jobs import CLAIM_SEPARATOR
from storage.records import JobRecord, OutboxReply, SentReply


@dataclasses.dataclass
class _Job:
    id: int
    team_id: str
    kind: str
    key: str
    payload: dict[str, Any]
    state: str = "queued"
    not_before: dt.datetime | None = None
    holder: str | None = None
    lease_until: dt.datetime | None = None
    attempts: int = 0
    finished_at: dt.datetime | None = None
    outcome: str | None = None


@dataclasses.dataclass
class _Reply:
    reply: OutboxReply
    sent_at: dt.datetime | None = None
    message_ts: str | None = None
    failure: str | None = None


class MemoryJobs:
    """``bot.usecases.jobs.JobStore`` in a dict: one lock makes each call atomic, as a
    transaction does for the real one."""

    def __init__(self) -> None:
        self._jobs: dict[int, _Job] = {}
        self._replies: dict[int, list[_Reply]] = {}
        self._next_id = 1
        self._lock = threading.Lock()

    def enqueue(
        self, *, team_id: str, kind: str, key: str, payload: dict[str, Any], now: dt.datetime
    ) -> tuple[int, bool]:
        with self._lock:
            for job in self._jobs.values():
                if (job.team_id, job.key) == (team_id, key):
                    return job.id, False
            new = _Job(self._next_id, team_id, kind, key, copy.deepcopy(payload), not_before=now)
            self._jobs[new.id] = new
            self._next_id += 1
            return new.id, True

    @staticmethod
    def _runnable(job: _Job, now: dt.datetime) -> bool:
        if job.state == "queued":
            return job.not_before is not None and job.not_before <= now
        return job.state == "running" and job.lease_until is not None and job.lease_until < now

    def any_runnable(self, *, now: dt.datetime) -> bool:
        with self._lock:
            return any(self._runnable(j, now) for j in self._jobs.values())

    def claim(
        self, *, holder: str, now: dt.datetime, lease: dt.timedelta, job_id: int | None, exclude: list[int]
    ) -> JobRecord | None:
        with self._lock:
            for job in sorted(self._jobs.values(), key=lambda j: j.id):
                if job_id is not None and job.id != job_id:
                    continue
                if job.id in exclude or not self._runnable(job, now):
                    continue
                job.state, job.holder, job.lease_until = "running", holder, now + lease
                job.attempts += 1
                return JobRecord(
                    id=job.id,
                    team_id=job.team_id,
                    kind=job.kind,
                    key=job.key,
                    payload=copy.deepcopy(job.payload),
                    attempts=job.attempts,
                    holder=holder,
                )
            return None

    def _held(self, job_id: int, holder: str) -> _Job | None:
        job = self._jobs.get(job_id)
        return job if job is not None and job.holder == holder and job.state == "running" else None

    def renew(self, *, holders: list[str], now: dt.datetime, lease: dt.timedelta) -> set[str]:
        with self._lock:
            kept = set()
            for job in self._jobs.values():
                if job.state == "running" and job.holder in holders:
                    job.lease_until = now + lease
                    kept.add(job.holder)
            return kept

    def holds(self, *, job_id: int, holder: str) -> bool:
        with self._lock:
            return self._held(job_id, holder) is not None

    def finish(self, *, job_id: int, holder: str, now: dt.datetime, outcome: str) -> bool:
        with self._lock:
            job = self._held(job_id, holder)
            if job is None:
                return False
            job.state, job.holder, job.lease_until = "done", None, None
            job.finished_at, job.outcome = now, outcome[:32]
            return True

    def requeue(self, *, job_id: int, holder: str, not_before: dt.datetime, refund: bool) -> bool:
        with self._lock:
            job = self._held(job_id, holder)
            if job is None:
                return False
            job.state, job.holder, job.lease_until, job.not_before = "queued", None, None, not_before
            job.attempts -= 1 if refund else 0
            return True

    def release(self, *, process: str, now: dt.datetime) -> int:
        with self._lock:
            mine = [
                j
                for j in self._jobs.values()
                if j.state == "running" and j.holder is not None and j.holder.startswith(process + CLAIM_SEPARATOR)
            ]
            for job in mine:
                job.state, job.holder, job.lease_until, job.not_before = "queued", None, None, now
                job.attempts -= 1
            return len(mine)

    def replies(self, *, job_id: int) -> list[SentReply]:
        with self._lock:
            return [
                SentReply(seq=seq, sent=r.sent_at is not None, message_ts=r.message_ts, reply=r.reply)
                for seq, r in enumerate(self._replies.get(job_id, []))
            ]

    def save_replies(self, *, job_id: int, holder: str, outbox: list[OutboxReply]) -> bool:
        with self._lock:
            if self._held(job_id, holder) is None or job_id in self._replies:
                return False
            self._replies[job_id] = [_Reply(r) for r in outbox]
            return True

    def mark_sent(
        self, *, job_id: int, seq: int, now: dt.datetime, message_ts: str | None, failure: str | None
    ) -> None:
        with self._lock:
            replies = self._replies.get(job_id, [])
            if seq < len(replies) and replies[seq].sent_at is None:
                replies[seq].sent_at, replies[seq].message_ts = now, message_ts
                replies[seq].failure = (failure or None) and failure[:64]

    def prune(self, *, older_than: dt.datetime) -> int:
        with self._lock:
            old = [
                j.id
                for j in self._jobs.values()
                if j.state == "done" and j.finished_at is not None and j.finished_at < older_than
            ]
            for job_id in old:
                del self._jobs[job_id]
                self._replies.pop(job_id, None)
            return len(old)

    def counts(self) -> dict[str, int]:
        with self._lock:
            out: dict[str, int] = {}
            for job in self._jobs.values():
                out[job.state] = out.get(job.state, 0) + 1
            return out


class Clock:
    """A clock the test moves: ``clock()`` is now, ``advance(s)`` moves it on."""

    def __init__(self, start: dt.datetime = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)
