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
from typing import Any

from bot.domain import watchlist
from bot.errors import PostError, RateLimited
from bot.render.slack import FoldedAlert, alert_blocks, folded_alerts_blocks
from bot.usecases.digests import CHANNEL_GONE, Poster
from bot.usecases.jobs import ClaimKeeper, retry_bookkeeping
from storage import Store, watchlists
from storage import alerts as rows
from storage.privacy import AudienceView
from storage.records import AlertRecord, Audience, IncidentRecord
from storage.repository import IncidentRepository

log = logging.getLogger(__name__)

MAX_PER_PASS = 50
CLAIM_EXPIRY = dt.timedelta(minutes=5)
# Alert cards a channel gets in an hour; past that, the pass's further alerts are folded into one
# message that lists them, so a broad watchlist cannot flood a channel.
MAX_CARDS_PER_HOUR = 10
# How a workspace's alerts are posted; None when the bot does not serve it (they wait).
PosterFor = Callable[[str], Poster | None]


@dataclass(frozen=True)
class AlertResult:
    alert: AlertRecord
    status: str  # posted, dropped, failed, waiting
    message: str


def _visible(store: Store, alert: AlertRecord, terms: list[str]) -> tuple[IncidentRecord, list[watchlist.Hit]] | None:
    """The incident as the alert's channel may see it now, and the watched names (of ``terms``,
    the channel's watchlist) it gives; None (and the alert dropped) when the channel may not see
    it, or what it may see names nothing it watches."""
    audience = Audience.conversation(alert.channel_id)
    record = store.read(
        lambda repo: AudienceView(repo, team_id=alert.team_id, audience=audience).get(alert.incident_id)
    )
    hits = watchlist.matches(record.summary, terms) if record is not None and alert.reason == rows.WATCH_REASON else []
    if record is None or (alert.reason == rows.WATCH_REASON and not hits):
        store.write(lambda repo: rows.drop(repo, alert.id))
        return None
    return record, hits


@dataclass(frozen=True)
class _Claims:
    """How this pass's claims are kept: when they expire, and the clock their renewals record."""

    expiry: dt.timedelta
    clock: Callable[[], dt.datetime]


def _for_each(store: Store, alerts: list[AlertRecord], write: Callable[[IncidentRepository, int], None]) -> None:
    """One write for each alert, in one transaction."""

    def run(repo: IncidentRepository) -> None:
        for alert in alerts:
            write(repo, alert.id)

    store.write(run)


def _deliver(
    store: Store,
    alerts: list[AlertRecord],
    post: Poster,
    message: tuple[list[dict[str, Any]], str],
    now: dt.datetime,
    claims: _Claims,
) -> tuple[str, str]:
    """Post one message for ``alerts`` (one card, or a folded list) and record it for each:
    ("posted", ""), or the status and reason why not (each alert given back for the next pass,
    or dropped)."""
    ids = [a.id for a in alerts]
    try:
        # Renewed for as long as Slack takes: another replica takes the alerts over only if this
        # process dies (stops renewing), never while its post is in flight.
        with ClaimKeeper(
            lambda at: store.write(lambda repo: rows.renew(repo, ids, now=at)),
            name=f"alerts {ids}",
            clock=claims.clock,
            every_s=claims.expiry.total_seconds() / 3,
        ):
            ts = post(alerts[0].channel_id, *message)
    except RateLimited as limited:
        _for_each(store, alerts, rows.release)
        return "failed", f"Slack asked to wait {limited.retry_after:.0f} s"
    except PostError as exc:
        if exc.reason in CHANNEL_GONE:
            _for_each(store, alerts, rows.drop)
            return "dropped", f"Slack says {exc.reason}"
        _for_each(store, alerts, rows.release)
        return "failed", f"posting failed: {exc.reason}; it will be retried"
    except BaseException:
        _for_each(store, alerts, rows.release)
        raise
    # Slack has it: only the record is retried from here (a second post would be a duplicate).
    retry_bookkeeping(
        lambda: _for_each(store, alerts, lambda repo, alert_id: rows.posted(repo, alert_id, message_ts=ts, now=now)),
        what=f"alerts {ids} posted",
    )
    return "posted", ""


def _send_channel(
    store: Store, alerts: list[AlertRecord], post: Poster, now: dt.datetime, per_hour: int, claims: _Claims
) -> list[AlertResult]:
    """One channel's owed alerts: a card each while the channel has had fewer than ``per_hour``
    alerts in the last hour; past that, the rest folded into one message that lists them."""
    first = alerts[0]
    since = now - dt.timedelta(hours=1)
    recent = store.read(
        lambda repo: rows.posted_since(repo, team_id=first.team_id, channel_id=first.channel_id, since=since)
    )
    # The channel's watchlist, read once for all its alerts.
    terms = [
        t.term
        for t in store.read(lambda repo: watchlists.listed(repo, team_id=first.team_id, channel_id=first.channel_id))
    ]
    budget = max(0, per_hour - recent)
    results: list[AlertResult] = []
    folded: list[tuple[AlertRecord, IncidentRecord, list[watchlist.Hit]]] = []
    for alert in alerts:
        seen = _visible(store, alert, terms)
        if seen is None:
            results.append(AlertResult(alert, "dropped", "the channel may not see it, or it names nothing watched"))
            continue
        record, hits = seen
        if budget > 0:
            budget -= 1
            card = alert_blocks(record.summary, incident_id=record.id, hits=hits, again=alert.posts > 0)
            status, why = _deliver(store, [alert], post, card, now, claims)
            results.append(AlertResult(alert, status, why or f"alert about #{record.id} posted in {alert.channel_id}"))
        else:
            folded.append((alert, record, hits))
    if folded:
        listing = folded_alerts_blocks(
            [FoldedAlert(r.id, r.summary, tuple(h.term for h in hits)) for _, r, hits in folded], per_hour=per_hour
        )
        status, why = _deliver(store, [a for a, _, _ in folded], post, listing, now, claims)
        results += [AlertResult(a, status, why or f"folded into one message in {a.channel_id}") for a, _, _ in folded]
    return results


def send_owed(
    *,
    store: Store,
    poster_for: PosterFor,
    now: dt.datetime | None = None,
    claim_expiry: dt.timedelta = CLAIM_EXPIRY,
    limit: int = MAX_PER_PASS,
    per_hour: int = MAX_CARDS_PER_HOUR,
    clock: Callable[[], dt.datetime] | None = None,
) -> list[AlertResult]:
    """Claim and post the owed alerts (at most ``limit`` per pass), channel by channel.
    ``clock``: what the claims' renewals record as their time (the wall clock by default)."""
    when = now or dt.datetime.now(dt.UTC)
    claims = _Claims(claim_expiry, clock or (lambda: dt.datetime.now(dt.UTC)))
    claimed = store.write(lambda repo: rows.claim(repo, now=when, expire_after=claim_expiry, limit=limit))
    by_channel: dict[tuple[str, str], list[AlertRecord]] = {}
    for alert in claimed:
        by_channel.setdefault((alert.team_id, alert.channel_id), []).append(alert)
    results: list[AlertResult] = []
    for (team_id, _), alerts in by_channel.items():
        post = poster_for(team_id)
        if post is None:
            _for_each(store, alerts, rows.release)
            results += [AlertResult(a, "waiting", "the bot does not serve that workspace") for a in alerts]
            continue
        for result in _send_channel(store, alerts, post, when, per_hour, claims):
            if result.status != "posted":
                log.info("alert %s: %s", result.alert.id, result.message)
            results.append(result)
    return results


def alert_counts(*, store: Store, team_id: str | None = None) -> dict[str, int]:
    return store.read(lambda repo: rows.counts(repo, team_id=team_id))
