"""Speed of the incident store: insert rate, and list/search/digest latency at scale.

    python bench/store_speed.py --db sqlite:////tmp/bench.sqlite3 [--inserts 10000] [--total 100000]
    python bench/store_speed.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test --pg-schema bench_store

Not a test: figures go to stdout (table + one JSON line) and docs/storage.md records them with the
machine. The database must be empty (a fresh SQLite path, or a PostgreSQL database/schema you can
drop; ``--pg-schema NAME`` creates and afterwards drops a schema of that name).

1. Inserts into the empty store: the first ``--inserts`` reports, each through
   services.summarize_and_store in its own committed transaction (the production path), with
   summaries made up front so that the extraction core's speed is not counted.
2. Fill: the reports up to ``total - inserts`` go through the same write path
   (IncidentRepository.add_report: dedupe lookups, MinHash, keys, anchors, sighting, search index)
   but ``--batch`` of them per transaction, so that filling 100k takes minutes, not an hour. The
   rows are exactly those single submissions would write; only the commits are fewer.
   Then the last ``--inserts`` reports are stored one transaction each again: the insert rate on a
   full store, where the indexes are deepest.
3. Latency with everything stored: list, show, search, and the digest query over a day and a week
   of data (the row counts are printed, so an empty window cannot pass unnoticed).

``--deadline`` (seconds) bounds the fill: when it is reached the fill stops, the rest is measured
on what was stored, and the output says so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.extraction import Article  # noqa: E402
from bot.extraction.schema import (  # noqa: E402
    Evidence,
    IncidentSummary,
    IncidentType,
    Mention,
    Severity,
    SeverityAssessment,
    Status,
)
from bot.usecases import incidents as services  # noqa: E402
from storage import IncidentRecord, NewReport, Store, Submission  # noqa: E402
from storage.records import Audience  # noqa: E402
from storage.repository import IncidentRepository  # noqa: E402

TEAM = "TBENCH"
OPERATOR = Audience.operator()
PUBLIC_CHANNEL = Audience.conversation("C3")
PRIVATE_CHANNEL = Audience.conversation("C10")
START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
WORDS = (
    "attackers network data customers systems company breach ransomware investigation access servers "
    "records employees security incident police statement hospital bank school council vendor patch "
    "exploit credentials leaked stolen encrypted disrupted restored regulators notified forensic "
    "spokesperson affected million thousand personal payment emails accounts cloud backup"
).split()
TYPES = [IncidentType.DATA_BREACH, IncidentType.RANSOMWARE, IncidentType.PHISHING, IncidentType.VULNERABILITY]


def _m(s: str, value: str | None = None) -> Mention:
    return Mention(text=s, value=value, evidence=Evidence(source="text", start=0, end=len(s), sentence=s))


def fake(i: int, rng: random.Random) -> tuple[str, IncidentSummary, dt.datetime]:
    victim = f"Company{i:06d} {rng.choice(['Logistics', 'Health', 'Bank', 'Retail', 'Energy'])}"
    body = f"{victim} reported a security incident. " + " ".join(rng.choice(WORDS) for _ in range(150))
    itype = TYPES[i % len(TYPES)]
    cve = f"CVE-2025-{10000 + i}"
    summary = IncidentSummary(
        title=f"{victim} hit by {itype.value.replace('_', ' ')}",
        summary=f"{victim} reported a {itype.value.replace('_', ' ')} affecting customers.",
        incident_type=itype,
        incident_types=[itype],
        severity=SeverityAssessment(level=rng.choice(list(Severity)), reason="bench"),
        status=rng.choice(list(Status)),
        is_incident=True,
        confidence=0.8,
        victims=[_m(victim)],
        attackers=[_m(f"Crew{i % 97}")],
        cves=[_m(cve, cve)] if itype is IncidentType.VULNERABILITY else [],
    )
    # Spread over a year: ~274 incidents a day at 100k.
    when = START + dt.timedelta(seconds=(i * 315.36) % (365 * 86400))
    return body, summary, when


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float, int]:
    """Median and p95 in ms over ``runs`` calls, and the number of rows the call returned."""
    result = fn()  # warm caches and the connection pool
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    rows = len(result) if isinstance(result, list) else int(result is not None)
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)], rows


def report(i: int, rng: random.Random) -> NewReport:
    body, summary, when = fake(i, rng)
    sub = Submission(
        team_id=TEAM,
        submitter="bench",
        channel_id=f"C{i % 20}",
        # One in ten in a private channel: the digest query must filter on visibility.
        conversation_type="public_channel" if i % 10 else "private_channel",
        submitted_at=when,
    )
    return NewReport(text=body, summary=summary, canonical_url=f"https://news.example/{i}", submission=sub)


def insert_singly(store: Store, reports: list[NewReport]) -> float:
    """Seconds to store ``reports`` through the production path, one committed transaction each.

    The reports (and their summaries) are made before the clock starts.
    """
    t0 = time.perf_counter()
    for r in reports:
        sub = r.submission
        services.summarize_and_store(
            store=store,
            article=Article(text=r.text),
            summary=r.summary,
            canonical_url=r.canonical_url,
            team_id=sub.team_id,
            submitter=sub.submitter,
            channel_id=sub.channel_id,
            conversation_type=sub.conversation_type,
            submitted_at=sub.submitted_at,
        )
    return time.perf_counter() - t0


def add_all(repo: IncidentRepository, *, reports: list[NewReport]) -> None:
    for r in reports:
        repo.add_report(r)


@contextmanager
def scratch_store(db_url: str, pg_schema: str | None) -> Iterator[Store]:
    """The store a benchmark fills: at ``db_url``, or in a PostgreSQL schema of its own created
    for the run (replacing one left by an interrupted run) and dropped afterwards."""
    admin = None
    url = db_url
    if pg_schema:
        admin = create_engine(db_url)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{pg_schema}" CASCADE; CREATE SCHEMA "{pg_schema}"'))
        url = make_url(db_url).update_query_dict({"options": f"-csearch_path={pg_schema}"}).render_as_string(False)
    store = services.open_store(database_url=url)
    try:
        yield store
    finally:
        store.close()
        if admin is not None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{pg_schema}" CASCADE'))
            admin.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--inserts", type=int, default=10_000, help="timed single-report transactions")
    ap.add_argument("--total", type=int, default=100_000, help="incidents stored in the end")
    ap.add_argument("--batch", type=int, default=1000, help="reports per transaction while filling")
    ap.add_argument("--runs", type=int, default=200, help="timed runs of each query")
    ap.add_argument("--deadline", type=float, default=1500, help="seconds the fill may take at most")
    ap.add_argument("--pg-schema", help="create this PostgreSQL schema, run in it, drop it afterwards")
    args = ap.parse_args()

    rng = random.Random(7)
    fill_to = args.total - args.inserts
    with scratch_store(args.db, args.pg_schema) as store:
        # Timed: the first ``inserts`` reports into the empty store, one transaction each.
        cpu0 = time.process_time()
        empty_s = insert_singly(store, [report(i, rng) for i in range(args.inserts)])
        # This process's CPU per insert: the client's share (SQLAlchemy, the driver, the write path);
        # the database server's is not in it.
        client_cpu_ms = (time.process_time() - cpu0) / args.inserts * 1000
        t0 = time.perf_counter()
        filled = 0
        for start in range(args.inserts, fill_to, args.batch):
            if time.perf_counter() - t0 > args.deadline:
                print(f"fill stopped at the {args.deadline:.0f} s deadline", file=sys.stderr)
                break
            reports = [report(i, rng) for i in range(start, min(start + args.batch, fill_to))]
            store.write(partial(add_all, reports=reports))
            filled += len(reports)
        fill_s = time.perf_counter() - t0
        # Timed: the last ``inserts`` reports, on top of everything else.
        insert_s = insert_singly(store, [report(i, rng) for i in range(fill_to, fill_to + args.inserts)])

        count = store.read(lambda repo: repo.count(TEAM))
        # Windows in the middle of the stored data (at 100k the data span a year, ~274 a day).
        day = START + dt.timedelta(seconds=(count // 2) * 315.36)
        week = day - dt.timedelta(days=6)

        def digest(start: dt.datetime) -> list[IncidentRecord]:
            end = day + dt.timedelta(days=1)
            return services.incidents_for_digest(store=store, team_id=TEAM, channel_id="C3", start=start, end=end)

        # An incident in the middle, and one of the vulnerability reports (the ones with a CVE).
        middle = count // 2 // 4 * 4 + 3
        lat = {
            "list 20 newest": timed(
                lambda: services.list_incidents(store=store, team_id=TEAM, audience=OPERATOR, limit=20), args.runs
            ),
            "show one": timed(
                lambda: services.get_incident(store=store, team_id=TEAM, audience=OPERATOR, incident_id=middle + 1),
                args.runs,
            ),
            "search victim": timed(
                lambda: services.search_incidents(
                    store=store, team_id=TEAM, audience=OPERATOR, query=f"Company{middle:06d}"
                ),
                args.runs,
            ),
            "search CVE": timed(
                lambda: services.search_incidents(
                    store=store, team_id=TEAM, audience=OPERATOR, query=f"CVE-2025-{10000 + middle}"
                ),
                args.runs,
            ),
            "search two words (20 max)": timed(
                lambda: services.search_incidents(
                    store=store, team_id=TEAM, audience=OPERATOR, query="health ransomware"
                ),
                args.runs,
            ),
            # What a conversation or the Home tab may see (storage/privacy.py): one report in ten
            # was made in a private channel (C0 or C10), so these read through the privacy policy.
            "list 20 newest, public channel": timed(
                lambda: services.list_incidents(store=store, team_id=TEAM, audience=PUBLIC_CHANNEL, limit=20),
                args.runs,
            ),
            "list 20 newest, private channel": timed(
                lambda: services.list_incidents(store=store, team_id=TEAM, audience=PRIVATE_CHANNEL, limit=20),
                args.runs,
            ),
            "list 15 newest, Home (team)": timed(
                lambda: services.list_incidents(store=store, team_id=TEAM, audience=Audience.team(), limit=15),
                args.runs,
            ),
            "search two words, public channel": timed(
                lambda: services.search_incidents(
                    store=store, team_id=TEAM, audience=PUBLIC_CHANNEL, query="health ransomware"
                ),
                args.runs,
            ),
            "digest query, 1 day (100 max)": timed(lambda: digest(day), args.runs),
            "digest query, 7 days (100 max)": timed(lambda: digest(week), args.runs),
        }

    backend = make_url(args.db).get_backend_name()
    empty_rate = args.inserts / empty_s
    rate = args.inserts / insert_s
    fill_rate = filled / fill_s if filled and fill_s > 0 else 0.0
    print(f"{backend}: first {args.inserts} inserts (empty store) = {empty_rate:.0f} inserts/s (one transaction each)")
    print(f"{backend}: client CPU per insert (this process) = {client_cpu_ms:.2f} ms")
    print(f"{backend}: filled {filled} more = {fill_rate:.0f} reports/s ({args.batch} per transaction)")
    print(f"{backend}: last {args.inserts} inserts (on {count - args.inserts}) = {rate:.0f} inserts/s (one each)")
    print(f"{backend}: latency with {count} incidents stored (median / p95 over {args.runs} runs, rows returned)")
    for name, (med, p95, rows) in lat.items():
        print(f"  {name:32s} {med:7.2f} ms  {p95:7.2f} ms  {rows:4d} rows")
    print(
        json.dumps(
            {
                "backend": backend,
                "filled": filled,
                "fill_per_s": round(fill_rate, 1),
                "inserts": args.inserts,
                "inserts_per_s_empty_store": round(empty_rate, 1),
                "client_cpu_ms_per_insert": round(client_cpu_ms, 2),
                "inserts_per_s_full_store": round(rate, 1),
                "incidents": count,
                "latency_ms": {
                    k: {"median": round(m, 2), "p95": round(p, 2), "rows": n} for k, (m, p, n) in lat.items()
                },
                "python": platform.python_version(),
                "machine": platform.platform(),
            }
        )
    )


if __name__ == "__main__":
    main()
