"""Feed load: 500 feeds of 50 entries each, served from loopback, polled and read.

    python bench/feeds_load.py [--feeds 500] [--entries 50] [--db sqlite:////tmp/feeds.sqlite3]

A threaded HTTP server on 127.0.0.1 serves every feed (RSS 2.0 whose entries carry their whole
article, text written by this script: an organisation, an attack, a number of people). Then:

1. **polls**: every feed added to one channel and polled once by ``feeds.poll_due`` with the real
   fetcher (``bot.sources.feeds.poll_feed``: guarded fetch, feedparser), four at a time, as the
   bot's scheduler does; each new entry remembered and queued: polls per minute;
2. **entries**: every queued entry read on this thread (``feeds.read_queued``: extraction, store,
   de-duplication, alerts owed for a ten-term watchlist): entries per second (one core);
3. **a second poll** of every feed (HTTP 304 from the server's ETag): polls per minute;
4. **a 10,000-entry feed** (teasers with links, 3 MB): one poll, which queues MAX_NEW_PER_POLL.

It reports peak memory (max RSS of this process) and database growth (file size on SQLite).
Not a test; docs/performance.md records the figures with the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import resource
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app.settings import Settings  # noqa: E402
from bot.extraction import Article  # noqa: E402
from bot.sources.feeds import FeedPoll, poll_feed  # noqa: E402
from bot.usecases import alerts, feeds, watchlists  # noqa: E402
from bot.usecases.incidents import open_store  # noqa: E402
from bot.usecases.jobs import JobQueue  # noqa: E402
from storage.jobs import SqlJobs  # noqa: E402
from storage.records import FeedRecord  # noqa: E402

TEAM, CHANNEL = "TBENCH", "CBENCH"
ORGS = ["Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Gum", "Hazel", "Ironwood", "Juniper"]
KINDS = ["Logistics", "Health", "Bank", "Foods", "Energy", "Schools", "Insurance", "Telecom"]
ATTACKS = [
    "a ransomware attack encrypted its file servers and the attackers demanded a ransom in bitcoin",
    "an intruder used a stolen contractor password to copy customer names and home addresses",
    "a phishing email tricked staff into entering their passwords on a fake login page",
    "a distributed denial-of-service attack took its website offline for most of the day",
]


def article(feed: int, n: int) -> tuple[str, str]:
    """An entry's title and article text, written here: distinct organisations and numbers."""
    org = f"{ORGS[feed % len(ORGS)]} {KINDS[n % len(KINDS)]} {feed:03d}{n:02d}"
    attack = ATTACKS[(feed + n) % len(ATTACKS)]
    people = 1_000 + (feed * 37 + n * 101) % 90_000
    title = f"{org} reports cyberattack"
    text = (
        f"{org} said on Tuesday that {attack}. The company said the personal details of about {people:,} "
        f"customers may have been affected and that it had informed the data protection regulator. "
        f"{org} disconnected the affected systems, reset every account and hired an outside incident-response "
        "firm to investigate. It said payment card numbers are stored elsewhere and were not exposed, and that "
        "customers would receive letters explaining what happened and how to watch for fraudulent emails. "
        f"A spokesperson for {org} said services were being restored and apologised to customers for the "
        "disruption, adding that there was no evidence so far that the stolen data had been published. "
        f"Security researchers who looked at the incident said attacks like the one on {org} usually begin with a "
        "single compromised account, and urged other firms in the sector to turn on multi-factor authentication, "
        "to review which contractors can reach their internal systems and to rehearse how they would restore "
        "their servers from backups that the attackers cannot reach. The regulator confirmed it had received "
        f"a report from {org} and said it would decide in the coming weeks whether to open an investigation."
    )
    return title, text


def feed_xml(feed: int, entries: int, *, base: str) -> bytes:
    items = []
    for n in range(entries):
        title, text = article(feed, n)
        paragraph = text.replace("&", "&amp;").replace("<", "&lt;")
        items.append(
            f"<item><title>{title}</title><guid>bench-{feed}-{n}</guid><link>{base}/a/{feed}/{n}</link>"
            f"<description>&lt;p&gt;{paragraph}&lt;/p&gt;</description></item>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench feed {feed}</title>'
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def big_feed(entries: int, *, base: str) -> bytes:
    items = "".join(
        f"<item><title>Story {n}</title><guid>big-{n}</guid><link>{base}/big/{n}</link>"
        "<description>A short teaser of the story.</description></item>"
        for n in range(entries)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'.encode()


class Server:
    def __init__(self, feeds_n: int, entries: int) -> None:
        self.bodies: dict[str, bytes] = {}
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                outer.requests += 1
                body = outer.bodies.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        for f in range(feeds_n):
            self.bodies[f"/feed/{f}.xml"] = feed_xml(f, entries, base=self.base)
        self.bodies["/big.xml"] = big_feed(10_000, base=self.base)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--entries", type=int, default=50)
    ap.add_argument("--db", help="database URL (default: a new SQLite file in a temporary folder)")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="feeds-bench-"))
    db_file = tmp / "feeds.sqlite3"
    url = a.db or f"sqlite:///{db_file}"
    settings = Settings(_env_file=None, INCIDENT_BOT_FETCH_ALLOW_PRIVATE=True)  # type: ignore[call-arg]
    server = Server(a.feeds, a.entries)
    store = open_store(database_url=url)
    size0 = db_file.stat().st_size if db_file.exists() else 0
    watchlists.add_terms(
        store=store, team_id=TEAM, channel_id="CWATCH", user_id="bench", text=" ".join(f"{o}" for o in ORGS[:10])
    )

    def fetch(u: str, etag: str | None, modified: str | None) -> FeedPoll:
        return poll_feed(u, settings=settings, etag=etag, last_modified=modified)

    for f in range(a.feeds):
        feeds.add_feed(
            store=store,
            team_id=TEAM,
            channel_id=CHANNEL,
            conversation_type="public_channel",
            user_id="bench",
            url=f"{server.base}/feed/{f}.xml",
        )
    t = time.perf_counter()
    reports = feeds.poll_due(store=store, fetch=fetch, limit=a.feeds)
    poll_s = time.perf_counter() - t
    queued = [j for r in reports for j in r.queued]
    queue = JobQueue(SqlJobs(store), lease=dt.timedelta(seconds=60))

    def no_fetch(link: str) -> Article:
        raise AssertionError(f"{link}: every entry carries its article")

    def read(feed: FeedRecord, payload: dict[str, Any]) -> feeds.EntryOutcome:
        return feeds.read_entry(store=store, feed=feed, payload=payload, read_url=no_fetch)

    t = time.perf_counter()
    outcomes = feeds.read_queued(store=store, queue=queue, job_ids=queued, read=read)
    read_s = time.perf_counter() - t
    by_outcome: dict[str, int] = {}
    for o in outcomes:
        by_outcome[o.outcome] = by_outcome.get(o.outcome, 0) + 1
    # Second poll: every feed due again, the server answers 304.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    t = time.perf_counter()
    second = feeds.poll_due(store=store, fetch=fetch, limit=a.feeds, now=later)
    second_s = time.perf_counter() - t
    big, _ = feeds.add_feed(
        store=store,
        team_id=TEAM,
        channel_id=CHANNEL,
        conversation_type="public_channel",
        user_id="bench",
        url=f"{server.base}/big.xml",
    )
    t = time.perf_counter()
    (big_report,) = feeds.poll_due(store=store, fetch=fetch, feed_ids=[big.id], now=later)
    big_s = time.perf_counter() - t
    size1 = db_file.stat().st_size if db_file.exists() else 0
    result = {
        "feeds": a.feeds,
        "entries_per_feed": a.entries,
        "first_poll_s": round(poll_s, 2),
        "polls_per_minute": round(len(reports) / poll_s * 60),
        "entries_queued": len(queued),
        "entries_read_s": round(read_s, 1),
        "entries_per_second": round(len(outcomes) / read_s, 1),
        "outcomes": by_outcome,
        "second_poll_304_s": round(second_s, 2),
        "second_polls_per_minute": round(len(second) / second_s * 60),
        "not_modified": sum(r.status == "not_modified" for r in second),
        "big_feed_poll_s": round(big_s, 2),
        "big_feed_queued": len(big_report.queued),
        "peak_rss_mb": round(rss_mb()),
        "db_growth_mb": round((size1 - size0) / 1e6, 1) if a.db is None else None,
        "db_bytes_per_entry": round((size1 - size0) / max(1, len(outcomes))) if a.db is None else None,
        "alerts_owed": alerts.alert_counts(store=store, team_id=TEAM),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }
    store.close()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
