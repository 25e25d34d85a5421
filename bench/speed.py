"""Speed of the extraction core: throughput, per-article latency, peak memory, cold start.

    python bench/speed.py [--shared ../shared] [--rounds 3]

Runs in one process on one core (the core is single-threaded). Results go to stdout as a table
and a JSON line; docs/performance.md records them with the machine they were taken on.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.batch import parse_published  # noqa: E402
from bot.extraction import Article, summarize_article  # noqa: E402


def load(shared: Path) -> list[Article]:
    rows = [json.loads(line) for line in (shared / "data/casie/gold_dev.jsonl").read_text().splitlines()]
    return [Article(text=r["text"], title=r["title"], published=parse_published(r["date"])) for r in rows]


def cold_start(runs: int) -> float:
    """Median wall time from process start to the first summary printed (JSON, no storage)."""
    times = []
    cmd = [
        sys.executable,
        "-m",
        "bot",
        "summarize",
        "--json",
        "--no-store",
        str(ROOT / "examples" / "ransomware-hospital.txt"),
    ]
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


# Pathological inputs near the core's 2,000,000-character limit: repetition, one endless
# sentence, digit runs, markup, control characters. Each must finish, and how long it takes is
# reported here rather than asserted in a test.
_BODY = "Hackers breached Parcelo and stole customer records. Parcelo said the attack was contained."
WORST_CASES = {
    "repeated incident sentence": Article(
        text="Hackers stole the passwords of 1,000 Acme Corp customers on May 3, 2024. " * 26_000
    ),
    "one sentence, no punctuation": Article(text="the breach of acme systems " * 70_000),
    "digit run": Article(text="9" * 1_900_000),
    "html markup": Article(text="<div class='x'><p>Hackers <b>breached</b> Acme</p></div>" * 34_000),
    "control characters": Article(text="\x00\x01\x02 junk \x1b[31m " * 90_000),
    "capitalised words": Article(text="Acme Bank Of The North Group Holdings " * 50_000),
    # headlines are analysed too: one long sentence-case headline, and one cut into thousands of parts
    "long headline": Article(title="Hackers breach Parcelo and steal records of Acme customers " * 3_400, text=_BODY),
    "headline parts": Article(title="Parcelo breach: " * 12_500, text=_BODY),
}


def worst_cases() -> dict[str, float]:
    out = {}
    for name, article in WORST_CASES.items():
        t = time.perf_counter()
        summarize_article(article)
        out[name] = round(time.perf_counter() - t, 3)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--rounds", type=int, default=3, help="passes over the corpus (best pass counts)")
    a = ap.parse_args()
    articles = load(a.shared)
    for art in articles[:20]:  # warm-up: lazy imports and regex caches
        summarize_article(art)
    best_total, latencies = float("inf"), []
    for _ in range(a.rounds):
        lat = []
        t0 = time.perf_counter()
        for art in articles:
            t = time.perf_counter()
            summarize_article(art)
            lat.append(time.perf_counter() - t)
        total = time.perf_counter() - t0
        if total < best_total:
            best_total, latencies = total, lat
    latencies.sort()
    res = {
        "articles": len(articles),
        "articles_per_s": round(len(articles) / best_total, 1),
        "p50_ms": round(1000 * latencies[len(latencies) // 2], 2),
        "p99_ms": round(1000 * latencies[int(len(latencies) * 0.99) - 1], 2),
        "max_ms": round(1000 * latencies[-1], 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "cold_start_s": round(cold_start(5), 3),
        "worst_case_s": worst_cases(),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
    }
    for k, v in res.items():
        print(f"{k:>16}: {v}")
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
