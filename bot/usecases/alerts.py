"""Posting the alerts owed to channels (storage/alerts.py), each once across replicas.

An alert is owed in the transaction that stores its incident (a watched name on the card, or a
feed's ``alert:LEVEL``). Here each owed alert is claimed by one poster, checked against what the
channel may see *now* (storage/privacy.py: an incident known only from another private
conversation is never shown; a watched name that only such a report gave is no reason to alert),
posted, and marked posted. A post that fails gives the claim back for the next pass; a channel
that is gone drops the alert.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.domain import watchlist
from bot.errors import PostError, RateLimited
from bot.render.slack import alert_blocks
from bot.usecases.digests import CHANNEL_GONE, Poster
from bot.usecases.jobs import retry_bookkeeping
from storage import Store, watchlists
from storage import alerts as rows
from storage.privacy import AudienceView
from storage.records import AlertRecord, Audience

log = logging.getLogger(__name__)

MAX_PER_PASS = 50
CLAIM_EXPIRY = dt.timedelta(minutes=5)
# How a workspace's alerts are posted; None when the bot does not serve it (they wait).
PosterFor = Callable[[str], Poster | None]


@dataclass(frozen=True)
class AlertResult:
    alert: AlertRecord
    status: str  # posted, dropped, failed, waiting
    message: str


def _send(store: Store, alert: AlertRecord, post: Poster, now: dt.datetime) -> AlertResult:
    audience = Audience.conversation(alert.channel_id)
    record = store.read(
        lambda repo: AudienceView(repo, team_id=alert.team_id, audience=audience).get(alert.incident_id)
    )
    if record is None:
        store.write(lambda repo: rows.drop(repo, alert.id))
        return AlertResult(alert, "dropped", "the channel may not see the incident")
    hits: list[watchlist.Hit] = []
    if alert.reason == rows.WATCH_REASON:
        terms = store.read(lambda repo: watchlists.listed(repo, team_id=alert.team_id, channel_id=alert.channel_id))
        hits = watchlist.matches(record.summary, [t.term for t in terms])
        if not hits:
            store.write(lambda repo: rows.drop(repo, alert.id))
            return AlertResult(alert, "dropped", "what the channel may see names nothing it watches")
    blocks, text = alert_blocks(record.summary, incident_id=record.id, hits=hits, again=alert.posts > 0)
    try:
        ts = post(alert.channel_id, blocks, text)
    except RateLimited as limited:
        store.write(lambda repo: rows.release(repo, alert.id))
        return AlertResult(alert, "failed", f"Slack asked to wait {limited.retry_after:.0f} s")
    except PostError as exc:
        if exc.reason in CHANNEL_GONE:
            store.write(lambda repo: rows.drop(repo, alert.id))
            return AlertResult(alert, "dropped", f"Slack says {exc.reason}")
        store.write(lambda repo: rows.release(repo, alert.id))
        return AlertResult(alert, "failed", f"posting failed: {exc.reason}; it will be retried")
    except BaseException:
        store.write(lambda repo: rows.release(repo, alert.id))
        raise
    # Slack has it: only the record is retried from here (a second post would be a duplicate).
    retry_bookkeeping(
        lambda: store.write(lambda repo: rows.posted(repo, alert.id, message_ts=ts, now=now)),
        what=f"alert {alert.id} posted",
    )
    return AlertResult(alert, "posted", f"alert about #{record.id} posted in {alert.channel_id}")


def send_owed(
    *,
    store: Store,
    poster_for: PosterFor,
    now: dt.datetime | None = None,
    claim_expiry: dt.timedelta = CLAIM_EXPIRY,
    limit: int = MAX_PER_PASS,
) -> list[AlertResult]:
    """Claim and post the owed alerts (at most ``limit`` per pass)."""
    when = now or dt.datetime.now(dt.UTC)
    claimed = store.write(lambda repo: rows.claim(repo, now=when, expire_after=claim_expiry, limit=limit))
    results: list[AlertResult] = []
    for alert in claimed:
        post = poster_for(alert.team_id)
        if post is None:
            store.write(lambda repo, a=alert: rows.release(repo, a.id))  # type: ignore[misc]
            results.append(AlertResult(alert, "waiting", "the bot does not serve that workspace"))
            continue
        result = _send(store, alert, post, when)
        if result.status != "posted":
            log.info("alert %s: %s", alert.id, result.message)
        results.append(result)
    return results


def alert_counts(*, store: Store, team_id: str | None = None) -> dict[str, int]:
    return store.read(lambda repo: rows.counts(repo, team_id=team_id))
