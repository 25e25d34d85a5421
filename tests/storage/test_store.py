"""The incident store on real databases: SQLite always, PostgreSQL when configured (see conftest)."""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from bot.errors import StorageError
from bot.extraction import Article
from bot.extraction.schema import IncidentSummary, IncidentType, Severity, Status
from bot.usecases import incidents as services
from storage import Store, StoreResult, slack_claims
from storage import digest_runs as runs
from storage.engine import make_engine
from storage.migrations import config, current, diff, head
from storage.migrations import upgrade as migrate
from storage.records import Audience, ConversationType
from storage.repository import HOT_ANCHOR
from tests.conftest import ROOT
from tests.storage.articles import HARBOR, HARBOR_FOLLOW_UP, HARBOR_SYNDICATED, LAKESIDE, UNRELATED, VULN
from tests.storage.conftest import NOW, make_summary, race

OPERATOR = Audience.operator()
HARBOR_SUMMARY = make_summary(title="Harbor Freightways customer data stolen", victims=["Harbor Freightways"])


def put(
    store: Store,
    body: str,
    summary: IncidentSummary = HARBOR_SUMMARY,
    *,
    url: str | None = None,
    team: str = "T1",
    channel: str | None = "C-public",
    conversation: ConversationType = "public_channel",
    at: dt.datetime = NOW,
    submitter: str = "U1",
) -> StoreResult:
    return services.summarize_and_store(
        store=store,
        article=Article(text=body, url=url),
        summary=summary,
        canonical_url=url,
        team_id=team,
        submitter=submitter,
        channel_id=channel,
        conversation_type=conversation,
        submitted_at=at,
    )


def test_migrations_are_idempotent_and_match_the_models(store: Store) -> None:
    assert current(store.engine) == head()
    store.upgrade()  # a second run is a no-op
    assert diff(store.engine) == []


def test_same_url_is_one_incident_with_another_sighting(store: Store) -> None:
    first = put(store, HARBOR, url="https://news.example/harbor")
    again = put(store, HARBOR + "\nUpdated 10:40", url="https://news.example/harbor", submitter="U2", channel="C2")
    assert not first.already_known
    assert again.already_known
    assert again.reason == "same link"
    assert again.incident.id == first.incident.id
    record = services.get_incident(store=store, team_id="T1", audience=OPERATOR, incident_id=first.incident.id)
    assert record is not None
    assert len(record.sources) == 1
    assert record.sources[0].sightings == 2


def test_same_text_elsewhere_is_already_known(store: Store) -> None:
    first = put(store, HARBOR, url="https://a.example/1")
    reflowed = put(store, "  " + HARBOR.upper().replace("\n", " "), url="https://b.example/2")
    assert reflowed.already_known
    assert reflowed.reason == "same text"
    assert reflowed.incident.id == first.incident.id


def test_syndicated_copy_attaches_and_rederives_the_summary(store: Store) -> None:
    first = put(store, HARBOR, url="https://a.example/harbor")
    # The extraction missed the victim in the copy: the near-duplicate text still links them.
    copy_summary = make_summary(
        title="Logistics firm warns of data theft", severity=Severity.HIGH, status=Status.CONTAINED
    )
    copy = put(store, HARBOR_SYNDICATED, copy_summary, url="https://wire.example/x", at=NOW + dt.timedelta(hours=3))
    assert copy.attached
    assert not copy.already_known
    assert copy.incident.id == first.incident.id
    assert copy.reason.startswith("near-duplicate text")
    assert copy.incident.source_count == 2
    assert copy.incident.summary.severity.level is Severity.HIGH
    assert copy.incident.summary.status is Status.CONTAINED
    assert [v.text for v in copy.incident.summary.victims] == ["Harbor Freightways"]


def test_different_article_about_the_same_incident_attaches(store: Store) -> None:
    first = put(store, HARBOR, url="https://a.example/harbor")
    follow = make_summary(
        title="Copperhead crew claims Harbor Freightways hack",
        victims=["Harbor Freightways Inc."],
        attackers=["Copperhead"],
        incident_type=IncidentType.DATA_BREACH,
    )
    second = put(store, HARBOR_FOLLOW_UP, follow, url="https://b.example/f", at=NOW + dt.timedelta(days=4))
    assert second.attached
    assert second.incident.id == first.incident.id
    assert second.reason == "same victim and incident type within the time window"
    assert [a.text for a in second.incident.summary.attackers] == ["Copperhead"]


def test_two_breaches_at_different_companies_never_merge(store: Store) -> None:
    harbor = put(store, HARBOR, url="https://a.example/harbor")
    lakeside_summary = make_summary(title="Lakeside Credit Union breach", victims=["Lakeside Credit Union"])
    lakeside = put(store, LAKESIDE, lakeside_summary, url="https://a.example/lakeside")
    assert not lakeside.attached
    assert lakeside.incident.id != harbor.incident.id
    assert len(services.list_incidents(store=store, team_id="T1", audience=OPERATOR)) == 2


def test_same_victim_months_later_is_a_new_incident(store: Store) -> None:
    first = put(store, HARBOR, url="https://a.example/harbor")
    later = put(store, HARBOR_FOLLOW_UP, url="https://b.example/later", at=NOW + dt.timedelta(days=200))
    assert later.incident.id != first.incident.id


def test_teams_never_see_each_other(store: Store) -> None:
    one = put(store, HARBOR, url="https://a.example/harbor", team="T1")
    two = put(store, HARBOR, url="https://a.example/harbor", team="T2")
    assert not two.already_known
    assert one.incident.id != two.incident.id
    assert services.get_incident(store=store, team_id="T2", audience=OPERATOR, incident_id=one.incident.id) is None
    assert [r.id for r in services.list_incidents(store=store, team_id="T2", audience=OPERATOR)] == [two.incident.id]
    assert [r.id for r in services.search_incidents(store=store, team_id="T2", audience=OPERATOR, query="Harbor")] == [
        two.incident.id
    ]


def test_search_by_victim_attacker_cve_type_and_text(store: Store) -> None:
    harbor = put(
        store,
        HARBOR,
        make_summary(title="Harbor Freightways breach", victims=["Harbor Freightways"], attackers=["Copperhead"]),
    )
    vuln = put(
        store,
        VULN,
        make_summary(
            title="Critical Orbitfile flaw patched",
            incident_type=IncidentType.VULNERABILITY,
            cves=["CVE-2025-31337"],
        ),
    )
    put(store, UNRELATED, make_summary(title="Council budget", is_incident=False, incident_type=IncidentType.OTHER))

    def ids(query: str) -> list[int]:
        return [r.id for r in services.search_incidents(store=store, team_id="T1", audience=OPERATOR, query=query)]

    assert ids("harbor freightways") == [harbor.incident.id]
    assert ids("Copperhead") == [harbor.incident.id]
    assert ids("CVE-2025-31337") == [vuln.incident.id]
    assert ids("vulnerability") == [vuln.incident.id]
    assert ids("orbitfile patched") == [vuln.incident.id]
    assert ids("breached") == [harbor.incident.id]  # stemming: "breach" in the title
    assert ids("nothing-like-this") == []
    assert ids('" OR * NEAR(') == []  # search syntax in user input is never an error


def _legacy_report(
    store: Store, *, title: str, victim: str, channel: str, private: bool, also_in: str | None = None
) -> int:
    """One incident with one source and one sighting (and one more in the private conversation
    ``also_in``), written as a store at revision 0002/0003 held them (the application code of today
    writes columns those revisions do not have)."""
    summary = make_summary(title=title, victims=[victim]).model_dump_json()
    now = NOW.isoformat()
    with store.engine.begin() as conn:
        incident = conn.execute(
            text(
                "INSERT INTO incidents (team_id, title, summary, incident_type, severity, severity_rank, status,"
                " is_incident, confidence, primary_victim, first_seen_at, last_seen_at, source_count,"
                " schema_version, summary_json, search_text, created_at, updated_at) VALUES ('T1', :title, :title,"
                " 'data_breach', 'medium', 2, 'investigating', true, 0.8, :victim, :now, :now, 1, 1, :summary,"
                " :search, :now, :now) RETURNING id"
            ),
            {"title": title, "victim": victim, "now": now, "summary": summary, "search": f"{title}\n{victim}"},
        ).scalar_one()
        if conn.dialect.name == "sqlite":
            conn.execute(
                text("INSERT INTO incident_search (rowid, body) VALUES (:id, :body)"),
                {"id": incident, "body": f"{title}\n{victim}"},
            )
        source = conn.execute(
            text(
                "INSERT INTO sources (team_id, incident_id, content_hash, title, submitted_at, submitter, channel_id,"
                " sketch, schema_version, summary_json) VALUES ('T1', :incident, :hash, :title, :now, 'U1', :channel,"
                " :sketch, 1, :summary) RETURNING id"
            ),
            {
                "incident": incident,
                "hash": f"{incident:064d}",
                "title": title,
                "now": now,
                "channel": channel,
                "sketch": b"",
                "summary": summary,
            },
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO sightings (team_id, source_id, incident_id, submitter, channel_id, is_private, seen_at)"
                " VALUES ('T1', :source, :incident, 'U1', :channel, :private, :now)"
            ),
            {"source": source, "incident": incident, "channel": channel, "private": private, "now": now},
        )
        if also_in:
            conn.execute(
                text(
                    "INSERT INTO sightings (team_id, source_id, incident_id, submitter, channel_id, is_private,"
                    " seen_at) VALUES ('T1', :source, :incident, 'U2', :channel, true, :now)"
                ),
                {"source": source, "incident": incident, "channel": also_in, "now": now},
            )
    return int(incident)


@pytest.mark.parametrize("start", ["0002", "0003"])
def test_upgrading_a_store_that_holds_incidents_keeps_them_searchable_and_private(db_url: str, start: str) -> None:
    # Migration 0004 moves search from incidents to sources (backfilling their text), derives
    # has_private from the sightings, and widens the ids on PostgreSQL. A store written before it
    # keeps answering searches, keeps private reports private, and survives a downgrade.
    store = services.open_store(database_url=db_url, migrate=False)
    try:
        migrate(store.engine, start)
        public = _legacy_report(
            store,
            title="Harbor Freightways breach",
            victim="Harbor Freightways",
            channel="C1",
            private=False,
            also_in="D1",
        )
        secret = _legacy_report(
            store, title="Lakeside payroll leak", victim="Lakeside Credit", channel="G1", private=True
        )
        store.upgrade()
        assert current(store.engine) == head()
        with store.engine.connect() as conn:
            flags = conn.execute(text("SELECT id, has_private, mixed_visibility FROM incidents ORDER BY id")).all()
        assert [tuple(f) for f in flags] == [(public, True, True), (secret, True, False)]

        def ids(query: str, audience: Audience = OPERATOR) -> list[int]:
            return [r.id for r in services.search_incidents(store=store, team_id="T1", query=query, audience=audience)]

        assert ids("harbor breached") == [public]
        assert ids("lakeside") == [secret]
        assert ids("lakeside", Audience.conversation("C1")) == []
        assert ids("lakeside", Audience.conversation("G1")) == [secret]
        vuln = put(store, VULN, make_summary(title="Orbitfile flaw patched", cves=["CVE-2025-31337"]))
        assert ids("orbitfile") == [vuln.incident.id]  # rows written after the upgrade are indexed too
        with store.engine.begin() as conn:
            command.downgrade(config(conn), start)
        store.upgrade()
        assert ids("harbor breached") == [public]
        assert ids("lakeside", Audience.team()) == []
        assert diff(store.engine) == []
    finally:
        store.close()


def test_ids_beyond_32_bits_are_stored_and_ids_beyond_64_bits_name_nothing(store: Store) -> None:
    # Past a 32-bit serial: PostgreSQL's old integer ids refused it. (SQLite's rowids are 64-bit.)
    big = 2**31 + 7
    if store.engine.dialect.name == "postgresql":
        with store.engine.begin() as conn:
            for table in ("incidents", "sources", "sightings", "incident_keys"):
                conn.execute(text(f"SELECT setval('{table}_id_seq', :v)"), {"v": big})
    stored = put(store, HARBOR)
    for incident_id in (stored.incident.id, 2**63 - 1, 2**63, 10**20, 0, -1):
        found = services.get_incident(store=store, team_id="T1", incident_id=incident_id, audience=OPERATOR)
        assert (found is not None) == (incident_id == stored.incident.id)
    if store.engine.dialect.name == "postgresql":
        assert stored.incident.id > big


def test_digest_hides_sources_private_to_another_conversation(store: Store) -> None:
    day = (NOW - dt.timedelta(hours=1), NOW + dt.timedelta(hours=23))
    public = put(store, HARBOR, url="https://a.example/h", channel="C-public")
    secret = make_summary(
        title="Harbor attackers named", victims=["Harbor Freightways"], attackers=["Copperhead"], severity=Severity.HIGH
    )
    dm = put(store, HARBOR_FOLLOW_UP, secret, url="https://b.example/f", channel="D-alice", conversation="im")
    assert dm.attached
    only_private = put(
        store,
        LAKESIDE,
        make_summary(title="Lakeside", victims=["Lakeside Credit Union"]),
        channel="G-secops",
        conversation="private_channel",
    )

    def digest(channel: str) -> dict[int, IncidentSummary]:
        found = services.incidents_for_digest(store=store, team_id="T1", channel_id=channel, start=day[0], end=day[1])
        return {r.id: r.summary for r in found}

    general = digest("C-news")
    assert set(general) == {public.incident.id}
    assert general[public.incident.id].attackers == []  # the DM's facts stay out
    assert general[public.incident.id].severity.level is Severity.MEDIUM
    in_dm = digest("D-alice")
    assert [a.text for a in in_dm[public.incident.id].attackers] == ["Copperhead"]
    assert set(digest("G-secops")) == {public.incident.id, only_private.incident.id}
    assert digest("C-news") == general
    # Outside the period, nothing.
    later = services.incidents_for_digest(
        store=store, team_id="T1", channel_id="C-news", start=day[1], end=day[1] + dt.timedelta(days=1)
    )
    assert later == []


def test_a_digest_period_is_claimed_once(store: Store) -> None:
    def subscribe_and_claim() -> tuple[int | None, int | None]:
        with store.unit_of_work() as uow:
            sub = runs.subscribe(
                uow.incidents,
                team_id="T1",
                channel_id="C1",
                local_time=dt.time(9, 0),
                timezone="Europe/London",
                cadence="daily",
                created_by="U1",
            )
            end, expiry = NOW + dt.timedelta(days=1), dt.timedelta(minutes=10)
            first = runs.claim(uow.incidents, sub.id, period_start=NOW, period_end=end, now=NOW, expire_after=expiry)
            second = runs.claim(uow.incidents, sub.id, period_start=NOW, period_end=end, now=NOW, expire_after=expiry)
            uow.commit()
        return first, second

    first, second = subscribe_and_claim()
    assert first is not None
    assert second is None


@pytest.mark.parametrize("serialize", [True, False], ids=["team-lock", "constraints-only"])
def test_eight_threads_same_url_leave_one_incident(db_url: str, serialize: bool) -> None:
    """With or without PostgreSQL's per-team lock: unique constraints plus retry decide alone."""
    services.open_store(database_url=db_url).close()  # migrate first, outside the race
    store = Store(db_url, serialize_team_writes=serialize)
    try:
        results, errors = race(
            [lambda n=n: put(store, HARBOR, url="https://news.example/same", submitter=f"U{n}") for n in range(8)]
        )
        assert errors == []
        assert len({r.incident.id for r in results}) == 1
        assert sum(not r.already_known for r in results) == 1
        with store.unit_of_work(read_only=True) as uow:
            session = uow.session
            assert session is not None
            assert session.execute(text("SELECT count(*) FROM incidents")).scalar_one() == 1
            assert session.execute(text("SELECT count(*) FROM sources")).scalar_one() == 1
            assert session.execute(text("SELECT count(*) FROM sightings")).scalar_one() == 8
    finally:
        store.close()


def test_locked_sqlite_is_a_clear_error_and_loses_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'locked.sqlite3'}"
    services.open_store(database_url=url).close()
    store = Store(url, engine=make_engine(url, sqlite_busy_timeout_ms=200))
    blocker = make_engine(url)
    other = make_summary(title="Council systems hit", victims=["City Council"])
    try:
        kept = put(store, HARBOR, url="https://a.example/kept")
        with blocker.connect() as conn:
            conn.exec_driver_sql(
                "INSERT INTO digest_subscriptions (team_id, channel_id, local_time, timezone,"
                " cadence, filters, created_by, created_at, active)"
                " VALUES ('T9', 'C9', '09:00:00', 'UTC', 'daily', '{}', 'U', '2025-01-01', 1)"
            )
            with pytest.raises(StorageError, match="busy"):
                put(store, UNRELATED, other, url="https://a.example/lost")
            conn.rollback()
        record = services.get_incident(store=store, team_id="T1", audience=OPERATOR, incident_id=kept.incident.id)
        assert record is not None  # what was acknowledged before is still there
        assert put(store, UNRELATED, other, url="https://a.example/retry").incident.id != kept.incident.id
    finally:
        store.close()
        blocker.dispose()


def test_unreachable_postgres_is_a_clear_error() -> None:
    with pytest.raises(StorageError, match="unavailable"):
        services.open_store(database_url="postgresql+psycopg://postgres@127.0.0.1:1/test")


def test_cli_stores_lists_shows_and_searches(db_url: str, tmp_path: Path) -> None:
    article = tmp_path / "harbor.txt"
    article.write_text("Harbor Freightways data breach\n\n" + HARBOR)
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120
        )

    up = run("db", "upgrade")
    assert up.returncode == 0, up.stderr
    assert f"at revision {head()}" in up.stdout
    first = run("summarize", str(article))
    assert first.returncode == 0, first.stderr
    assert "Stored as incident #1" in first.stdout
    again = run("summarize", str(article))
    assert "Already reported: incident #1" in again.stdout
    assert "Stored as" not in run("summarize", "--no-store", str(article)).stdout
    listed = run("incidents", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [line.count('"id":1,') for line in listed.stdout.splitlines()] == [1]
    shown = run("incidents", "show", "1")
    assert shown.returncode == 0, shown.stderr
    assert "seen 2x" in shown.stdout
    found = run("incidents", "search", "Freightways", "--json")
    assert found.stdout.count('"team_id":"local"') == 1
    missing = run("incidents", "show", "42")
    assert missing.returncode == 2
    assert "no incident #42" in missing.stderr


def test_a_slack_event_is_claimed_once_per_team(store: Store, db_url: str) -> None:
    assert services.claim_event(store=store, team_id="T1", event_id="Ev1")
    assert not services.claim_event(store=store, team_id="T1", event_id="Ev1")  # Slack's retry
    assert services.claim_event(store=store, team_id="T2", event_id="Ev1")  # another workspace
    reopened = services.open_store(database_url=db_url)
    try:  # a restart (a new engine, new connections) still knows the event
        assert not services.claim_event(store=reopened, team_id="T1", event_id="Ev1")
    finally:
        reopened.close()


def test_eight_threads_claiming_one_event_get_one_true(db_url: str) -> None:
    services.open_store(database_url=db_url).close()
    stores = [Store(db_url) for _ in range(2)]  # two engines: as two processes would hold
    try:
        results, errors = race(
            [lambda n=n: services.claim_event(store=stores[n % 2], team_id="T1", event_id="Ev-race") for n in range(8)]
        )
        assert errors == []
        assert sorted(results) == [False] * 7 + [True]
    finally:
        for s in stores:
            s.close()


def test_prune_forgets_old_events_only(store: Store) -> None:
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    with store.unit_of_work() as uow:
        assert slack_claims.claim(uow.incidents, "T1", "Ev-old", received_at=old)
        uow.commit()
    assert services.claim_event(store=store, team_id="T1", event_id="Ev-new")
    assert services.prune_events(store=store, older_than=dt.datetime.now(dt.UTC) - dt.timedelta(days=1)) == 1
    assert services.claim_event(store=store, team_id="T1", event_id="Ev-old")  # forgotten: claimable again
    assert not services.claim_event(store=store, team_id="T1", event_id="Ev-new")


def test_replicas_migrating_at_once_leave_one_current_schema(db_url: str) -> None:
    """Several processes may start together on an empty database: each upgrades, none fails."""
    from storage.engine import make_engine
    from storage.migrations import current, head, upgrade

    engines = [make_engine(db_url) for _ in range(4)]
    _, errors = race([lambda e=e: upgrade(e) for e in engines])
    try:
        assert errors == []
        assert current(engines[0]) == head()
    finally:
        for e in engines:
            e.dispose()


def test_processes_starting_at_once_on_a_new_sqlite_file_all_come_up(tmp_path: Path) -> None:
    """Four processes upgrade one new SQLite file at the same moment (replicas starting together):
    each exits 0 and the schema is current. Three rounds, each on a fresh file."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for round_ in range(3):
        url = f"sqlite:///{tmp_path / f'replicas-{round_}.sqlite3'}"
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "bot", "db", "upgrade"],
                env={**env, "DATABASE_URL": url},
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        outcomes = [(p.returncode, err) for p in procs for _, err in [p.communicate(timeout=120)]]
        assert [code for code, _ in outcomes] == [0, 0, 0, 0], outcomes
        engine = make_engine(url)
        try:
            assert current(engine) == head()
        finally:
            engine.dispose()


def test_a_pooled_postgres_connection_killed_while_idle_is_replaced(db_url: str) -> None:
    """A server restart (here: the backend terminated) while the pool idles costs no request."""
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL connection pool behaviour")
    services.open_store(database_url=db_url).close()
    store = Store(db_url, engine=make_engine(db_url, pg_ping_after_idle_s=0.0))
    try:
        put(store, HARBOR, url="https://a.example/before")
        with store.engine.connect() as conn:
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        admin = make_engine(db_url)
        try:
            with admin.connect() as conn:
                assert conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})").scalar_one()
        finally:
            admin.dispose()
        assert len(services.list_incidents(store=store, team_id="T1", audience=OPERATOR)) == 1
    finally:
        store.close()


def test_boilerplate_shared_by_many_reports_does_not_hide_a_near_duplicate(store: Store) -> None:
    """Hot anchors stop being stored, candidates come most shared anchors first: the copy is found."""
    rng = random.Random(5)
    boilerplate = " ".join(f"boiler{n}" for n in range(30))  # the same press-release footer everywhere

    def article() -> str:
        return " ".join(f"w{rng.randrange(10**6)}" for _ in range(100)) + " " + boilerplate

    bodies = [article() for _ in range(70)]
    summary = make_summary(title="Unnamed company breach")  # no victim: only the text can link them
    ids = {put(store, body, summary, url=f"https://a.example/{n}").incident.id for n, body in enumerate(bodies)}
    assert len(ids) == 70  # boilerplate alone never merges
    words = bodies[0].split()
    words[10:13] = ["edited", "by", "wire"]
    copy = put(store, " ".join(words), summary, url="https://wire.example/copy")
    assert copy.attached
    assert copy.incident.id == min(ids)
    with store.unit_of_work(read_only=True) as uow:  # boilerplate anchors stop being stored
        assert uow.session is not None
        most = "SELECT count(*) AS n FROM source_anchors GROUP BY hash ORDER BY n DESC LIMIT 1"
        assert uow.session.execute(text(most)).scalar_one() == HOT_ANCHOR


def test_postgres_connections_plan_each_statement_for_the_current_tables(store: Store) -> None:
    """No generic plan cached while the tables were empty (see storage.engine._configure_postgresql)."""
    if store.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL planner setting")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW plan_cache_mode").scalar_one() == "force_custom_plan"
