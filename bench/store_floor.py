"""The floor under the store's insert rate: what the database drivers alone do, with no ORM and no
write path — one INSERT and a commit, eight INSERTs and a commit, and a round trip.

    python bench/store_floor.py [--postgres postgresql://postgres@127.0.0.1:5432/test] [--rounds 1000]

SQLite runs in a temporary file with the settings the store uses (WAL, synchronous=FULL), and with
synchronous=NORMAL for comparison; PostgreSQL (optional) in a throwaway table. docs/performance.md
compares these with ``bench/store_speed.py``.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path


def sqlite_floor(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(Path(tmp) / "floor.sqlite3", isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        for sync in ("FULL", "NORMAL"):
            db.execute(f"PRAGMA synchronous={sync}")
            t0 = time.perf_counter()
            for _ in range(rounds):
                db.execute("BEGIN IMMEDIATE")
                db.execute("INSERT INTO t (v) VALUES ('x')")
                db.execute("COMMIT")
            print(f"sqlite synchronous={sync}: 1 insert + commit = {rounds / (time.perf_counter() - t0):,.0f}/s")
        db.close()


def postgres_floor(url: str, rounds: int) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("CREATE TEMPORARY TABLE floor_t (id serial PRIMARY KEY, v text)")
        conn.commit()
        for statements in (1, 8):
            t0 = time.perf_counter()
            for _ in range(rounds):
                for _ in range(statements):
                    conn.execute("INSERT INTO floor_t (v) VALUES (%s)", ("x",))
                conn.commit()
            rate = rounds / (time.perf_counter() - t0)
            print(f"postgresql: {statements} insert(s) + commit = {rate:,.0f}/s")
        t0 = time.perf_counter()
        for _ in range(rounds * 2):
            conn.execute("SELECT 1").fetchone()
        print(f"postgresql: round trip = {(time.perf_counter() - t0) / (rounds * 2) * 1e6:.0f} µs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--postgres", help="a PostgreSQL URL (postgresql://…) to measure as well")
    args = parser.parse_args()
    sqlite_floor(args.rounds)
    if args.postgres:
        postgres_floor(args.postgres, args.rounds)


if __name__ == "__main__":
    main()
