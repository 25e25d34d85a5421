"""The digest scheduler's sync pass and housekeeping, on real databases, with an injected clock."""

from __future__ import annotations

import datetime as dt

from bot.runtime.scheduler import KEEP_EVENT_CLAIMS, DigestScheduler
from bot.usecases import digests, incidents
from storage import Store
from tests.storage.test_digests import DAY1, TEAM, Recorder, report, subscribe


def scheduler(store: Store, post: Recorder, now: dt.datetime) -> DigestScheduler:
    return DigestScheduler(
        store=store,
        slack_for=lambda team: (post, None),
        grace=dt.timedelta(hours=6),
        claim_expiry=dt.timedelta(minutes=10),
        post_empty=True,
        clock=lambda: now,
    )


def test_sync_posts_due_digests_and_tracks_subscriptions(store: Store) -> None:
    sub = subscribe(store)
    subscribe(store, channel="C0WEEKLY", at="weekly")
    report(store, "Acme Bank", DAY1 + dt.timedelta(minutes=30))
    post = Recorder()
    s = scheduler(store, post, DAY1 + dt.timedelta(hours=1, minutes=1))
    synced = s.sync()
    assert {x.channel_id for x in synced} == {"C0DIGEST", "C0WEEKLY"}
    assert [p[0] for p in post.posts] == ["C0DIGEST"]  # the weekly one is not due on a Friday
    assert s._scheduler.get_job(f"digest-{sub.id}") is not None
    s.sync()  # a second pass posts nothing more
    assert len(post.posts) == 1
    digests.unsubscribe(store=store, team_id=TEAM, channel_id="C0DIGEST")
    s.sync()
    assert s._scheduler.get_job(f"digest-{sub.id}") is None


def test_cron_trigger_fires_at_local_time_across_dst(store: Store) -> None:
    sub = subscribe(store)
    trigger = DigestScheduler.trigger(sub)
    before = trigger.get_next_fire_time(None, dt.datetime(2026, 3, 28, 0, 0, tzinfo=dt.UTC))
    after = trigger.get_next_fire_time(None, dt.datetime(2026, 3, 30, 0, 0, tzinfo=dt.UTC))
    assert before.astimezone(dt.UTC).hour == 9  # GMT
    assert after.astimezone(dt.UTC).hour == 8  # BST: still 09:00 in London


def test_prune_forgets_old_event_claims(store: Store) -> None:
    assert incidents.claim_event(store=store, team_id=TEAM, event_id="Ev1")
    assert not incidents.claim_event(store=store, team_id=TEAM, event_id="Ev1")
    later = dt.datetime.now(dt.UTC) + KEEP_EVENT_CLAIMS + dt.timedelta(minutes=1)
    assert scheduler(store, Recorder(), later).prune() == 1
    assert incidents.claim_event(store=store, team_id=TEAM, event_id="Ev1")


def test_a_workspace_not_served_waits_unclaimed_until_it_is(store: Store) -> None:
    subscribe(store)
    report(store, "Acme Bank", DAY1 + dt.timedelta(minutes=30))
    post = Recorder()
    served: set[str] = set()
    due = DAY1 + dt.timedelta(hours=1, minutes=1)
    s = DigestScheduler(
        store=store,
        slack_for=lambda team: (post, None) if team in served else None,
        grace=dt.timedelta(hours=6),
        claim_expiry=dt.timedelta(minutes=10),
        post_empty=True,
        clock=lambda: due,
    )
    s.sync()
    assert post.posts == []  # uninstalled: nothing posted, the period not claimed
    served.add(TEAM)  # installed again
    s.sync()
    assert [p[0] for p in post.posts] == ["C0DIGEST"]
