"""Speed of a digest: build (the channel's incidents for the period) and render (Block Kit) with
100k incidents stored.

    python bench/digest_speed.py --db sqlite:////tmp/digest.sqlite3 [--total 100000]
    python bench/digest_speed.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test --pg-schema bench_digest

Fills the store with the same synthetic reports as bench/store_speed.py (spread over a year,
~274 a day at 100k, 20 channels, one in ten private), subscribes one channel to a daily digest,
then times ``digest_service.build`` + ``render.slack.digest_blocks`` for 30 different days (the
period a daily digest covers). Not a test; docs/performance.md records the figures.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy.engine import make_url  # noqa: E402

from bench.store_speed import START, TEAM, add_all, report, scratch_store  # noqa: E402
from bot.render.slack import digest_blocks  # noqa: E402
from bot.usecases import digests as digest_service  # noqa: E402

BATCH = 500


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--pg-schema", help="create this PostgreSQL schema for the run and drop it afterwards")
    ap.add_argument("--total", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=30)
    a = ap.parse_args()
    with scratch_store(a.db, a.pg_schema) as store:
        rng = random.Random(7)
        t0 = time.perf_counter()
        for start in range(0, a.total, BATCH):
            batch = [report(i, rng) for i in range(start, min(a.total, start + BATCH))]
            store.write(lambda repo, b=batch: add_all(repo, reports=b))  # type: ignore[misc]
        fill_s = time.perf_counter() - t0
        sub = digest_service.subscribe(
            store=store, team_id=TEAM, channel_id="C3", user_id="bench", args=("09:00", "UTC"), default_zone="UTC"
        )
        samples, sizes = [], []
        for day in range(a.days):
            start = START + dt.timedelta(days=30 + day * 10, hours=9)
            end = start + dt.timedelta(days=1)
            t = time.perf_counter()
            digest = digest_service.build(
                store=store, sub=sub, start=start, end=end, period="bench", previous_total=None, permalink=None
            )
            digest_blocks(digest)
            samples.append((time.perf_counter() - t) * 1000)
            sizes.append(digest.total)
        samples.sort()
        res = {
            "db": make_url(a.db).get_backend_name(),
            "incidents_stored": a.total,
            "fill_s": round(fill_s, 1),
            "incidents_per_digest_median": statistics.median(sizes),
            "build_render_p50_ms": round(statistics.median(samples), 1),
            "build_render_p95_ms": round(samples[int(len(samples) * 0.95) - 1], 1),
            "python": platform.python_version(),
        }
    for k, v in res.items():
        print(f"{k:>28}: {v}")
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
