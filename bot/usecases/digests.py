"""Digest use cases: subscribe, status, preview, and posting each scheduled slot exactly once.

The scheduler, the ``/incident digest`` commands and ``incident-bot digest`` all come here; the
clock and the way a message is posted are passed in, so every rule is testable without waiting.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from bot.domain import digest_schedule as d
from bot.errors import IncidentBotError, PostError, RateLimited
from bot.render.slack import digest_blocks
from bot.usecases.jobs import ClaimKeeper, retry_bookkeeping
from storage import Store, watchlists
from storage import digest_runs as runs
from storage.records import SubscriptionRecord

log = logging.getLogger(__name__)

# Slack errors that mean the bot can no longer post in the channel: the subscription pauses
# instead of failing every day.
CHANNEL_GONE = frozenset({"channel_not_found", "not_in_channel", "is_archived", "account_inactive"})
MAX_DIGEST_INCIDENTS = 1000  # far more than a message shows; the rest is "… and N more"
LINKED_ITEMS = 40  # thread links are looked up for the lines a message can show


# (channel, blocks, fallback text) -> message ts; raises PostError
Poster = Callable[[str, list[dict[str, Any]], str], str]
# (channel, message ts) -> permalink, or None
Permalinker = Callable[[str, str], str | None]


@dataclass(frozen=True)
class SendResult:
    status: Literal[
        "posted", "already_posted", "not_due", "claimed_elsewhere", "empty_skipped", "paused", "failed", "rate_limited"
    ]
    message: str
    period: str | None = None
    digest: d.Digest | None = None
    message_ts: str | None = None


def schedule_of(sub: SubscriptionRecord) -> d.Schedule:
    cadence: d.Cadence = "weekly" if sub.cadence == "weekly" else "daily"
    return d.Schedule(cadence, sub.local_time, sub.timezone, sub.weekday)


def describe(sub: SubscriptionRecord) -> str:
    when = sub.local_time.strftime("%H:%M")
    day = (
        f" on {('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday')[sub.weekday or 0]}s"
        if (sub.cadence == "weekly")
        else ""
    )
    return f"{sub.cadence}{day} at {when} {sub.timezone}"


def subscribe(
    *, store: Store, team_id: str, channel_id: str, user_id: str, args: tuple[str, ...], default_zone: str
) -> SubscriptionRecord:
    """Create or replace the channel's subscription (BadInputError on a bad time or zone)."""
    sched = d.parse_schedule(args, default_zone=default_zone)
    return store.write(
        lambda repo: runs.subscribe(
            repo,
            team_id=team_id,
            channel_id=channel_id,
            local_time=sched.local_time,
            timezone=sched.timezone,
            cadence=sched.cadence,
            created_by=user_id,
            weekday=sched.weekday,
        )
    )


def unsubscribe(*, store: Store, team_id: str, channel_id: str) -> bool:
    return store.write(lambda repo: runs.unsubscribe(repo, team_id=team_id, channel_id=channel_id))


def find_subscription(*, store: Store, team_id: str | None, channel_id: str) -> SubscriptionRecord | None:
    """The channel's subscription; with no team given, the only team that has one for it."""
    found = store.read(lambda repo: runs.find(repo, team_id=team_id, channel_id=channel_id))
    if len(found) > 1:
        raise IncidentBotError(f"channel {channel_id} has subscriptions in several teams; name the team")
    return found[0] if found else None


def _period_start(store: Store, sub: SubscriptionRecord) -> tuple[dt.datetime, runs.PostedRun | None]:
    """A period starts where the previous posted digest ended, or when the channel subscribed."""
    last = store.read(lambda repo: runs.last_posted(repo, sub.id))
    if last is not None:
        return last.period_end, last
    return store.read(lambda repo: runs.subscription_created_at(repo, sub.id)), None


def build(
    *,
    store: Store,
    sub: SubscriptionRecord,
    start: dt.datetime,
    end: dt.datetime,
    period: str,
    previous_total: int | None,
    permalink: Permalinker | None,
) -> d.Digest:
    """The digest of [start, end) as this channel may see it."""
    from bot.usecases import incidents as services

    records = services.incidents_for_digest(
        store=store,
        team_id=sub.team_id,
        channel_id=sub.channel_id,
        start=start,
        end=end,
        limit=MAX_DIGEST_INCIDENTS,
    )
    # Links to the thread where each incident was first posted in this channel (links elsewhere
    # could point into conversations the channel's members cannot open); looked up for the lines
    # a message can show.
    threads: dict[int, str] = {}
    if permalink is not None:
        threads = services.first_threads(
            store=store,
            team_id=sub.team_id,
            channel_id=sub.channel_id,
            incident_ids=[r.id for r in records[:LINKED_ITEMS]],
        )
    items = [
        d.DigestItem(
            r.id,
            r.summary,
            permalink(sub.channel_id, threads[r.id]) if permalink and r.id in threads else None,
            r.first_seen_at.date(),
        )
        for r in records
    ]
    terms = store.read(lambda repo: watchlists.listed(repo, team_id=sub.team_id, channel_id=sub.channel_id))
    return d.build_digest(
        period=period,
        start=start,
        end=end,
        items=items,
        previous_total=previous_total,
        watch_terms=[t.term for t in terms],
    )


def preview(*, store: Store, sub: SubscriptionRecord, now: dt.datetime, permalink: Permalinker | None) -> d.Digest:
    """What the next digest would say if it were posted now (nothing is recorded)."""
    start, last = _period_start(store, sub)
    return build(
        store=store,
        sub=sub,
        start=start,
        end=now,
        period=f"preview until {now:%Y-%m-%d %H:%M} UTC",
        previous_total=last.incident_count if last else None,
        permalink=permalink,
    )


def send_due(
    *,
    store: Store,
    sub: SubscriptionRecord,
    now: dt.datetime,
    post: Poster,
    permalink: Permalinker | None = None,
    grace: dt.timedelta | None = None,
    claim_expiry: dt.timedelta = dt.timedelta(minutes=10),
    post_empty: bool = True,
    force: bool = False,
    clock: Callable[[], dt.datetime] | None = None,
) -> SendResult:
    """Post the digest of the most recent slot at or before ``now`` unless it was posted already.

    ``grace``: a slot older than this is not posted late (the next one covers its incidents).
    ``force``: post the current period now, whatever was posted; not recorded as a run.
    ``clock``: what the claim's renewals record as their time (the wall clock by default).
    """
    clock = clock or (lambda: dt.datetime.now(dt.UTC))
    if not sub.active and not force:
        return SendResult("paused", "the subscription is paused (the channel was archived or the bot removed)")
    schedule = schedule_of(sub)
    start, last = _period_start(store, sub)
    previous_total = last.incident_count if last else None
    if force:
        digest = build(
            store=store,
            sub=sub,
            start=start,
            end=now,
            period=f"{now:%Y-%m-%d %H:%M} UTC (on demand)",
            previous_total=previous_total,
            permalink=permalink,
        )
        ts = _post(store, sub, digest, post)
        return SendResult("posted", "posted on demand (not counted as a scheduled digest)", digest.period, digest, ts)
    slot = d.slot_at_or_before(schedule, now)
    period = d.period_name(schedule, slot)
    if slot <= start:
        nxt = d.next_slot_after(schedule, now)
        what = "already posted" if last is not None and last.period_end >= slot else "not due yet"
        return SendResult(
            "already_posted" if what == "already posted" else "not_due",
            f"the {period} digest is {what}; the next is {d.period_name(schedule, nxt)}",
            period,
        )
    if grace is not None and now - slot > grace:
        return SendResult(
            "not_due",
            f"the {period} digest was missed by more than {grace}; the next digest will cover its incidents",
            period,
        )
    run_id = store.write(
        lambda repo: runs.claim(repo, sub.id, period_start=start, period_end=slot, now=now, expire_after=claim_expiry)
    )
    if run_id is None:
        return SendResult("claimed_elsewhere", f"the {period} digest is being posted by another worker", period)
    # The claim is renewed for as long as this worker builds and posts, however long Slack takes:
    # another replica takes it over only if this one dies (stops renewing).
    with ClaimKeeper(
        lambda at: store.write(lambda repo: runs.renew(repo, run_id, now=at)),
        name=f"digest run {run_id}",
        clock=clock,
        every_s=claim_expiry.total_seconds() / 3,
    ):
        try:
            digest = build(
                store=store,
                sub=sub,
                start=start,
                end=slot,
                period=period,
                previous_total=previous_total,
                permalink=permalink,
            )
            if digest.total == 0 and not post_empty:
                ts = ""
                result = SendResult("empty_skipped", f"no new incidents for {period}; nothing posted", period, digest)
            else:
                ts = _post(store, sub, digest, post)
                result = SendResult(
                    "posted", f"posted the {period} digest ({digest.total} incidents)", period, digest, ts
                )
        except RateLimited as limited:
            # Not slept on here: the period is given back and the scheduler's next pass (every
            # minute) posts it once Slack's wait is over.
            store.write(lambda repo: runs.release(repo, run_id))
            return SendResult(
                "rate_limited", f"Slack asked to wait {limited.retry_after:.0f} s; the digest will be retried", period
            )
        except PostError as exc:
            # Give the period back so that a later attempt can post it; a channel that is gone pauses.
            store.write(lambda repo: runs.release(repo, run_id))
            if exc.reason in CHANNEL_GONE:
                store.write(lambda repo: runs.set_active(repo, sub.id, active=False))
                log.warning("digest for %s/%s paused: %s", sub.team_id, sub.channel_id, exc.reason)
                return SendResult("paused", f"paused the subscription: Slack says {exc.reason}", period)
            log.error("digest for %s/%s failed: %s", sub.team_id, sub.channel_id, exc.reason)
            return SendResult("failed", f"posting failed: {exc.reason}; it will be retried", period)
        except BaseException:
            store.write(lambda repo: runs.release(repo, run_id))
            raise
        # Slack has the message: from here only the record is retried (a lost connection must not
        # lead to a second post), while the claim keeps being renewed.
        retry_bookkeeping(
            lambda: store.write(
                lambda repo: runs.mark_posted(repo, run_id, message_ts=ts, incident_count=digest.total)
            ),
            what=f"digest run {run_id} posted",
        )
    return result


def _post(store: Store, sub: SubscriptionRecord, digest: d.Digest, post: Poster) -> str:
    blocks, text = digest_blocks(digest)
    return post(sub.channel_id, blocks, text)
