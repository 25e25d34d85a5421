"""The digest scheduler: APScheduler jobs rebuilt from the subscriptions table.

Why not APScheduler's SQLAlchemy job store: the subscriptions table already says what is due,
and the (subscription, period) claim row already makes each post happen once across replicas.
A persistent job store would be a second copy of the schedule to keep in step (and one replica's
store would not know about a subscription made through another). So each process keeps, in
memory, one cron job per active subscription (in the subscriber's own time zone, so DST is
APScheduler's and zoneinfo's business) for punctuality, and re-reads the table every minute:
new, changed and removed subscriptions are picked up, and the same pass posts any slot that is
due and not yet posted — which is also how a bot that was down at 09:00 catches up, within the
grace period, when it comes back.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Sequence
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.runtime.installations import TeamClients
from bot.runtime.slack_api import slack_permalinker, slack_poster
from bot.usecases import digests as digest_service
from bot.usecases.digests import Permalinker, Poster
from storage import Store
from storage import digest_runs as runs
from storage.records import SubscriptionRecord

log = logging.getLogger(__name__)

SYNC_EVERY = dt.timedelta(seconds=60)
# Slack retries an event for minutes, not days: claims older than this are only history.
KEEP_EVENT_CLAIMS = dt.timedelta(days=2)
PRUNE_EVERY = dt.timedelta(hours=1)
Clock = Callable[[], dt.datetime]
# How a workspace's digests are posted and linked; None when the bot does not serve it (never
# installed, uninstalled): its digests wait, unclaimed, and resume if it installs again.
SlackFor = Callable[[str], tuple[Poster, Permalinker | None] | None]


def team_slack(clients: TeamClients) -> SlackFor:
    def slack_for(team_id: str) -> tuple[Poster, Permalinker | None] | None:
        client = clients.client_for(team_id)
        return None if client is None else (slack_poster(client), slack_permalinker(client))

    return slack_for


def _logged(name: str, work: Callable[[], object]) -> Callable[[], None]:
    """A periodic job that logs its failure and runs again at its next interval."""

    def run() -> None:
        try:
            work()
        except Exception:
            log.exception("%s failed; it runs again at its next interval", name)

    return run


def team_poster(clients: TeamClients) -> Callable[[str], Poster | None]:
    """How a workspace's alerts are posted (``team_slack``'s poster); None when the bot does not
    serve it."""
    slack_for = team_slack(clients)

    def poster_for(team_id: str) -> Poster | None:
        slack = slack_for(team_id)
        return None if slack is None else slack[0]

    return poster_for


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class DigestScheduler:
    def __init__(
        self,
        *,
        store: Store,
        slack_for: SlackFor,
        grace: dt.timedelta,
        claim_expiry: dt.timedelta,
        post_empty: bool,
        clock: Clock = utcnow,
        periodic: Sequence[tuple[str, float, Callable[[], object]]] = (),
    ) -> None:
        self.store, self.slack_for = store, slack_for
        # Other work on a fixed interval: (name, seconds, what), e.g. polling feeds, posting alerts.
        self.periodic = list(periodic)
        self.grace, self.claim_expiry, self.post_empty, self.clock = grace, claim_expiry, post_empty, clock
        self._scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
        self._jobs: dict[int, tuple[str, ...]] = {}  # subscription id -> the schedule its job has

    def start(self) -> None:
        self._scheduler.add_job(
            self.sync,
            IntervalTrigger(seconds=SYNC_EVERY.total_seconds()),
            id="sync",
            next_run_time=dt.datetime.now(dt.UTC),
        )
        self._scheduler.add_job(self.prune, IntervalTrigger(seconds=PRUNE_EVERY.total_seconds()), id="prune")
        for name, seconds, work in self.periodic:
            self._scheduler.add_job(
                _logged(name, work), IntervalTrigger(seconds=seconds), id=name, next_run_time=dt.datetime.now(dt.UTC)
            )
        self._scheduler.start()

    def shutdown(self) -> None:
        self._scheduler.shutdown(wait=False)

    def _send(self, sub: SubscriptionRecord, slack_for: SlackFor | None = None) -> None:
        slack = (slack_for or self.slack_for)(sub.team_id)
        if slack is None:
            log.debug("digest %s/%s waits: the bot does not serve that workspace", sub.team_id, sub.channel_id)
            return
        post, permalink = slack
        result = digest_service.send_due(
            store=self.store,
            sub=sub,
            now=self.clock(),
            post=post,
            permalink=permalink,
            grace=self.grace,
            claim_expiry=self.claim_expiry,
            post_empty=self.post_empty,
        )
        if result.status in ("posted", "paused", "failed", "empty_skipped"):
            log.info("digest %s/%s: %s", sub.team_id, sub.channel_id, result.message)

    def _run_job(self, subscription_id: int) -> None:
        sub = self.store.read(lambda repo: runs.subscription(repo, subscription_id))
        if sub is not None and sub.active:
            self._send(sub)

    def sync(self) -> list[SubscriptionRecord]:
        """Bring the cron jobs in line with the table, and post whatever is due and unposted."""
        subs = self.store.read(runs.active)
        wanted = {s.id: (s.cadence, s.local_time.isoformat(), s.timezone, str(s.weekday)) for s in subs}
        for sid in set(self._jobs) - set(wanted):
            self._remove(sid)
        for sub in subs:
            if self._jobs.get(sub.id) != wanted[sub.id]:
                self._remove(sub.id)
                self._scheduler.add_job(
                    self._run_job,
                    self.trigger(sub),
                    args=[sub.id],
                    id=f"digest-{sub.id}",
                    misfire_grace_time=int(self.grace.total_seconds()),
                )
                self._jobs[sub.id] = wanted[sub.id]
        # One lookup of each workspace's client per pass (in OAuth mode a database read), not one
        # per subscription.
        slack_for = functools.cache(self.slack_for)
        for sub in subs:
            try:
                self._send(sub, slack_for)
            except Exception:
                log.exception("digest for subscription %s failed", sub.id)
        return subs

    def prune(self) -> int:
        """Forget Slack event claims nobody will retry any more, and finished submission jobs."""
        from bot.usecases import incidents

        older_than = self.clock() - KEEP_EVENT_CLAIMS
        return incidents.prune_events(store=self.store, older_than=older_than) + incidents.prune_jobs(
            store=self.store, older_than=older_than
        )

    def _remove(self, sid: int) -> None:
        if self._scheduler.get_job(f"digest-{sid}") is not None:
            self._scheduler.remove_job(f"digest-{sid}")
        self._jobs.pop(sid, None)

    @staticmethod
    def trigger(sub: SubscriptionRecord) -> CronTrigger:
        """A cron trigger at the local time in the subscriber's zone (DST-aware)."""
        kwargs: dict[str, Any] = {
            "hour": sub.local_time.hour,
            "minute": sub.local_time.minute,
            "timezone": sub.timezone,
        }
        if sub.cadence == "weekly":
            kwargs["day_of_week"] = sub.weekday or 0
        return CronTrigger(**kwargs)
