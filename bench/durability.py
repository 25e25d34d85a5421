"""How long the durable-work bookkeeping takes, on SQLite and PostgreSQL.

- ``enqueue``: what a mention's or a command's ack now waits for (the job committed).
- ``mark sent``: the one window in which a crash can double a reply — Slack has accepted the post,
  and the "sent" record is not committed yet. Measured from just after the post returns to the
  commit.
- ``claim``: a worker taking a job.

    python bench/durability.py [--rounds 500] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.usecases.incidents import open_store
from bot.usecases.jobs import JobQueue
from storage.jobs import SqlJobs
from storage.records import OutboxReply

T = TypeVar("T")


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"median {statistics.median(ordered) * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms"


def measure(url: str, rounds: int) -> dict[str, str]:
    store = open_store(database_url=url)
    q = JobQueue(SqlJobs(store), lease=dt.timedelta(seconds=30))
    timings: dict[str, list[float]] = {"enqueue (ack waits for it)": [], "claim": [], "mark sent (the window)": []}
    reply = OutboxReply(route="thread", channel_id="C1", thread_ts="1.1", user_id="U1", blocks=[], text="card")

    def timed(name: str, work: Callable[[], T]) -> T:
        t = time.perf_counter()
        out = work()
        timings[name].append(time.perf_counter() - t)
        return out

    try:
        for i in range(rounds):
            payload = {"text": "x", "channel": "C1", "user": "U1", "ts": f"1.{i}", "thread_ts": f"1.{i}"}
            key = f"Ev{uuid.uuid4().hex}"
            job_id, _ = timed(
                "enqueue (ack waits for it)",
                functools.partial(q.enqueue, team_id="T1", kind="mention", key=key, payload=payload),
            )
            job = timed("claim", functools.partial(q.claim, job_id=job_id))
            assert job is not None
            q.save_replies(job, [reply])
            timed("mark sent (the window)", functools.partial(q.mark_sent, job_id, 0, message_ts=f"2.{i}"))
            q.finish(job, "replied")
    finally:
        store.close()
    return {name: _ms(samples) for name, samples in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=500)
    parser.add_argument("--postgres", help="a PostgreSQL URL to measure as well")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"SQLite ({args.rounds} jobs):")
        for name, figure in measure(f"sqlite:///{tmp}/bench.sqlite3", args.rounds).items():
            print(f"  {name}: {figure}")
    if args.postgres:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        admin = create_engine(args.postgres)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            url = make_url(args.postgres).update_query_dict({"options": f"-csearch_path={schema}"})
            print(f"PostgreSQL ({args.rounds} jobs):")
            for name, figure in measure(url.render_as_string(hide_password=False), args.rounds).items():
                print(f"  {name}: {figure}")
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
