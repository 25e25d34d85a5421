"""Durable submission jobs: recorded before Slack's ack, run under a renewable lease, replies
posted from an outbox.

The life of a job:

1. ``enqueue`` inserts it, unique on (team, Slack id): a retried delivery finds the job that is
   already there instead of starting a second one.
2. ``claim`` hands a runnable job (queued and due, or running under a lease that lapsed because
   its holder died) to exactly one process: on PostgreSQL with ``FOR UPDATE SKIP LOCKED``, so
   replicas claim different jobs without waiting on each other; on SQLite the write transaction
   (BEGIN IMMEDIATE) serializes claimers.
3. The holder ``renew``s its lease while it works. Before the first reply it writes every reply
   to the outbox (``save_replies``); each reply is marked sent right after Slack accepts it. A
   process that takes the job over posts only what is unsent.
4. ``finish`` marks it done; ``requeue`` gives it back (Slack asked to wait, or a failure worth
   retrying); ``release`` hands back everything a stopping process still holds.

Every write that acts for a holder checks ``holder``, a token made for each claim (the process's
id, a slash, the claim's own id): a claim whose lease lapsed and was taken over cannot renew,
finish, requeue or save replies for the job any more — whether the new claim is another replica's
or another thread's of the same process. ``release`` hands back every claim whose token starts
with the process's id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import CursorResult, and_, delete, func, or_, select, update

from storage.models import Job, JobReply
from storage.records import JobRecord, OutboxReply, SentReply
from storage.repository import IncidentRepository
from storage.uow import Store


def _record(job: Job, holder: str) -> JobRecord:
    return JobRecord(
        id=job.id,
        team_id=job.team_id,
        kind=job.kind,
        key=job.key,
        payload=job.payload,
        attempts=job.attempts,
        holder=holder,
    )


def enqueue(
    repo: IncidentRepository, *, team_id: str, kind: str, key: str, payload: dict[str, Any], now: dt.datetime
) -> tuple[int, bool]:
    """The job's id, and whether this call created it (False: Slack delivered the same request again)."""
    stmt = (
        repo.insert(Job)
        .values(
            team_id=team_id,
            kind=kind,
            key=key,
            payload=payload,
            state="queued",
            not_before=now,
            attempts=0,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["team_id", "key"])
        .returning(Job.id)
    )
    new_id = repo.session.execute(stmt).scalar_one_or_none()
    if new_id is not None:
        return int(new_id), True
    existing = repo.session.execute(select(Job.id).where(Job.team_id == team_id, Job.key == key)).scalar_one()
    return int(existing), False


# A claim's token is the process's id, this, and the claim's own id.
CLAIM_SEPARATOR = "/"


def _runnable(now: dt.datetime) -> Any:
    return or_(
        and_(Job.state == "queued", Job.not_before <= now),
        and_(Job.state == "running", Job.lease_until < now),
    )


def any_runnable(repo: IncidentRepository, *, now: dt.datetime) -> bool:
    """Whether ``claim`` would find work: a read, so idle workers never take SQLite's write lock."""
    return repo.session.execute(select(Job.id).where(_runnable(now)).limit(1)).first() is not None


def claim(
    repo: IncidentRepository,
    *,
    holder: str,
    now: dt.datetime,
    lease: dt.timedelta,
    job_id: int | None = None,
    exclude: Iterable[int] = (),
) -> JobRecord | None:
    """Take the oldest runnable job (or job ``job_id`` if it is runnable) for the claim ``holder``
    (a token unique to this claim). ``exclude``: jobs the caller knows are still being worked on
    (its own, whose leases may have lapsed while it stalled) are not taken."""
    stmt = select(Job).where(_runnable(now)).order_by(Job.id).limit(1)
    if job_id is not None:
        stmt = stmt.where(Job.id == job_id)
    skip = list(exclude)
    if skip:
        stmt = stmt.where(Job.id.not_in(skip))
    if repo.dialect == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    job = repo.session.scalars(stmt).first()
    if job is None:
        return None
    job.state, job.holder, job.lease_until = "running", holder, now + lease
    job.attempts += 1
    repo.session.flush()
    return _record(job, holder)


def renew(repo: IncidentRepository, *, holders: Iterable[str], now: dt.datetime, lease: dt.timedelta) -> set[str]:
    """Extend the leases of the claims ``holders`` that still hold their jobs; those claims."""
    tokens = list(holders)
    if not tokens:
        return set()
    stmt = (
        update(Job)
        .where(Job.holder.in_(tokens), Job.state == "running")
        .values(lease_until=now + lease)
        .returning(Job.holder)
    )
    return {str(h) for h in repo.session.execute(stmt).scalars()}


def holds(repo: IncidentRepository, *, job_id: int, holder: str) -> bool:
    stmt = select(Job.id).where(Job.id == job_id, Job.holder == holder, Job.state == "running")
    return repo.session.execute(stmt).first() is not None


def finish(repo: IncidentRepository, *, job_id: int, holder: str, now: dt.datetime, outcome: str) -> bool:
    stmt = (
        update(Job)
        .where(Job.id == job_id, Job.holder == holder, Job.state == "running")
        .values(state="done", holder=None, lease_until=None, finished_at=now, outcome=outcome[:32])
    )
    return bool(cast(CursorResult[Any], repo.session.execute(stmt)).rowcount)


def requeue(
    repo: IncidentRepository, *, job_id: int, holder: str, not_before: dt.datetime, refund: bool = False
) -> bool:
    """Back to the queue, runnable from ``not_before``; ``refund`` gives back the attempt."""
    stmt = (
        update(Job)
        .where(Job.id == job_id, Job.holder == holder, Job.state == "running")
        .values(
            state="queued",
            holder=None,
            lease_until=None,
            not_before=not_before,
            attempts=Job.attempts - 1 if refund else Job.attempts,
        )
    )
    return bool(cast(CursorResult[Any], repo.session.execute(stmt)).rowcount)


def release(repo: IncidentRepository, *, process: str, now: dt.datetime) -> int:
    """Hand back every job the claims of ``process`` still run (a stopping process); they are
    runnable at once. The attempt it used is given back too: being stopped is not the job's fault."""
    stmt = (
        update(Job)
        .where(Job.holder.startswith(process + CLAIM_SEPARATOR, autoescape=True), Job.state == "running")
        .values(state="queued", holder=None, lease_until=None, not_before=now, attempts=Job.attempts - 1)
    )
    return int(cast(CursorResult[Any], repo.session.execute(stmt)).rowcount)


def replies(repo: IncidentRepository, *, job_id: int) -> list[SentReply]:
    """The job's outbox in order (empty before its replies were written)."""
    stmt = select(JobReply).where(JobReply.job_id == job_id).order_by(JobReply.seq)
    return [
        SentReply(
            seq=r.seq,
            sent=r.sent_at is not None,
            message_ts=r.message_ts,
            reply=OutboxReply(
                route=cast(Any, r.route),
                channel_id=r.channel_id,
                thread_ts=r.thread_ts,
                user_id=r.user_id,
                blocks=r.blocks,
                text=r.text,
                source_id=r.source_id,
            ),
        )
        for r in repo.session.scalars(stmt)
    ]


def save_replies(repo: IncidentRepository, *, job_id: int, holder: str, outbox: list[OutboxReply]) -> bool:
    """Write the job's outbox, once: False when the holder lost the job or the outbox exists."""
    if not holds(repo, job_id=job_id, holder=holder):
        return False
    if repo.session.execute(select(JobReply.seq).where(JobReply.job_id == job_id).limit(1)).first() is not None:
        return False
    repo.session.add_all(
        JobReply(
            job_id=job_id,
            seq=seq,
            route=r.route,
            channel_id=r.channel_id,
            thread_ts=r.thread_ts,
            user_id=r.user_id,
            blocks=r.blocks,
            text=r.text,
            source_id=r.source_id,
        )
        for seq, r in enumerate(outbox)
    )
    repo.session.flush()
    return True


def mark_sent(
    repo: IncidentRepository,
    *,
    job_id: int,
    seq: int,
    now: dt.datetime,
    message_ts: str | None,
    failure: str | None = None,
) -> None:
    """Record that reply ``seq`` was posted (or refused for good: ``failure``). Idempotent, so the
    bookkeeping can be retried after a lost connection without touching Slack again."""
    stmt = (
        update(JobReply)
        .where(JobReply.job_id == job_id, JobReply.seq == seq, JobReply.sent_at.is_(None))
        .values(sent_at=now, message_ts=message_ts, failure=(failure or None) and failure[:64])
    )
    repo.session.execute(stmt)


def prune(repo: IncidentRepository, *, older_than: dt.datetime) -> int:
    """Forget finished jobs (and their outboxes) finished before ``older_than``."""
    ids = select(Job.id).where(Job.state == "done", Job.finished_at < older_than)
    repo.session.execute(delete(JobReply).where(JobReply.job_id.in_(ids)))
    stmt = delete(Job).where(Job.state == "done", Job.finished_at < older_than)
    return int(cast(CursorResult[Any], repo.session.execute(stmt)).rowcount)


def counts(repo: IncidentRepository) -> dict[str, int]:
    """How many jobs are in each state (for the operator and the tests)."""
    stmt = select(Job.state, func.count()).group_by(Job.state)
    return {str(state): int(n) for state, n in repo.session.execute(stmt)}


class SqlJobs:
    """The job table as the job use cases see it (``bot.usecases.jobs.JobStore``): each call is
    one transaction of ``store``, committed when it returns."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def enqueue(
        self, *, team_id: str, kind: str, key: str, payload: dict[str, Any], now: dt.datetime
    ) -> tuple[int, bool]:
        return self.store.write(
            lambda repo: enqueue(repo, team_id=team_id, kind=kind, key=key, payload=payload, now=now)
        )

    def any_runnable(self, *, now: dt.datetime) -> bool:
        return self.store.read(lambda repo: any_runnable(repo, now=now))

    def claim(
        self, *, holder: str, now: dt.datetime, lease: dt.timedelta, job_id: int | None, exclude: list[int]
    ) -> JobRecord | None:
        return self.store.write(
            lambda repo: claim(repo, holder=holder, now=now, lease=lease, job_id=job_id, exclude=exclude)
        )

    def renew(self, *, holders: list[str], now: dt.datetime, lease: dt.timedelta) -> set[str]:
        return self.store.write(lambda repo: renew(repo, holders=holders, now=now, lease=lease))

    def holds(self, *, job_id: int, holder: str) -> bool:
        return self.store.read(lambda repo: holds(repo, job_id=job_id, holder=holder))

    def finish(self, *, job_id: int, holder: str, now: dt.datetime, outcome: str) -> bool:
        return self.store.write(lambda repo: finish(repo, job_id=job_id, holder=holder, now=now, outcome=outcome))

    def requeue(self, *, job_id: int, holder: str, not_before: dt.datetime, refund: bool) -> bool:
        return self.store.write(
            lambda repo: requeue(repo, job_id=job_id, holder=holder, not_before=not_before, refund=refund)
        )

    def release(self, *, process: str, now: dt.datetime) -> int:
        return self.store.write(lambda repo: release(repo, process=process, now=now))

    def replies(self, *, job_id: int) -> list[SentReply]:
        return self.store.read(lambda repo: replies(repo, job_id=job_id))

    def save_replies(self, *, job_id: int, holder: str, outbox: list[OutboxReply]) -> bool:
        return self.store.write(lambda repo: save_replies(repo, job_id=job_id, holder=holder, outbox=outbox))

    def mark_sent(
        self, *, job_id: int, seq: int, now: dt.datetime, message_ts: str | None, failure: str | None
    ) -> None:
        self.store.write(
            lambda repo: mark_sent(repo, job_id=job_id, seq=seq, now=now, message_ts=message_ts, failure=failure)
        )

    def prune(self, *, older_than: dt.datetime) -> int:
        return self.store.write(lambda repo: prune(repo, older_than=older_than))

    def counts(self) -> dict[str, int]:
        return self.store.read(counts)
