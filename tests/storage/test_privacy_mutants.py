"""The privacy policy's remaining edges, each pinned by a case (found by mutation testing, see
docs/testing.md): other teams, NULL channel ids, the bounds of a digest's period, the order and
the page size of every read, what a partly visible incident is derived from, and the exact SQL
that PostgreSQL is sent for a search (run against a real server by tests/storage/test_privacy.py
when INCIDENT_BOT_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql

from bot.extraction import Article
from bot.extraction.schema import IncidentType, Severity
from bot.usecases import incidents as services
from storage import Store, StoreResult
from storage.models import MAX_ID, Incident, Sighting, Source
from storage.privacy import (
    AudienceView,
    invisible_sighting,
    may_list_channel,
    sighting_visible,
    valid_id,
    visible_sighting,
)
from storage.records import Audience, ConversationType, IncidentRecord
from tests.storage.articles import breach_notice
from tests.storage.conftest import NOW, make_summary
from tests.storage.test_privacy import VISIBLE, World, audience_of, follow_up

T = "T1"
OTHER_TEAM = "T2"
HOUR = dt.timedelta(hours=1)
PUBLIC: ConversationType = "public_channel"
PRIVATE: ConversationType = "private_channel"


def add(
    store: Store,
    company: str,
    *,
    channel: str,
    kind: ConversationType,
    at: dt.datetime,
    team: str = T,
    follow: str | None = None,
    severity: Severity = Severity.MEDIUM,
    incident_type: IncidentType = IncidentType.DATA_BREACH,
    is_incident: bool = True,
    message: bool = True,
    published: dt.date | None = None,
    url: str | None = None,
    attackers: tuple[str, ...] = (),
    title: str | None = None,
    site: str | None = None,
) -> StoreResult:
    """A report of ``company``'s incident: its breach notice, or with ``follow`` a follow-up
    article about it (which joins the same incident)."""
    body = breach_notice(company, "York", "900") if follow is None else follow_up(company, follow)
    return services.summarize_and_store(
        store=store,
        article=Article(text=body, url=url, published=published, title=title, site=site),
        summary=make_summary(
            title=f"{company} breach",
            victims=[company],
            severity=severity,
            incident_type=incident_type,
            is_incident=is_incident,
            attackers=attackers,
        ),
        canonical_url=url,
        team_id=team,
        submitter="U1",
        channel_id=channel,
        conversation_type=kind,
        message_ts=f"{at.timestamp():.6f}" if message else None,
        submitted_at=at,
    )


def view(store: Store, audience: Audience, team: str = T) -> Any:
    """Runs one read of an AudienceView: ``view(store, audience)(lambda v: v.count())``."""

    def read(work: Any) -> Any:
        return store.read(lambda repo: work(AudienceView(repo, team_id=team, audience=audience)))

    return read


def ids(records: list[IncidentRecord]) -> list[int]:
    return [r.id for r in records]


def null_channel(store: Store, sighting_id: int) -> None:
    """A sighting with no channel id (as a private one may have): every rule must keep it hidden."""
    store.write(
        lambda repo: repo.session.execute(update(Sighting).where(Sighting.id == sighting_id).values(channel_id=None))
    )


# --- the rule itself ---------------------------------------------------------------------------


def test_a_channel_may_be_listed_where_its_sightings_may_be_seen() -> None:
    assert may_list_channel(Audience.conversation("G1"), channel_id="G1", is_private=True)
    assert not may_list_channel(Audience.conversation("G2"), channel_id="G1", is_private=True)
    assert not may_list_channel(Audience.team(), channel_id="G1", is_private=True)
    assert may_list_channel(Audience.team(), channel_id="C1", is_private=False)
    assert may_list_channel(Audience.operator(), channel_id="G1", is_private=True)


def test_valid_ids_on_both_sides_of_each_bound() -> None:
    assert [valid_id(v) for v in (0, 1, MAX_ID, MAX_ID + 1, -1)] == [False, True, True, False, False]


def test_a_private_sighting_without_a_channel_is_the_operators_alone(store: Store) -> None:
    public = add(store, "Pewter Bank", channel="C-pub", kind=PUBLIC, at=NOW)
    hidden = add(store, "Quill Oil", channel="G-sec", kind=PRIVATE, at=NOW + HOUR)
    null_channel(store, hidden.sighting_id)
    expected = {
        "operator": {public.sighting_id, hidden.sighting_id},
        "team": {public.sighting_id},
        "G-sec": {public.sighting_id},
        "C-pub": {public.sighting_id},
    }
    with store.unit_of_work(read_only=True) as uow:
        rows = list(uow.session.scalars(select(Sighting)))
        for who, want in expected.items():
            audience = audience_of(who)
            shown = set(uow.session.scalars(select(Sighting.id).where(visible_sighting(audience))))
            not_shown = set(uow.session.scalars(select(Sighting.id).where(invisible_sighting(audience))))
            python = {
                s.id for s in rows if sighting_visible(audience, is_private=s.is_private, channel_id=s.channel_id)
            }
            assert shown == python == want, who
            assert not_shown == {public.sighting_id, hidden.sighting_id} - want, who
    for who in ("team", "G-sec"):
        assert ids(view(store, audience_of(who))(lambda v: v.recent())) == [public.incident.id], who
        assert view(store, audience_of(who))(lambda v: v.count()) == 1, who


# --- other teams --------------------------------------------------------------------------------


def test_nothing_of_another_team_is_read_or_changed(store: Store) -> None:
    mine = add(store, "Amber Rail", channel="C-conv", kind=PUBLIC, at=NOW)
    theirs = add(store, "Birch Farms", channel="C-conv", kind=PUBLIC, at=NOW + HOUR, team=OTHER_TEAM)
    everyone = Audience.conversation("C-conv")
    assert ids(view(store, everyone)(lambda v: v.recent())) == [mine.incident.id]
    assert ids(view(store, everyone)(lambda v: v.search("breach"))) == [mine.incident.id]
    assert ids(view(store, everyone)(lambda v: v.digest(start=NOW - HOUR, end=NOW + 2 * HOUR))) == [mine.incident.id]
    assert view(store, everyone)(lambda v: v.count()) == 1
    assert view(store, everyone)(lambda v: v.source_summary(theirs.incident.id, theirs.source_id)) is None
    # T1 reading T2's incident: no earlier report either, even though both channels are "C-conv"
    again = add(store, "Birch Farms", channel="C-conv", kind=PUBLIC, at=NOW + 2 * HOUR, team=OTHER_TEAM)
    assert (
        view(store, everyone)(lambda v: v.earlier_report(again.incident.id, before_sighting=again.sighting_id)) is None
    )
    # A channel of T1 that becomes private changes nothing of T2's channel of the same id.
    assert services.conversation_became_private(store=store, team_id=T, channel_id="C-conv") == 1
    with store.unit_of_work(read_only=True) as uow:
        flags = {i.id: (i.has_private, i.mixed_visibility) for i in uow.session.scalars(select(Incident))}
        private = {s.id: s.is_private for s in uow.session.scalars(select(Sighting))}
    assert flags == {mine.incident.id: (True, False), theirs.incident.id: (False, False)}
    assert private == {mine.sighting_id: True, theirs.sighting_id: False, again.sighting_id: False}


def test_another_teams_better_match_takes_no_place_on_a_page(store: Store) -> None:
    mine = add(store, "Amber Rail", channel="C-pub", kind=PUBLIC, at=NOW)
    add(
        store,
        "Birch Farms",
        channel="C-pub",
        kind=PUBLIC,
        at=NOW,
        team=OTHER_TEAM,
        attackers=("Breach Crew", "Breach Gang"),
    )
    assert ids(view(store, Audience.team())(lambda v: v.search("breach", limit=1))) == [mine.incident.id]


# --- a channel that becomes private -------------------------------------------------------------


def test_a_converted_channels_incidents_are_mixed_exactly_when_seen_elsewhere(store: Store) -> None:
    only_here = add(store, "Cedar Mill", channel="C-conv", kind=PUBLIC, at=NOW).incident.id
    also_public = add(store, "Dune Air", channel="C-conv", kind=PUBLIC, at=NOW).incident.id
    add(store, "Dune Air", channel="C-pub", kind=PUBLIC, at=NOW + HOUR, follow="Flights were delayed.")
    also_private = add(store, "Elm Grocers", channel="C-conv", kind=PUBLIC, at=NOW).incident.id
    add(store, "Elm Grocers", channel="G-sec", kind=PRIVATE, at=NOW + HOUR, follow="Tills went dark.")
    no_channel = add(store, "Fir Hotels", channel="C-conv", kind=PUBLIC, at=NOW).incident.id
    null_channel(
        store, add(store, "Fir Hotels", channel="G-x", kind=PRIVATE, at=NOW + HOUR, follow="Keys failed.").sighting_id
    )
    assert services.conversation_became_private(store=store, team_id=T, channel_id="C-conv") == 4
    with store.unit_of_work(read_only=True) as uow:
        flags = {i.id: (i.has_private, i.mixed_visibility) for i in uow.session.scalars(select(Incident))}
    assert flags == {
        only_here: (True, False),
        also_public: (True, True),
        also_private: (True, True),
        no_channel: (True, True),
    }


# --- what a partly visible incident is derived from -----------------------------------------------


@pytest.fixture
def world(store: Store) -> World:
    return World(store)


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_every_list_shows_each_incident_once_as_its_own_page_shows_it(world: World, who: str) -> None:
    read = view(world.store, audience_of(who))
    listed = read(lambda v: v.recent(limit=50))
    assert len(listed) == len(set(ids(listed))) == len(VISIBLE[who])
    for record in listed:
        shown = read(lambda v, i=record.id: v.get(i))
        assert shown is not None
        assert record == shown.model_copy(update={"sources": ()})  # lists carry no sources
    for found in (
        read(lambda v: v.search("breach")),
        read(lambda v: v.digest(start=NOW - 5 * HOUR, end=NOW + 10 * HOUR)),
    ):
        assert all(r.sources == () for r in found)
    assert len(read(lambda v: v.recent())) == len(VISIBLE[who])  # the defaults: the first page of 20


def test_an_incident_made_public_later_is_dated_by_its_public_report_for_others(world: World) -> None:
    at = NOW + 8 * HOUR
    again = add(world.store, "Zanzibarite Labs", channel="C-pub", kind=PUBLIC, at=at)
    assert again.incident.id == world.b
    outside = view(world.store, Audience.conversation("C-other"))(lambda v: v.get(world.b))
    assert (outside.first_seen_at, outside.last_seen_at) == (at, at)
    (source,) = outside.sources
    assert (source.channel_id, source.message_ts, source.submitted_at, source.sightings) == (
        "C-pub",
        f"{at.timestamp():.6f}",
        at,
        1,
    )
    inside = view(world.store, Audience.conversation("G-sec"))(lambda v: v.get(world.b))
    assert (inside.first_seen_at, inside.last_seen_at) == (NOW + HOUR, at)
    assert [(x.channel_id, x.sightings) for x in inside.sources] == [("G-sec", 1), ("C-pub", 1)]


def test_a_derived_first_sighting_is_the_publication_day_of_a_visible_source(store: Store) -> None:
    add(store, "Gorse Dairy", channel="G-sec", kind=PRIVATE, at=NOW - 48 * HOUR)
    published = NOW.date() - dt.timedelta(days=1)
    url = "https://news.example/gorse-dairy"
    public = add(
        store,
        "Gorse Dairy",
        channel="C-pub",
        kind=PUBLIC,
        at=NOW,
        follow="Milk ran late.",
        published=published,
        url=url,
        title="Gorse Dairy hit again",
        site="news.example",
    )
    record = view(store, Audience.team())(lambda v: v.get(public.incident.id))
    assert record.first_seen_at == dt.datetime.combine(published, dt.time(), tzinfo=dt.UTC)
    assert record.last_seen_at == NOW
    (source,) = record.sources
    with store.unit_of_work(read_only=True) as uow:
        row = uow.session.get(Source, public.source_id)
        assert row is not None
        assert (source.id, source.url, source.canonical_url, source.title, source.site, source.published) == (
            row.id, row.url, row.canonical_url, row.title, row.site, row.published
        )  # fmt: skip
    assert (source.url, source.canonical_url, source.title, source.site, source.published) == (
        url, url, "Gorse Dairy hit again", "news.example", published
    )  # fmt: skip


def test_records_skip_what_the_audience_may_not_see_and_keep_the_rest_in_order(world: World) -> None:
    read = view(world.store, Audience.conversation("C-pub"))
    assert ids(read(lambda v: v._records([world.b, world.a, world.e, world.c]))) == [world.a, world.c]


# --- the order of a list of partly visible incidents ------------------------------------------------


@pytest.fixture
def partly(store: Store) -> dict[str, int]:
    """Three incidents seen in public and in private; the team sees their public reports only.
    x and y were last seen (by the team) at the same time; z long before, but latest in private."""
    out: dict[str, int] = {}
    plan = [
        ("x", "Hazel Port", 3, 1, IncidentType.RANSOMWARE),
        ("y", "Iris Water", 3, 4, IncidentType.DATA_BREACH),
        ("z", "Juniper Gas", 0, 5, IncidentType.DATA_BREACH),
    ]
    for name, company, public_at, private_at, kind in plan:
        first = add(store, company, channel="C-pub", kind=PUBLIC, at=NOW + public_at * HOUR, incident_type=kind)
        add(
            store,
            company,
            channel="G-sec",
            kind=PRIVATE,
            at=NOW + private_at * HOUR,
            follow="More came out.",
            incident_type=kind,
        )
        out[name] = first.incident.id
    return out


def test_partly_visible_incidents_are_listed_by_what_the_audience_saw(store: Store, partly: dict[str, int]) -> None:
    read = view(store, Audience.team())
    x, y, z = partly["x"], partly["y"], partly["z"]
    assert ids(read(lambda v: v.recent(limit=50))) == [y, x, z]  # a tie in time: the newer incident first
    assert ids(read(lambda v: v.recent(limit=1))) == [y]
    assert ids(read(lambda v: v.recent(limit=2))) == [y, x]
    assert ids(read(lambda v: v.recent(limit=1, offset=1))) == [x]
    assert ids(read(lambda v: v.recent(limit=1, incident_type="ransomware"))) == [x]
    assert ids(read(lambda v: v.recent(limit=5, incident_type="data_breach"))) == [y, z]


# --- search -------------------------------------------------------------------------------------


def test_search_puts_the_best_match_first_and_pages(store: Store) -> None:
    often = add(
        store,
        "Kelp Works",
        channel="C-pub",
        kind=PUBLIC,
        at=NOW,
        attackers=("Pangolin", "Pangolin Crew", "Pangolin-7"),
    )
    once = add(store, "Larch Labs", channel="C-pub", kind=PUBLIC, at=NOW + HOUR, attackers=("Pangolin",))
    read = view(store, Audience.team())
    assert ids(read(lambda v: v.search("pangolin"))) == [often.incident.id, once.incident.id]
    assert ids(read(lambda v: v.search("pangolin", limit=1))) == [often.incident.id]
    assert ids(read(lambda v: v.search("pangolin", limit=1, offset=1))) == [once.incident.id]
    # a hyphenated word is one phrase of its parts, as the text's tokens are
    assert ids(read(lambda v: v.search("pangolin-7"))) == [often.incident.id]
    assert ids(read(lambda v: v.search("-- !!"))) == []


def test_hyphens_and_spaces_find_the_same_names_on_both_databases(store: Store) -> None:
    """ "Kelp-Works" finds "Kelp Works" and the other way round; a CVE id is found whole but not by
    a different id that shares its year."""
    spaced = add(store, "Kelp Works", channel="C-pub", kind=PUBLIC, at=NOW, attackers=("Pangolin",))
    hyphened = add(store, "Birch-Mill Foods", channel="C-pub", kind=PUBLIC, at=NOW + HOUR, attackers=("Ocelot",))
    read = view(store, Audience.team())
    assert ids(read(lambda v: v.search("Kelp-Works"))) == [spaced.incident.id]
    assert ids(read(lambda v: v.search("kelp works"))) == [spaced.incident.id]
    assert ids(read(lambda v: v.search("Birch Mill"))) == [hyphened.incident.id]
    assert ids(read(lambda v: v.search("birch-mill"))) == [hyphened.incident.id]
    assert ids(read(lambda v: v.search("Kelp-Mill"))) == []  # the parts must stand together


class _Recorder:
    """A session that records what it is asked to run, for a dialect it names."""

    def __init__(self, dialect: Any) -> None:
        self.dialect = dialect
        self.statements: list[Any] = []

    def get_bind(self) -> Any:
        return SimpleNamespace(dialect=self.dialect)

    def execute(self, statement: Any) -> list[Any]:
        self.statements.append(statement)
        return []


def _sql(statement: Any, dialect: Any) -> tuple[str, dict[str, Any]]:
    """The statement's SQL on one line, without type casts (which depend on which of SQLAlchemy's
    PostgreSQL modules happen to be loaded), and its parameters."""
    compiled = statement.compile(dialect=dialect)
    sql = re.sub(r"::[A-Z]+", "", str(compiled))
    return re.sub(r"\s+", " ", sql).strip(), dict(compiled.params)


@pytest.mark.parametrize(
    ("audience", "visible"),
    [
        (Audience.operator(), ""),  # the operator sees every source: no condition at all
        (
            Audience.conversation("G-sec"),
            " AND (EXISTS (SELECT * FROM sightings WHERE sightings.source_id = hits.source_id AND "
            "(sightings.is_private IS false OR sightings.is_private IS true "
            "AND sightings.channel_id = %(channel_id_1)s)))",
        ),
    ],
)
def test_postgresql_search_is_a_materialized_text_match_then_the_teams_visible_sources(
    audience: Audience, visible: str
) -> None:
    dialect = postgresql.psycopg.dialect()
    session = _Recorder(dialect)
    repo = SimpleNamespace(session=session)
    assert AudienceView(repo, team_id=T, audience=audience).search("breached  Kelp-Works", limit=7, offset=14) == []  # type: ignore[arg-type]
    statement, corrected = session.statements  # the article text, then what people set
    sql, params = _sql(statement, dialect)
    # Each word: as PostgreSQL's parser reads it, or the phrase of its parts (_pg_tsquery).
    query = (
        "(plainto_tsquery(%(plainto_tsquery_1)s, %(plainto_tsquery_2)s) || "
        "phraseto_tsquery(%(phraseto_tsquery_1)s, %(phraseto_tsquery_2)s)) && "
        "(plainto_tsquery(%(plainto_tsquery_3)s, %(plainto_tsquery_4)s) || "
        "phraseto_tsquery(%(phraseto_tsquery_3)s, %(phraseto_tsquery_4)s))"
    )
    assert sql == (
        "WITH hits AS MATERIALIZED (SELECT sources.id AS source_id, sources.incident_id AS incident_id, "
        f"sources.team_id AS team_id, ts_rank(sources.search_tsv, {query}) AS rank "
        f"FROM sources WHERE sources.search_tsv @@ ({query})) "
        "SELECT hits.incident_id, max(hits.rank) AS best FROM hits "
        f"WHERE hits.team_id = %(team_id_1)s{visible} "
        "GROUP BY hits.incident_id ORDER BY best DESC, hits.incident_id DESC "
        "LIMIT %(param_1)s"
    )
    expected = {
        "plainto_tsquery_1": "english",
        "plainto_tsquery_2": "breached",
        "phraseto_tsquery_1": "english",
        "phraseto_tsquery_2": "breached",
        "plainto_tsquery_3": "english",
        "plainto_tsquery_4": "Kelp-Works",
        "phraseto_tsquery_3": "english",
        "phraseto_tsquery_4": "Kelp Works",
        "team_id_1": T,
        "param_1": 21,  # the page's end: the corrected matches follow the text matches, then the page is cut
    }
    if audience.kind == "conversation":
        expected["channel_id_1"] = "G-sec"
    assert params == expected
    # People's corrections: the team's corrected incidents the audience may see, newest first.
    sql, params = _sql(corrected, dialect)
    source_visible = visible.replace("hits.source_id", "sources.id")
    assert sql == (
        "SELECT incidents.id, incidents.overrides_json FROM incidents WHERE incidents.team_id = %(team_id_1)s "
        "AND incidents.overrides_json IS NOT NULL AND (EXISTS (SELECT * FROM sources WHERE "
        f"sources.incident_id = incidents.id AND sources.team_id = %(team_id_2)s{source_visible})) "
        "ORDER BY incidents.id DESC LIMIT %(param_1)s"
    )
    assert params == {"team_id_1": T, "team_id_2": T, "param_1": 5000} | (
        {"channel_id_1": "G-sec"} if audience.kind == "conversation" else {}
    )


# --- evidence -----------------------------------------------------------------------------------


def test_evidence_needs_both_ids_valid_and_of_the_same_incident(world: World) -> None:
    read = view(world.store, Audience.operator())
    source = world.c_public.source_id
    assert read(lambda v: v.source_summary(world.c, source)) is not None
    assert read(lambda v: v.source_summary(MAX_ID + 1, source)) is None
    assert read(lambda v: v.source_summary(world.c, MAX_ID + 1)) is None
    assert read(lambda v: v.source_summary(world.a, source)) is None  # a source of another incident


# --- digests ------------------------------------------------------------------------------------


def test_a_digest_period_includes_its_start_and_excludes_its_end(store: Store) -> None:
    at_start = add(store, "Maple Tiles", channel="C-pub", kind=PUBLIC, at=NOW).incident.id
    at_end = add(store, "Nettle Foods", channel="C-pub", kind=PUBLIC, at=NOW + HOUR).incident.id
    read = view(store, Audience.conversation("C-pub"))
    assert ids(read(lambda v: v.digest(start=NOW, end=NOW + HOUR))) == [at_start]
    assert ids(read(lambda v: v.digest(start=NOW + HOUR, end=NOW + 2 * HOUR))) == [at_end]


def test_a_short_digest_keeps_the_most_severe_then_the_newest(store: Store) -> None:
    def one(company: str, hours: int, severity: Severity, is_incident: bool = True) -> int:
        at = NOW + hours * HOUR
        return add(
            store, company, channel="C-pub", kind=PUBLIC, at=at, severity=severity, is_incident=is_incident
        ).incident.id

    critical = one("Oak Ferries", 1, Severity.CRITICAL)
    newest_low = one("Pine Clinics", 3, Severity.LOW)
    older_low = one("Quartz Mines", 2, Severity.LOW)
    tied_low = one("Rowan Books", 3, Severity.LOW)  # as new as newest_low, and a newer incident
    one("Sage Bakery", 4, Severity.CRITICAL, is_incident=False)  # not an incident: never in a digest
    read = view(store, Audience.conversation("C-pub"))

    def digest(limit: int) -> list[int]:
        return ids(read(lambda v: v.digest(start=NOW, end=NOW + 5 * HOUR, limit=limit)))

    assert digest(1) == [critical]
    assert digest(2) == [critical, tied_low]
    assert digest(3) == [critical, tied_low, newest_low]
    assert digest(10) == [critical, tied_low, newest_low, older_low]


# --- "Already reported" -------------------------------------------------------------------------------


def test_the_earlier_report_is_the_first_with_a_message_to_link_to(store: Store) -> None:
    add(store, "Teal Motors", channel="C-pub", kind=PUBLIC, at=NOW, message=False)
    second = add(store, "Teal Motors", channel="C-two", kind=PUBLIC, at=NOW + HOUR)
    add(store, "Teal Motors", channel="C-three", kind=PUBLIC, at=NOW + 2 * HOUR)
    last = add(store, "Teal Motors", channel="C-four", kind=PUBLIC, at=NOW + 3 * HOUR)
    found = view(store, Audience.team())(lambda v: v.earlier_report(last.incident.id, before_sighting=last.sighting_id))
    assert (found.channel_id, found.message_ts) == ("C-two", f"{(NOW + HOUR).timestamp():.6f}")
    assert second.incident.id == last.incident.id


def test_an_audience_that_sees_nothing_counts_zero(store: Store) -> None:
    add(store, "Umber Glass", channel="G-sec", kind=PRIVATE, at=NOW)
    assert view(store, Audience.team())(lambda v: v.count()) == 0
    assert view(store, Audience.conversation("G-sec"))(lambda v: v.count()) == 1
