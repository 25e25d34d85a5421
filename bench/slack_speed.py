"""Speed of the Slack bot: ack latency under concurrency, and mention-to-card time.

    python bench/slack_speed.py [--requests 200] [--concurrency 20] [--mentions 40]

Starts the real bot (``incident-bot run --mode http``) against the loopback Slack stand-in used by
the tests, then
1. sends ``--requests`` signed requests from ``--concurrency`` threads — a mix of slash commands
   (``summary`` with a pasted article, whose work runs after the ack) and ``app_mention`` events —
   and measures the time to Slack's answer (the ack); then checks that every one produced exactly
   one card (no reply lost or doubled);
2. sends ``--mentions`` mentions one at a time and measures the time from the request to the
   card arriving at the stand-in.
Not a test: figures go to stdout and docs/performance.md records them with the machine.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.slack.conftest import BOT_USER, start_bot  # noqa: E402

ARTICLE = (ROOT / "examples" / "ransomware-hospital.txt").read_text()


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


class RemoteStandIn:
    """The Slack stand-in in its own process, so its work does not slow the load generator."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.slack_standin"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.base_url = self.proc.stdout.readline().strip()
        self.api_url = self.base_url + "/api/"

    def response_url(self, name: str) -> str:
        return f"{self.base_url}/response/{name}"

    def count(self, method: str) -> int:
        with urllib.request.urlopen(self.base_url + "/_calls", timeout=10) as resp:
            return int(json.loads(resp.read()).get(method, 0))

    def wait_for(self, method: str, count: int, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while (n := self.count(method)) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return n

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=20)
    ap.add_argument("--mentions", type=int, default=40)
    a = ap.parse_args()
    slack = RemoteStandIn()
    with tempfile.TemporaryDirectory() as tmp:
        bot = start_bot(slack, Path(tmp))
        try:
            # warm-up: first requests pay for lazy imports
            bot.command(f"summary {ARTICLE}", response_url=slack.response_url("warm"))
            base = slack.wait_for("chat.postMessage", 1, timeout=30)

            def one(i: int) -> float:
                # Each request carries a distinct article (an id line) so none is an "already reported" copy.
                text = f"Report {i}\n\n{ARTICLE}\n\nReference {i}."
                t = time.perf_counter()
                if i % 2:
                    reply = bot.command(f"summary {text}", response_url=slack.response_url(f"r{i}"))
                else:
                    event = {
                        "type": "app_mention",
                        "user": "U0ALICE",
                        "text": f"<@{BOT_USER}> {text}",
                        "ts": f"1700001000.{i:06d}",
                        "channel": "C0PUBLIC",
                        "event_ts": f"1700001000.{i:06d}",
                    }
                    reply = bot.event(event, event_id=f"Ev-bench-{i}")
                elapsed = time.perf_counter() - t
                if reply.status != 200:
                    raise RuntimeError(f"request {i} got {reply.status}")
                return elapsed

            with ThreadPoolExecutor(a.concurrency) as pool:
                acks = list(pool.map(one, range(a.requests)))
            slack.wait_for("chat.postMessage", base + a.requests, timeout=300)
            time.sleep(2.0)  # anything doubled would arrive in this time
            replies = slack.count("chat.postMessage") - base
            lost, doubled = max(0, a.requests - replies), max(0, replies - a.requests)

            e2e = []
            for i in range(a.mentions):
                before = slack.count("chat.postMessage")
                ts = f"1700002000.{i:06d}"
                event = {
                    "type": "app_mention",
                    "user": "U0ALICE",
                    "text": f"<@{BOT_USER}> Note {i}\n\n{ARTICLE}",
                    "ts": ts,
                    "channel": "C0PUBLIC",
                    "event_ts": ts,
                }
                t = time.perf_counter()
                bot.event(event, event_id=f"Ev-e2e-{i}")
                slack.wait_for("chat.postMessage", before + 1, timeout=30)
                e2e.append(time.perf_counter() - t)
        finally:
            bot.stop()
            slack.close()
    res = {
        "requests": a.requests,
        "concurrency": a.concurrency,
        "ack_p50_ms": round(1000 * statistics.median(acks), 1),
        "ack_p99_ms": round(1000 * pct(acks, 99), 1),
        "lost_replies": lost,
        "doubled_replies": doubled,
        "mention_to_card_p50_ms": round(1000 * statistics.median(e2e), 1),
        "mention_to_card_p95_ms": round(1000 * pct(e2e, 95), 1),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    for k, v in res.items():
        print(f"{k:>24}: {v}")
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
