"""Feeds, entries, watchlists and alerts on real SQLite and PostgreSQL: each poll claimed once per
interval, each entry read once, each alert posted once — also with two replicas at once."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import pytest

from bot.errors import PostError
from bot.extraction.schema import IncidentType, Severity
from bot.sources.errors import FetchConnectError
from bot.sources.feeds import FeedEntry, FeedPoll
from bot.usecases import alerts, digests, feeds, watchlists
from bot.usecases.jobs import JobQueue
from storage import Store
from storage import alerts as alert_rows
from storage.jobs import SqlJobs
from storage.records import FeedRecord
from storage.uow import Store as StoreClass
from tests.conftest import EXAMPLES
from tests.storage.conftest import NOW, make_summary, race, report

TEAM, CHANNEL = "T1", "C-feed"
BODY = (EXAMPLES / "ransomware-hospital.txt").read_text().split("\n", 1)[1].strip()


def entry(n: int, *, text: str | None = BODY, link: str | None = None) -> FeedEntry:
    return FeedEntry(
        key=f"{n:064d}",
        link=link or f"https://news.test/{n}",
        title=f"Entry {n}",
        published=None,
        text=text,
        full=text is not None,
    )


def fetcher(*entries: FeedEntry, etag: str = '"e"') -> Callable[[str, str | None, str | None], FeedPoll]:
    def fetch(url: str, etag_: str | None, modified: str | None) -> FeedPoll:
        return FeedPoll(url, False, "Desk", tuple(entries), etag, None)

    return fetch


def add(store: Store, url: str = "https://news.test/feed.xml", *options: str, channel: str = CHANNEL) -> FeedRecord:
    feed, created = feeds.add_feed(
        store=store,
        team_id=TEAM,
        channel_id=channel,
        conversation_type="public_channel",
        user_id="U1",
        url=url,
        options=options,
        now=NOW,
    )
    assert created
    return feed


def test_add_list_remove_and_options(store: Store) -> None:
    feed = add(store, "https://news.test/feed.xml?utm_source=x", "ransomware", "alert:high", "every:2h")
    assert feed.url == "https://news.test/feed.xml"  # canonicalized
    assert (feed.types, feed.alert_severity, feed.interval_minutes) == (("ransomware",), "high", 120)
    again, created = feeds.add_feed(
        store=store,
        team_id=TEAM,
        channel_id=CHANNEL,
        conversation_type="public_channel",
        user_id="U2",
        url="https://news.test/feed.xml",
    )
    assert not created
    assert again.id == feed.id
    assert (again.types, again.alert_severity, again.interval_minutes) == ((), None, 15)
    assert [f.id for f in feeds.list_feeds(store=store, team_id=TEAM, channel_id=CHANNEL)] == [feed.id]
    assert feeds.list_feeds(store=store, team_id="T-other") == []
    assert not feeds.remove_feed(store=store, team_id="T-other", feed_id=feed.id)  # another team's
    assert not feeds.remove_feed(store=store, team_id=TEAM, feed_id=feed.id, channel_id="C-else")
    assert feeds.remove_feed(store=store, team_id=TEAM, feed_id=feed.id, channel_id=CHANNEL)
    assert feeds.list_feeds(store=store, team_id=TEAM) == []


@pytest.mark.parametrize("options", [["every:1"], ["every:3d"], ["alert:urgent"], ["sports"]])
def test_bad_options_are_refused(store: Store, options: list[str]) -> None:
    from bot.errors import BadInputError

    with pytest.raises(BadInputError):
        add(store, "https://news.test/feed.xml", *options)


def test_a_poll_is_claimed_once_per_interval_across_replicas(store: Store, db_url: str) -> None:
    feed = add(store)
    other = StoreClass(db_url)
    try:
        claimed, errors = race(
            [
                lambda: feeds.poll_due(store=store, fetch=fetcher(entry(1)), now=NOW),
                lambda: feeds.poll_due(store=other, fetch=fetcher(entry(1)), now=NOW),
            ]
        )
    finally:
        other.close()
    assert errors == []
    assert sorted(len(c) for c in claimed) == [0, 1]
    # Not due again within the interval; due once it has passed.
    assert feeds.poll_due(store=store, fetch=fetcher(), now=NOW + dt.timedelta(minutes=14)) == []
    (again,) = feeds.poll_due(store=store, fetch=fetcher(entry(1)), now=NOW + dt.timedelta(minutes=15))
    assert again.status == "nothing_new"
    assert again.feed.id == feed.id


def test_a_replica_that_read_a_feed_as_due_loses_it_once_another_claimed_it(store: Store) -> None:
    """The interleaving a race would need: A reads the feed as due, B claims it, A tries."""
    from storage import feeds as feed_rows

    feed = add(store)
    ((feed_id, seen_due, minutes),) = store.read(lambda repo: feed_rows.due(repo, now=NOW, limit=10))
    assert feed_id == feed.id
    assert [f.id for f in store.write(lambda repo: feed_rows.claim_due(repo, now=NOW, limit=10))] == [feed.id]
    late = store.write(lambda repo: feed_rows.take(repo, feed_id, seen_due=seen_due, minutes=minutes, now=NOW))
    assert late is None


def test_each_entry_is_queued_once_even_when_two_replicas_poll(store: Store, db_url: str) -> None:
    feed = add(store)
    poll = fetcher(entry(1), entry(2), entry(2), entry(3))("u", None, None)
    other = StoreClass(db_url)
    try:
        queued, errors = race(
            [
                lambda: feeds._record_entries(store, feed, poll, NOW),
                lambda: feeds._record_entries(other, feed, poll, NOW),
            ]
        )
    finally:
        other.close()
    assert errors == []
    assert sorted(j for q in queued for j in q) == sorted({j for q in queued for j in q})  # no job twice
    assert len([j for q in queued for j in q]) == 3


def test_the_feeds_of_a_workspace_not_served_are_not_read(store: Store) -> None:
    feed = add(store)
    fetched: list[str] = []

    def fetch(url: str, etag: str | None, modified: str | None) -> FeedPoll:
        fetched.append(url)
        return fetcher(entry(1))(url, etag, modified)

    (skipped,) = feeds.poll_due(store=store, fetch=fetch, now=NOW, served=lambda team: team != TEAM)
    assert (skipped.feed.id, skipped.status, skipped.queued) == (feed.id, "not_served", [])
    assert fetched == []
    later = NOW + dt.timedelta(minutes=15)
    (read,) = feeds.poll_due(store=store, fetch=fetch, now=later, served=lambda team: team == TEAM)
    assert read.status == "new_entries"
    assert fetched == [feed.url]


def test_a_big_feed_is_read_a_bounded_slice_per_poll(store: Store) -> None:
    add(store)
    many = [entry(i) for i in range(feeds.MAX_NEW_PER_POLL * 2 + 7)]
    first = feeds.poll_due(store=store, fetch=fetcher(*many), now=NOW)[0]
    assert len(first.queued) == feeds.MAX_NEW_PER_POLL
    later = NOW + dt.timedelta(minutes=15)
    second = feeds.poll_due(store=store, fetch=fetcher(*many), now=later)[0]
    assert len(second.queued) == feeds.MAX_NEW_PER_POLL
    third = feeds.poll_due(store=store, fetch=fetcher(*many), now=later + dt.timedelta(minutes=15))[0]
    assert len(third.queued) == 7


def test_failures_back_off_then_pause_and_adding_again_resumes(store: Store) -> None:
    feed = add(store)

    def broken(url: str, etag: str | None, modified: str | None) -> FeedPoll:
        raise FetchConnectError("could not connect to news.test: refused")

    now = NOW
    for n in range(1, feeds.PAUSE_AFTER + 1):
        (rep,) = feeds.poll_due(store=store, fetch=broken, feed_ids=[feed.id], now=now)
        assert rep.status == ("paused" if n == feeds.PAUSE_AFTER else "failed")
        current = feeds.get_feed(store=store, feed_id=feed.id)
        assert current is not None
        assert current.failures == n
        if n < feeds.PAUSE_AFTER:
            assert current.next_poll_at == now + feeds.backoff(feed, n)
    assert feeds.backoff(feed, 1) == dt.timedelta(minutes=15)
    assert feeds.backoff(feed, 3) == dt.timedelta(minutes=60)
    assert feeds.backoff(feed, 30) == feeds.MAX_BACKOFF
    paused = feeds.get_feed(store=store, feed_id=feed.id)
    assert paused is not None
    assert paused.paused
    assert "refused" in (paused.last_error or "")
    assert feeds.poll_due(store=store, fetch=fetcher(entry(1)), now=now + dt.timedelta(days=30)) == []
    add_again, _ = feeds.add_feed(
        store=store, team_id=TEAM, channel_id=CHANNEL, conversation_type="public_channel", user_id="U1", url=feed.url
    )
    assert not add_again.paused
    assert add_again.failures == 0


def _read_all(store: Store, reports: list[feeds.PollReport], fetch_page: Callable[[str], Any]) -> list[Any]:
    queue = JobQueue(SqlJobs(store), lease=dt.timedelta(seconds=30))
    return feeds.read_queued(
        store=store,
        queue=queue,
        job_ids=[j for r in reports for j in r.queued],
        read=lambda feed, payload: feeds.read_entry(store=store, feed=feed, payload=payload, read_url=fetch_page),
    )


def no_fetch(url: str) -> Any:
    raise AssertionError(f"{url} should not be fetched: the entry carries the article")


def test_entries_become_incidents_seen_in_the_feeds_channel(store: Store) -> None:
    add(store)
    reports = feeds.poll_due(store=store, fetch=fetcher(entry(1)), now=NOW)
    (outcome,) = _read_all(store, reports, no_fetch)
    assert outcome.outcome == "incident"
    from bot.usecases import incidents
    from storage.records import Audience

    record = incidents.get_incident(
        store=store, team_id=TEAM, incident_id=outcome.incident_id, audience=Audience.conversation("C-any")
    )
    assert record is not None  # a public channel's feed: visible everywhere in the team
    assert feeds.entry_outcomes(store=store, feed_id=reports[0].feed.id) == {"incident": 1}
    # The same article pasted by a person afterwards joins the same incident.
    again = report(store, BODY, record.summary, url="https://news.test/1")
    assert again.incident.id == outcome.incident_id


def test_a_private_channels_feed_stays_in_that_channel(store: Store) -> None:
    feeds.add_feed(
        store=store,
        team_id=TEAM,
        channel_id="G-private",
        conversation_type="private_channel",
        user_id="U1",
        url="https://news.test/feed.xml",
        now=NOW,
    )
    (outcome,) = _read_all(store, feeds.poll_due(store=store, fetch=fetcher(entry(1)), now=NOW), no_fetch)
    from bot.usecases import incidents
    from storage.records import Audience

    def seen_from(channel: str) -> bool:
        found = incidents.get_incident(
            store=store, team_id=TEAM, incident_id=outcome.incident_id, audience=Audience.conversation(channel)
        )
        return found is not None

    assert seen_from("G-private")
    assert not seen_from("C-other")


def test_not_incidents_and_filtered_types_are_remembered_not_stored(store: Store) -> None:
    add(store, "https://news.test/feed.xml", "ddos")
    bake_sale = (
        "The school bake sale raised money for new library books this weekend, organisers said after counting "
        "everything twice. Parents thanked the volunteers who baked, sold and cleaned up in the hall afterwards."
    )
    reports = feeds.poll_due(store=store, fetch=fetcher(entry(1), entry(2, text=bake_sale)), now=NOW)
    outcomes = sorted(o.outcome for o in _read_all(store, reports, no_fetch))
    assert outcomes == ["filtered", "not_incident"]  # the ransomware attack is not a DDoS
    assert feeds.list_feeds(store=store, team_id=TEAM)[0].incidents == 0
    # Remembered: the next poll queues neither again.
    (later,) = feeds.poll_due(store=store, fetch=fetcher(entry(1), entry(2)), now=NOW + dt.timedelta(hours=1))
    assert later.queued == []


def test_an_unreadable_link_falls_back_to_the_entrys_text(store: Store) -> None:
    add(store)
    teaser = entry(1)
    teaser = FeedEntry(teaser.key, teaser.link, teaser.title, None, BODY, full=False)

    def gone(url: str) -> Any:
        raise FetchConnectError("news.test answered HTTP 410 Gone")

    (outcome,) = _read_all(store, feeds.poll_due(store=store, fetch=fetcher(teaser), now=NOW), gone)
    assert outcome.outcome == "incident"


# ---- watchlists and alerts ----------------------------------------------------------------


class Slack:
    """Records posts; fails with ``fail`` while set."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, str]] = []
        self.fail: str | None = None

    def post(self, channel: str, blocks: list[dict[str, Any]], text: str) -> str:
        if self.fail:
            raise PostError(self.fail)
        self.posts.append((channel, text))
        return f"{len(self.posts)}.0001"


def test_watch_terms_add_list_remove(store: Store) -> None:
    added, known = watchlists.add_terms(
        store=store, team_id=TEAM, channel_id=CHANNEL, user_id="U1", text='"Okta" "Citrix NetScaler" CVE-2024-3400'
    )
    assert added == ["Okta", "Citrix NetScaler", "CVE-2024-3400"]
    assert known == []
    added, known = watchlists.add_terms(
        store=store, team_id=TEAM, channel_id=CHANNEL, user_id="U1", text='"Okta, Inc."'
    )
    assert added == []
    assert known == ["Okta"]  # the same name, however written
    assert [t.term for t in watchlists.list_terms(store=store, team_id=TEAM, channel_id=CHANNEL)] == [
        "Okta",
        "Citrix NetScaler",
        "CVE-2024-3400",
    ]
    assert watchlists.remove_terms(store=store, team_id=TEAM, channel_id=CHANNEL, text="cve-2024-3400") == [
        "CVE-2024-3400"
    ]
    assert watchlists.remove_terms(store=store, team_id=TEAM, channel_id=CHANNEL, text="all") == [
        "Okta",
        "Citrix NetScaler",
    ]


def test_an_alert_is_posted_once_and_again_only_when_severity_rises(store: Store, db_url: str) -> None:
    watchlists.add_terms(store=store, team_id=TEAM, channel_id="C-watch", user_id="U1", text="Northwind")
    first = make_summary(title="Northwind breach", victims=["Northwind Logistics Ltd"], severity=Severity.MEDIUM)
    stored = report(store, BODY, first, channel="C-news")
    slack = Slack()
    other = StoreClass(db_url)
    try:
        _results, errors = race(
            [
                lambda: alerts.send_owed(store=store, poster_for=lambda team: slack.post, now=NOW),
                lambda: alerts.send_owed(store=other, poster_for=lambda team: slack.post, now=NOW),
            ]
        )
    finally:
        other.close()
    assert errors == []
    assert [c for c, _ in slack.posts] == ["C-watch"]  # once, by one replica
    assert alerts.send_owed(store=store, poster_for=lambda team: slack.post, now=NOW) == []
    # Another report of the same incident at the same severity: no second alert.
    report(store, BODY + " More details followed.", first, channel="C-news", url="https://b.test/2")
    assert alerts.send_owed(store=store, poster_for=lambda team: slack.post, now=NOW) == []
    # A report that raises the severity: alerted again.
    worse = make_summary(title="Northwind breach", victims=["Northwind Logistics Ltd"], severity=Severity.CRITICAL)
    again = report(store, BODY + " It was far worse.", worse, channel="C-news", url="https://c.test/3")
    assert again.incident.id == stored.incident.id
    (result,) = alerts.send_owed(store=store, poster_for=lambda team: slack.post, now=NOW)
    assert result.status == "posted"
    assert len(slack.posts) == 2


def test_an_alert_never_shows_another_private_conversations_incident(store: Store) -> None:
    watchlists.add_terms(store=store, team_id=TEAM, channel_id="C-watch", user_id="U1", text="Northwind")
    summary = make_summary(title="Northwind breach", victims=["Northwind Logistics"])
    report(store, BODY, summary, channel="G-secret", kind="private_channel")
    slack = Slack()
    (result,) = alerts.send_owed(store=store, poster_for=lambda team: slack.post, now=NOW)
    assert result.status == "dropped"
    assert slack.posts == []


def test_a_failed_post_is_retried_and_a_gone_channel_drops_it(store: Store) -> None:
    watchlists.add_terms(store=store, team_id=TEAM, channel_id="C-watch", user_id="U1", text="CVE-2024-3400")
    report(store, BODY, make_summary(title="A flaw", cves=["CVE-2024-3400"], incident_type=IncidentType.VULNERABILITY))
    slack = Slack()
    slack.fail = "internal_error"
    (failed,) = alerts.send_owed(store=store, poster_for=lambda team: slack.post, now=NOW)
    assert failed.status == "failed"
    slack.fail = None
    (posted,) = alerts.send_owed(store=store, poster_for=lambda team: slack.post, now=NOW)
    assert posted.status == "posted"
    watchlists.add_terms(store=store, team_id=TEAM, channel_id="C-gone", user_id="U1", text="CVE-2024-3400")
    report(store, BODY + " x", make_summary(title="A flaw", cves=["CVE-2024-3400"]), url="https://d.test/1")
    slack.fail = "channel_not_found"
    results = alerts.send_owed(store=store, poster_for=lambda team: slack.post, now=NOW)
    assert [r.status for r in results] == ["dropped"]


def test_a_feed_alerts_at_its_severity(store: Store) -> None:
    add(store, "https://news.test/feed.xml", "alert:high")
    (outcome,) = _read_all(store, feeds.poll_due(store=store, fetch=fetcher(entry(1)), now=NOW), no_fetch)
    from bot.usecases import incidents
    from storage.records import Audience

    record = incidents.get_incident(
        store=store, team_id=TEAM, incident_id=outcome.incident_id, audience=Audience.operator()
    )
    assert record is not None
    owed = store.read(lambda repo: alert_rows.counts(repo, team_id=TEAM))
    expected = {"pending": 1} if record.summary.severity.level in (Severity.HIGH, Severity.CRITICAL) else {}
    assert owed == expected


def test_the_digest_opens_with_the_watchlist(store: Store) -> None:
    sub = digests.subscribe(
        store=store, team_id=TEAM, channel_id="C-watch", user_id="U1", args=("daily", "09:00"), default_zone="UTC"
    )
    watchlists.add_terms(store=store, team_id=TEAM, channel_id="C-watch", user_id="U1", text='"Northwind"')
    now = dt.datetime.now(dt.UTC)
    report(store, BODY, make_summary(title="Northwind breach", victims=["Northwind Logistics"]), at=now)
    port = make_summary(title="Port outage", victims=["Harbor Port"])
    report(store, "Other text entirely about a port.", port, at=now)
    digest = digests.preview(store=store, sub=sub, now=now + dt.timedelta(days=1), permalink=None)
    from bot.render.slack import digest_blocks

    assert list(digest.watched.values()) == [("Northwind",)]
    blocks, _ = digest_blocks(digest)
    assert "Your watchlist" in blocks[1]["text"]["text"]
    assert "Northwind breach" in blocks[1]["text"]["text"]
    assert "Port outage" not in blocks[1]["text"]["text"]


def test_an_alert_claim_is_taken_over_only_after_it_expired(store: Store) -> None:
    watchlists.add_terms(store=store, team_id=TEAM, channel_id="C-watch", user_id="U1", text="Northwind")
    report(store, BODY, make_summary(title="Northwind breach", victims=["Northwind Logistics"]))
    expiry = dt.timedelta(minutes=5)

    def claim(at: dt.datetime) -> list[int]:
        return [a.id for a in store.write(lambda repo: alert_rows.claim(repo, now=at, expire_after=expiry, limit=10))]

    (first,) = claim(NOW)
    assert claim(NOW + dt.timedelta(minutes=4)) == []  # its holder may still be posting
    assert claim(NOW + dt.timedelta(minutes=6)) == [first]  # the holder died: taken over
    store.write(lambda repo: alert_rows.posted(repo, first, message_ts="1.1", now=NOW))
    assert claim(NOW + dt.timedelta(hours=1)) == []  # posted: never again


def test_alert_rows_one_by_one(store: Store) -> None:
    """Each write touches its own alert and only it, with exactly the values it says."""
    from sqlalchemy import select

    from storage.models import Alert

    a = report(store, BODY, make_summary(title="A", victims=["Alder Mills"])).incident.id
    b = report(store, BODY + " b", make_summary(title="B", victims=["Birch Bank"]), url="https://b.test/").incident.id

    def owe(channel: str, incident: int, rank: int, reason: str = "watchlist") -> bool:
        return store.write(
            lambda repo: alert_rows.owe(
                repo, team_id=TEAM, channel_id=channel, incident_id=incident, severity_rank=rank, reason=reason, now=NOW
            )
        )

    def rows() -> dict[tuple[str, int], tuple[str, int, int, str | None, Any]]:
        with store.engine.connect() as conn:
            got = conn.execute(
                select(
                    Alert.channel_id,
                    Alert.incident_id,
                    Alert.status,
                    Alert.severity_rank,
                    Alert.posts,
                    Alert.message_ts,
                    Alert.posted_at,
                    Alert.created_at,
                    Alert.reason,
                )
            ).all()
        return {(r[0], r[1]): (r[2], r[3], r[4], r[5], r[6]) for r in got}

    assert owe("C1", a, 2, reason="r" * 400)
    assert owe("C1", b, 2)
    assert owe("C2", a, 2)
    assert not owe("C1", a, 2)  # owed already at this rank
    assert not owe("C1", a, 1)
    with store.engine.connect() as conn:
        reasons = dict(conn.execute(select(Alert.incident_id, Alert.reason).where(Alert.channel_id == "C1")).all())
        created = set(conn.execute(select(Alert.created_at)).scalars())
    assert len(reasons[a]) == 300
    assert created == {NOW}
    assert rows() == {
        ("C1", a): ("pending", 2, 0, None, None),
        ("C1", b): ("pending", 2, 0, None, None),
        ("C2", a): ("pending", 2, 0, None, None),
    }
    expiry = dt.timedelta(minutes=5)
    (first,) = store.write(lambda repo: alert_rows.claim(repo, now=NOW, expire_after=expiry, limit=1))
    assert (first.channel_id, first.incident_id, first.posts) == ("C1", a, 0)  # the oldest first
    assert not owe("C1", a, 4)  # being posted: not raised under the poster's feet
    assert rows()[("C1", b)][0] == "pending"  # claiming one claims only it
    with store.engine.connect() as conn:
        pending_id = conn.execute(select(Alert.id).where(Alert.channel_id == "C1", Alert.incident_id == b)).scalar_one()
    store.write(lambda repo: alert_rows.drop(repo, pending_id))  # a pending one: not dropped
    assert rows()[("C1", b)][0] == "pending"
    store.write(lambda repo: alert_rows.posted(repo, first.id, message_ts="1.5", now=NOW))
    assert rows()[("C1", a)] == ("posted", 2, 1, "1.5", NOW)
    assert rows()[("C2", a)] == ("pending", 2, 0, None, None)
    # The claim expires exactly at the expiry, not before.
    claimed = store.write(lambda repo: alert_rows.claim(repo, now=NOW, expire_after=expiry, limit=10))
    assert [(c.channel_id, c.incident_id) for c in claimed] == [("C1", b), ("C2", a)]
    at_expiry = NOW + expiry
    assert store.write(lambda repo: alert_rows.claim(repo, now=at_expiry, expire_after=expiry, limit=10)) == []
    store.write(lambda repo: alert_rows.release(repo, claimed[0].id))
    store.write(lambda repo: alert_rows.drop(repo, claimed[1].id))
    assert rows()[("C1", b)][0] == "pending"
    assert rows()[("C2", a)][0] == "dropped"
    assert rows()[("C1", a)][0] == "posted"  # neither touched the posted one
    # Severity rose: owed again, and its second post counts two.
    assert owe("C1", a, 4)
    assert rows()[("C1", a)][:3] == ("pending", 4, 1)
    (again,) = [
        c
        for c in store.write(lambda repo: alert_rows.claim(repo, now=NOW, expire_after=expiry, limit=10))
        if c.incident_id == a
    ]
    assert again.posts == 1
    store.write(lambda repo: alert_rows.posted(repo, again.id, message_ts="2.5", now=NOW))
    assert rows()[("C1", a)] == ("posted", 4, 2, "2.5", NOW)


def test_raise_for_owes_each_watching_channel_and_the_feeds_floor_inclusive(store: Store) -> None:
    watchlists.add_terms(store=store, team_id=TEAM, channel_id="C-one", user_id="U1", text="Alder")
    watchlists.add_terms(store=store, team_id=TEAM, channel_id="C-two", user_id="U1", text='"Alder Mills"')
    watchlists.add_terms(store=store, team_id=TEAM, channel_id="C-none", user_id="U1", text="Birch")
    summary = make_summary(title="A", victims=["Alder Mills"], severity=Severity.HIGH)
    stored = report(store, BODY, summary)  # owes C-one and C-two through the store's own call

    def raise_for(floor: tuple[str, int] | None, s: Any = summary) -> int:
        return store.write(
            lambda repo: alert_rows.raise_for(
                repo, team_id=TEAM, incident_id=stored.incident.id, summary=s, feed_floor=floor, now=NOW
            )
        )

    assert store.read(lambda repo: alert_rows.counts(repo, team_id=TEAM)) == {"pending": 2}
    assert store.read(lambda repo: alert_rows.counts(repo, team_id="T-other")) == {}
    assert raise_for(None) == 0  # owed already
    assert raise_for(("C-feed", 3)) == 1  # high is rank 3: at the floor is enough
    assert raise_for(("C-feed2", 4)) == 0  # below a critical floor
    worse = make_summary(title="A", victims=["Alder Mills"], severity=Severity.CRITICAL)
    assert raise_for(("C-feed", 3), worse) == 3  # severity rose: both watchers and the feed again
    assert raise_for(None, make_summary(title="x", victims=["Alder Mills"], is_incident=False)) == 0
    from sqlalchemy import select

    from storage.models import Alert

    with store.engine.connect() as conn:
        owed = dict(conn.execute(select(Alert.channel_id, Alert.reason)).all())
    assert owed == {"C-one": "watchlist", "C-two": "watchlist", "C-feed": "feed"}


def test_a_flood_of_alerts_is_folded_into_one_message(store: Store) -> None:
    watchlists.add_terms(store=store, team_id=TEAM, channel_id="C-watch", user_id="U1", text="Mills")
    for n in range(5):
        victim = f"Alder Mills {n}"
        body = f"{BODY} Report number {n} about {victim}."
        report(store, body, make_summary(title=f"Breach {n}", victims=[victim]), url=f"https://n.test/{n}")
    slack = Slack()
    results = alerts.send_owed(store=store, poster_for=lambda team: slack.post, now=NOW, per_hour=2)
    assert [r.status for r in results] == ["posted"] * 5
    assert len(slack.posts) == 3  # two cards, then one message for the other three
    assert slack.posts[2][1] == "3 more alerts"
    # The folded three count as one message: the hour's share is spent, the next alert is folded too.
    report(store, BODY + " six", make_summary(title="Breach 6", victims=["Alder Mills 6"]), url="https://n.test/6")
    (later,) = alerts.send_owed(store=store, poster_for=lambda team: slack.post, now=NOW, per_hour=2)
    assert later.status == "posted"
    assert slack.posts[3][1] == "1 more alert"
    # An hour on, cards again.
    report(store, BODY + " seven", make_summary(title="Breach 7", victims=["Alder Mills 7"]), url="https://n.test/7")
    hour_on = NOW + dt.timedelta(hours=1, minutes=1)
    alerts.send_owed(store=store, poster_for=lambda team: slack.post, now=hour_on, per_hour=2)
    assert "Watchlist alert" in slack.posts[4][1]


def test_an_alert_claim_is_renewed_while_slack_takes_its_time(store: Store) -> None:
    """A post that outlasts the claim's expiry: another poster still finds the alert held, because
    its holder is alive and renewing; one post in all."""
    from sqlalchemy import select

    from storage.models import Alert

    watchlists.add_terms(store=store, team_id=TEAM, channel_id="C-watch", user_id="U1", text="Northwind")
    report(store, BODY, make_summary(title="Northwind breach", victims=["Northwind Logistics"]))
    expiry = dt.timedelta(seconds=0.3)  # renewed every 0.1 s of real time
    clock = [NOW]
    slack = Slack()
    other: list[list[alerts.AlertResult]] = []

    def claimed_at() -> dt.datetime:
        with store.engine.connect() as conn:
            return conn.execute(select(Alert.claimed_at)).scalar_one()

    def slow_post(channel: str, blocks: list[dict[str, Any]], text: str) -> str:
        clock[0] = NOW + dt.timedelta(minutes=30)  # Slack is slow: well past the claim's expiry
        deadline = time.monotonic() + 10
        while claimed_at() != clock[0] and time.monotonic() < deadline:
            time.sleep(0.02)
        assert claimed_at() == clock[0], "the claim was not renewed"
        other.append(
            alerts.send_owed(
                store=store,
                poster_for=lambda team: slack.post,
                now=clock[0] + dt.timedelta(seconds=0.1),
                claim_expiry=expiry,
            )
        )
        return slack.post(channel, blocks, text)

    (result,) = alerts.send_owed(
        store=store, poster_for=lambda team: slow_post, now=NOW, claim_expiry=expiry, clock=lambda: clock[0]
    )
    assert result.status == "posted"
    assert other == [[]]  # the other poster found nothing to take
    assert len(slack.posts) == 1
