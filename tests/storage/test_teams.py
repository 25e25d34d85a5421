"""A workspace leaving (bot/usecases/teams.py, storage/teams.py), on SQLite and PostgreSQL: its
queued work is closed, and a purge deletes every row kept for it and nothing of another's."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, text

from bot.domain.corrections import read_form
from bot.usecases import corrections, digests, feeds, incidents, teams, watchlists
from storage import Store
from storage import feeds as feed_rows
from storage import team_settings as settings_rows
from storage.jobs import SqlJobs
from storage.models import Base, DigestRun, Job, JobReply
from storage.privacy import Audience
from storage.records import OutboxReply
from storage.teams import TEAM_TABLES, UNINSTALLED
from tests.storage.conftest import NOW, make_summary, report

LEAVING, STAYING = "T0LEAVES", "T0STAYS"


def populate(store: Store, team: str) -> None:
    """A row of the team in every table that keeps a team's data."""
    stored = report(
        store,
        f"{team} article about a breach at Alder Mills.",
        make_summary(title="t", victims=["Alder Mills"], cves=["CVE-2025-1234"]),
        team=team,
    )
    incident = stored.incident.id
    audience = Audience.team()
    corrections.correct(
        store=store,
        team_id=team,
        incident_id=incident,
        user_id="U0FIXER",
        audience=audience,
        submitted=read_form({"severity": "high"}),
    )
    corrections.feedback(
        store=store, team_id=team, incident_id=incident, user_id="U1", verdict="accurate", audience=audience
    )
    sub = digests.subscribe(
        store=store, team_id=team, channel_id="C0D", user_id="U1", args=("09:00",), default_zone="UTC"
    )
    store.write(
        lambda repo: repo.session.add(
            DigestRun(subscription_id=sub.id, period_start=NOW, period_end=NOW, claimed_at=NOW)
        )
    )
    incidents.claim_event(store=store, team_id=team, event_id=f"Ev-{team}")
    store.write(lambda repo: settings_rows.set_unfurl(repo, team_id=team, on=True, user_id="U1", now=NOW))
    jobs = SqlJobs(store)
    job_id, _ = jobs.enqueue(team_id=team, kind="mention", key=f"run-{team}", payload={}, now=NOW)
    running = jobs.claim(holder="p/1", now=NOW, lease=dt.timedelta(minutes=1), job_id=job_id, exclude=[])
    assert running is not None
    assert running.team_id == team
    reply = OutboxReply(route="thread", channel_id="C0D", user_id="U1", blocks=[], text="card")
    assert jobs.save_replies(job_id=running.id, holder="p/1", outbox=[reply])
    jobs.enqueue(team_id=team, kind="mention", key=f"queued-{team}", payload={}, now=NOW)
    # A feed with an entry, a watchlist, and the alert it owes.
    feed, _ = feeds.add_feed(
        store=store,
        team_id=team,
        channel_id="C0D",
        conversation_type="public_channel",
        user_id="U1",
        url="https://feeds.test/x.xml",
        now=NOW,
    )
    store.write(
        lambda repo: feed_rows.remember(
            repo, feed_id=feed.id, team_id=team, key="k" * 64, link=None, title="t", now=NOW
        )
    )
    watchlists.add_terms(store=store, team_id=team, channel_id="C0W", user_id="U1", text="Alder Mills")
    report(
        store,
        f"{team} second article about Alder Mills.",
        make_summary(title="t", victims=["Alder Mills"], cves=["CVE-2025-1234"]),
        team=team,
        url=f"https://a.test/{team}",
    )


def rows_of(store: Store, team: str) -> dict[str, int]:
    out: dict[str, int] = {}
    with store.engine.connect() as conn:
        for table in TEAM_TABLES:
            out[table.__tablename__] = conn.execute(
                select(func.count()).select_from(table).where(table.team_id == team)  # type: ignore[attr-defined]
            ).scalar_one()
        out["job_replies"] = conn.execute(
            select(func.count()).select_from(JobReply).join(Job, Job.id == JobReply.job_id).where(Job.team_id == team)
        ).scalar_one()
        out["digest_runs"] = conn.execute(
            text(
                "SELECT count(*) FROM digest_runs r JOIN digest_subscriptions s ON s.id = r.subscription_id "
                "WHERE s.team_id = :team"
            ),
            {"team": team},
        ).scalar_one()
        if conn.dialect.name == "sqlite":
            out["source_search"] = conn.execute(
                text("SELECT count(*) FROM source_search WHERE team_id = :team"), {"team": team}
            ).scalar_one()
    return out


def test_every_table_with_a_team_column_is_purged() -> None:
    with_team = {t.name for t in Base.metadata.tables.values() if "team_id" in t.c}
    assert with_team == {t.__tablename__ for t in TEAM_TABLES}


def test_purge_deletes_the_team_and_only_the_team(store: Store) -> None:
    populate(store, LEAVING)
    populate(store, STAYING)
    before = rows_of(store, STAYING)
    populated = rows_of(store, LEAVING)
    assert [name for name, n in populated.items() if n == 0] == []

    done = teams.stop_serving(store=store, team_id=LEAVING, purge=True, now=NOW)
    assert done.jobs_closed == 1
    assert done.purged is not None
    assert done.purged["incidents"] == 1
    assert done.purged["job_replies"] == 1
    assert all(n == 0 for n in rows_of(store, LEAVING).values()), rows_of(store, LEAVING)
    assert rows_of(store, STAYING) == before
    assert incidents.search_incidents(store=store, team_id=LEAVING, query="Alder", audience=Audience.team()) == []
    assert incidents.search_incidents(store=store, team_id=STAYING, query="Alder", audience=Audience.team()) != []
    # Again (Slack delivered the event twice): nothing left, nothing else touched.
    again = teams.stop_serving(store=store, team_id=LEAVING, purge=True, now=NOW)
    assert again.jobs_closed == 0
    assert again.purged is not None
    assert set(again.purged.values()) == {0}
    assert rows_of(store, STAYING) == before


def test_keeping_the_data_only_closes_queued_work(store: Store) -> None:
    populate(store, LEAVING)
    populate(store, STAYING)
    before = rows_of(store, LEAVING)
    done = teams.stop_serving(store=store, team_id=LEAVING, purge=False, now=NOW)
    assert done.jobs_closed == 1
    assert done.purged is None
    assert rows_of(store, LEAVING) == before
    with store.engine.connect() as conn:
        states = dict(conn.execute(select(Job.team_id, Job.state).where(Job.key.like("queued-%"))).all())
        outcome = conn.execute(select(Job.outcome).where(Job.key == f"queued-{LEAVING}")).scalar_one()
    assert states == {LEAVING: "done", STAYING: "queued"}
    assert outcome == UNINSTALLED
    # The running job is left to finish or fail on its own.
    assert SqlJobs(store).counts()["running"] == 2
