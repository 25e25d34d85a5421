"""Speed of the incident store: insert rate, and list/search/digest latency at scale.

    python bench/store_speed.py --db sqlite:////tmp/bench.sqlite3 [--inserts 10000] [--total 100000]
    python bench/store_speed.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test

Not a test: figures go to stdout (table + one JSON line) and docs/storage.md records them with the
machine. The database must be empty (a fresh SQLite path, or a PostgreSQL database/schema you can
drop; ``--pg-schema NAME`` creates and afterwards drops a schema of that name).

Inserts go through the real write path (services.summarize_and_store: dedupe lookup, MinHash,
re-derived summary, search index, one committed transaction each) with summaries made up front, so
the extraction core's speed is not counted. The rest of the 100k are stored the same way but 50 to
a transaction, to fill the database in reasonable time.
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
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot import services  # noqa: E402
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
from storage import NewReport, Submission  # noqa: E402

TEAM = "TBENCH"
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


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()  # warm caches and the connection pool
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--inserts", type=int, default=10_000)
    ap.add_argument("--total", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--pg-schema", help="create this PostgreSQL schema, run in it, drop it afterwards")
    args = ap.parse_args()

    url = args.db
    admin = None
    if args.pg_schema:
        admin = create_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{args.pg_schema}"'))
        url = make_url(url).update_query_dict({"options": f"-csearch_path={args.pg_schema}"}).render_as_string(False)
    store = services.open_store(database_url=url)
    rng = random.Random(7)
    try:
        t0 = time.perf_counter()
        for i in range(args.inserts):
            body, summary, when = fake(i, rng)
            services.summarize_and_store(
                store=store,
                article=Article(text=body),
                summary=summary,
                canonical_url=f"https://news.example/{i}",
                team_id=TEAM,
                submitter="bench",
                channel_id=f"C{i % 20}",
                conversation_type="public_channel" if i % 10 else "private_channel",
                submitted_at=when,
            )
        insert_s = time.perf_counter() - t0
        batch = 50  # small: a session flush walks every object it holds
        t1 = time.perf_counter()
        for start in range(args.inserts, args.total, batch):
            reports = []
            for i in range(start, min(start + batch, args.total)):
                body, summary, when = fake(i, rng)
                sub = Submission(
                    team_id=TEAM,
                    submitter="bench",
                    channel_id=f"C{i % 20}",
                    conversation_type="public_channel" if i % 10 else "private_channel",
                    submitted_at=when,
                )
                reports.append(
                    NewReport(text=body, summary=summary, canonical_url=f"https://news.example/{i}", submission=sub)
                )
            store.write(lambda repo, rs=reports: [repo.add_report(r) for r in rs])
        fill_s = time.perf_counter() - t1
        count = store.read(lambda repo: repo.count(TEAM))
        # A day in the middle of the stored data (at 100k the data span a year).
        day = START + dt.timedelta(seconds=(args.total // 2) * 315.36)
        lat = {
            "list 20 newest": timed(lambda: services.list_incidents(store=store, team_id=TEAM, limit=20), args.runs),
            "show one": timed(lambda: services.get_incident(store=store, team_id=TEAM, incident_id=4242), args.runs),
            "search victim": timed(
                lambda: services.search_incidents(store=store, team_id=TEAM, query="Company004242"), args.runs
            ),
            "search CVE": timed(
                lambda: services.search_incidents(store=store, team_id=TEAM, query="CVE-2025-14243"), args.runs
            ),
            "search words": timed(
                lambda: services.search_incidents(store=store, team_id=TEAM, query="health ransomware"), args.runs
            ),
            "digest query (1 day, 100 max)": timed(
                lambda: services.incidents_for_digest(
                    store=store, team_id=TEAM, channel_id="C3", start=day, end=day + dt.timedelta(days=1)
                ),
                args.runs,
            ),
        }
    finally:
        store.close()
        if admin is not None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{args.pg_schema}" CASCADE'))
            admin.dispose()

    backend = make_url(url).get_backend_name()
    rate = args.inserts / insert_s
    print(f"{backend}: {args.inserts} inserts in {insert_s:.1f} s = {rate:.0f} inserts/s (one transaction each)")
    filled = args.total - args.inserts
    fill_rate = filled / fill_s if filled > 0 and fill_s > 0 else 0.0
    print(f"{backend}: {filled} more in {fill_s:.1f} s = {fill_rate:.0f} inserts/s ({batch} per transaction)")
    print(f"{backend}: latency with {count} incidents stored (median / p95 over {args.runs} runs)")
    for name, (med, p95) in lat.items():
        print(f"  {name:32s} {med:7.1f} ms  {p95:7.1f} ms")
    print(
        json.dumps(
            {
                "backend": backend,
                "inserts": args.inserts,
                "inserts_per_s": round(rate, 1),
                "batched_inserts_per_s": round(fill_rate, 1),
                "incidents": count,
                "latency_ms": {k: {"median": round(m, 2), "p95": round(p, 2)} for k, (m, p) in lat.items()},
                "python": platform.python_version(),
                "machine": platform.platform(),
            }
        )
    )


if __name__ == "__main__":
    main()
