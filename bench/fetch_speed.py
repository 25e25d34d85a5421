"""Throughput of the link path (fetch + extract) with 8 concurrent fetches from a loopback server.

    python bench/fetch_speed.py [--shared ../shared] [--rounds 3] [--workers 8]

Serves the 60 benchmark pages on loopback (bench/pages_server.py) and reads them with
``bot.sources.web.read_url`` from a pool of 8 threads, as the bot's workers would; every fetch
goes through the full path (address check, pinned connection, gzip decoding under the cap,
charset detection, trafilatura). Prints pages/s and per-page latency percentiles.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pages_server import DEFAULT_SHARED, PagesServer, page_ids

from bot.app.settings import Settings
from bot.sources.web import read_url


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=8)
    args = ap.parse_args()
    settings = Settings(INCIDENT_BOT_FETCH_ALLOW_PRIVATE=True)

    def timed(url: str) -> float:
        start = time.perf_counter()
        read_url(url, settings=settings)
        return time.perf_counter() - start

    with PagesServer(args.shared) as server:
        urls = [server.url(pid) for pid in page_ids(args.shared)]
        timed(urls[0])  # warm-up: imports, CA bundle, trafilatura's first-call setup
        latencies: list[float] = []
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            for _ in range(args.rounds):
                latencies += pool.map(timed, urls)
        elapsed = time.perf_counter() - start
    qs = statistics.quantiles(latencies, n=100)
    result = {
        "pages": len(latencies),
        "workers": args.workers,
        "seconds": round(elapsed, 2),
        "pages_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(qs[49] * 1000, 1),
        "p95_ms": round(qs[94] * 1000, 1),
    }
    print(
        f"{result['pages']} pages, {args.workers} concurrent fetches: {result['pages_per_s']} pages/s "
        f"(p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms per page)"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
