"""Body-extraction quality of the link path, measured through the real ``incident-bot fetch``.

    python bench/fetch_quality.py [--shared ../shared] [--out docs/fetch-quality.md]

Serves the 60 benchmark pages on a loopback server (bench/pages_server.py), runs
``incident-bot fetch --json`` on all of them in one process (INCIDENT_BOT_FETCH_ALLOW_PRIVATE=true,
since the server is on loopback), and scores each page's text against its hand-checked body with
word-4-gram shingles: precision = shared shingles / shingles of the output, recall = shared /
shingles of the truth, F1 their harmonic mean; the means are over pages. Writes the per-page table
and the means to ``--out``; prints the means.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages_server import DEFAULT_SHARED, ROOT, PagesServer, page_ids

_WORD = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    if 0 < len(words) < n:
        return {tuple(words)}
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def score(predicted: str, truth: str) -> tuple[float, float, float]:
    """Word-4-gram shingle precision, recall and F1 of one page (1, 1, 1 when both are empty)."""
    pred, gold = shingles(predicted), shingles(truth)
    if not pred and not gold:
        return 1.0, 1.0, 1.0
    if not pred or not gold:
        return 0.0, 0.0, 0.0
    common = len(pred & gold)
    p, r = common / len(pred), common / len(gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run_fetch(urls: list[str]) -> dict[str, dict[str, object]]:
    env = {**os.environ, "INCIDENT_BOT_FETCH_ALLOW_PRIVATE": "true"}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "fetch", "--json", *urls],
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=1800,
        check=False,
    )
    if proc.returncode not in (0, 3):
        raise SystemExit(f"incident-bot fetch failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    rows = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    return {str(row["url"]): row for row in rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--out", type=Path, default=ROOT / "docs/fetch-quality.md")
    args = ap.parse_args()
    truth = json.loads((args.shared / "data/articles/ground-truth.json").read_text(encoding="utf-8"))
    ids = page_ids(args.shared)
    with PagesServer(args.shared) as server:
        urls = [server.url(pid) for pid in ids]
        # fetch --json reports the canonicalized URL; these loopback URLs are canonical already.
        got = run_fetch(urls)
    table: list[tuple[str, str, float, float, float, str]] = []
    for pid, url in zip(ids, urls, strict=True):
        row = got.get(url, {"error": "no output line"})
        text = str(row.get("text") or "")
        p, r, f = score(text, truth[pid]["articleBody"])
        site = urlsplit(truth[pid]["url"]).hostname or ""
        table.append((pid[:12], site, p, r, f, str(row.get("error", ""))))
    mp, mr, mf = (statistics.mean(col) for col in list(zip(*table, strict=True))[2:5])
    lines = [
        "# Link path: body-extraction quality",
        "",
        "Measured by `bench/fetch_quality.py`: the 60 pages of `../shared/data/articles` served from a",
        "loopback HTTP server and read through `incident-bot fetch --json`; word-4-gram shingle",
        "precision / recall / F1 per page against the hand-checked bodies, averaged over pages.",
        "Only scores and site names are recorded here; the pages' text stays in ../shared.",
        "",
        f"**Mean over {len(table)} pages: precision {mp:.4f} · recall {mr:.4f} · F1 {mf:.4f}**",
        "",
        "| page | site | P | R | F1 | error |",
        "|---|---|---:|---:|---:|---|",
    ]
    lines += [f"| {pid} | {site} | {p:.3f} | {r:.3f} | {f:.3f} | {err} |" for pid, site, p, r, f, err in table]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"pages={len(table)} precision={mp:.4f} recall={mr:.4f} f1={mf:.4f} -> {args.out}")


if __name__ == "__main__":
    main()
