"""The privacy policy (storage/privacy.py), tested directly: a table of conversations (public,
private, DM, group DM, a channel converted to private, an unrelated channel, the team, the
operator) against every read (list, paging, type filter, show, search, evidence, digest, "Already
reported"), on SQLite and PostgreSQL. Plus: the rule's SQL and Python forms agree on every case."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import select

from bot.extraction.schema import IncidentType, Severity
from bot.usecases import incidents
from storage import Store
from storage.models import Sighting
from storage.privacy import AudienceView, invisible_sighting, sighting_visible, visible_sighting
from storage.records import Audience, ConversationType
from tests.storage.articles import breach_notice
from tests.storage.conftest import NOW, make_summary, report

T = "T1"
HOUR = dt.timedelta(hours=1)


def follow_up(company: str, detail: str) -> str:
    """A second, differently worded article about the same company's incident."""
    return (
        f"New details emerged on Friday about the intrusion at {company}. {detail} Investigators are "
        "still working to establish how long the attackers had access, and the company said it would "
        "publish a full account once the review is complete. Customers were told to stay alert."
    )


class World:
    """Incidents reported across conversations of one team, at known times."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # A: reported in a public channel only.
        self.a = report(
            store,
            breach_notice("Alder Mills", "Leeds", "1,200"),
            make_summary(title="Alder Mills breach", victims=["Alder Mills"]),
            channel="C-pub",
            kind="public_channel",
            at=NOW,
        ).incident.id
        # B: only in a private channel; its victim's name occurs nowhere else.
        self.b = report(
            store,
            breach_notice("Zanzibarite Labs", "Oslo", "300"),
            make_summary(title="Zanzibarite Labs breach", victims=["Zanzibarite Labs"], severity=Severity.CRITICAL),
            channel="G-sec",
            kind="private_channel",
            at=NOW + HOUR,
        ).incident.id
        # C: public, older; then a DM adds the attacker, later than everything else, and two more
        # private reports that call it ransomware (which would make the merged type ransomware).
        self.c_public = report(
            store,
            breach_notice("Cobalt Freight", "Hull", "9,000"),
            make_summary(title="Cobalt Freight breach", victims=["Cobalt Freight"]),
            channel="C-pub",
            kind="public_channel",
            at=NOW - 2 * HOUR,
        )
        self.c = self.c_public.incident.id
        for n, detail in enumerate(
            ["The Copperhead crew claimed it.", "A ransom note was left.", "Files were locked."]
        ):
            attached = report(
                store,
                follow_up("Cobalt Freight", detail),
                make_summary(
                    title="Cobalt Freight ransomware",
                    victims=["Cobalt Freight"],
                    attackers=["Copperhead"] if n == 0 else [],
                    incident_type=IncidentType.RANSOMWARE,
                    severity=Severity.HIGH,
                ).model_copy(update={"incident_types": [IncidentType.RANSOMWARE, IncidentType.DATA_BREACH]}),
                channel="D-alice",
                kind="im",
                at=NOW + (3 + n) * HOUR,
            )
            assert attached.incident.id == self.c, "the follow-ups belong to incident C"
        # D: reported in a channel while it was public; the channel is converted to private later.
        self.d = report(
            store,
            breach_notice("Delta Vine", "Cork", "75"),
            make_summary(title="Delta Vine breach", victims=["Delta Vine"]),
            channel="C-conv",
            kind="public_channel",
            at=NOW + 2 * HOUR,
        ).incident.id
        incidents.conversation_became_private(store=store, team_id=T, channel_id="C-conv")
        # F: in two private conversations, each with its own facts.
        self.f = report(
            store,
            breach_notice("Fenwick Mutual", "Derby", "620"),
            make_summary(title="Fenwick Mutual breach", victims=["Fenwick Mutual"]),
            channel="G-sec",
            kind="private_channel",
            at=NOW - HOUR,
        ).incident.id
        attached = report(
            store,
            follow_up("Fenwick Mutual", "The Mudskipper gang was named."),
            make_summary(title="Fenwick Mutual breach", victims=["Fenwick Mutual"], attackers=["Mudskipper"]),
            channel="M-grp",
            kind="mpim",
            at=NOW - 0.5 * HOUR,
        )
        assert attached.incident.id == self.f
        # E: in a group DM.
        self.e = report(
            store,
            breach_notice("Ember Row", "Bath", "40"),
            make_summary(title="Ember Row breach", victims=["Ember Row"]),
            channel="M-grp",
            kind="mpim",
            at=NOW + 7 * HOUR,
        ).incident.id


@pytest.fixture
def world(store: Store) -> World:
    return World(store)


def conv(channel: str) -> Audience:
    return Audience.conversation(channel)


# Who may see what. C is seen by everyone (its public report), but only the operator and the DM
# see it whole.
VISIBLE = {
    "operator": {"a", "b", "c", "d", "e", "f"},
    "team": {"a", "c"},
    "C-pub": {"a", "c"},
    "G-sec": {"a", "b", "c", "f"},
    "D-alice": {"a", "c"},
    "C-conv": {"a", "c", "d"},
    "M-grp": {"a", "c", "e", "f"},
    "C-other": {"a", "c"},
}
SEES_C_WHOLE = {"operator", "D-alice"}


def audience_of(name: str) -> Audience:
    if name == "operator":
        return Audience.operator()
    if name == "team":
        return Audience.team()
    return conv(name)


def ids(world: World, names: set[str]) -> set[int]:
    return {getattr(world, n) for n in names}


def name_of(world: World, incident_id: int) -> str:
    return next(n for n in "abcdef" if getattr(world, n) == incident_id)


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_list_show_and_count_show_exactly_what_the_audience_may_see(world: World, who: str) -> None:
    audience = audience_of(who)
    listed = incidents.list_incidents(store=world.store, team_id=T, audience=audience, limit=50)
    assert {r.id for r in listed} == ids(world, VISIBLE[who])
    for n in "abcdef":
        shown = incidents.get_incident(store=world.store, team_id=T, incident_id=getattr(world, n), audience=audience)
        assert (shown is not None) == (n in VISIBLE[who]), n
    c = incidents.get_incident(store=world.store, team_id=T, incident_id=world.c, audience=audience)
    assert c is not None
    whole = who in SEES_C_WHOLE
    assert [a.text for a in c.summary.attackers] == (["Copperhead"] if whole else [])
    assert c.source_count == (4 if whole else 1)
    assert len(c.sources) == c.source_count
    assert c.summary.incident_type is (IncidentType.RANSOMWARE if whole else IncidentType.DATA_BREACH)
    assert c.summary.severity.level is (Severity.HIGH if whole else Severity.MEDIUM)
    assert {s.channel_id for s in c.sources} == ({"C-pub", "D-alice"} if whole else {"C-pub"})
    assert all(s.sightings == 1 for s in c.sources)
    # What it was last seen as: the DM's reports are later than everything, but only for those who see them.
    assert c.last_seen_at == (NOW + 5 * HOUR if whole else NOW - 2 * HOUR)
    assert AudienceView_count(world, audience) == len(VISIBLE[who])
    f = incidents.get_incident(store=world.store, team_id=T, incident_id=world.f, audience=audience)
    if f is not None:  # each private conversation sees its own report of F, only the operator both
        assert [a.text for a in f.summary.attackers] == (["Mudskipper"] if who in ("M-grp", "operator") else [])
        assert f.source_count == (2 if who == "operator" else 1)


def AudienceView_count(world: World, audience: Audience) -> int:  # reads as the method it calls
    return world.store.read(lambda repo: AudienceView(repo, team_id=T, audience=audience).count())


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_the_order_and_every_page_follow_what_the_audience_saw(world: World, who: str) -> None:
    audience = audience_of(who)
    listed = incidents.list_incidents(store=world.store, team_id=T, audience=audience, limit=50)
    seen = [r.last_seen_at for r in listed]
    assert seen == sorted(seen, reverse=True)
    if who not in SEES_C_WHOLE:
        # C's later private reports must not move it up for anyone who cannot see them.
        assert [name_of(world, r.id) for r in listed][-1] == "c"
    pages = [
        incidents.list_incidents(store=world.store, team_id=T, audience=audience, limit=2, offset=o)
        for o in range(0, 8, 2)
    ]
    assert [r.id for r in itertools.chain(*pages)] == [r.id for r in listed]  # no page comes up short


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_a_type_filter_uses_the_type_the_audience_sees(world: World, who: str) -> None:
    audience = audience_of(who)

    def of_type(kind: str) -> set[int]:
        found = incidents.list_incidents(store=world.store, team_id=T, audience=audience, incident_type=kind)
        return {r.id for r in found}

    whole = who in SEES_C_WHOLE
    assert (world.c in of_type("ransomware")) == whole
    assert (world.c in of_type("data_breach")) == (not whole)
    assert of_type("ddos") == set()


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_search_matches_only_sources_the_audience_may_see(world: World, who: str) -> None:
    audience = audience_of(who)

    def search(query: str) -> set[int]:
        return {r.id for r in incidents.search_incidents(store=world.store, team_id=T, query=query, audience=audience)}

    assert search("zanzibarite") == ({world.b} if "b" in VISIBLE[who] else set())
    assert search("Copperhead") == ({world.c} if who in SEES_C_WHOLE else set())
    assert search("ransomware") == ({world.c} if who in SEES_C_WHOLE else set())
    assert search("Delta Vine") == ({world.d} if "d" in VISIBLE[who] else set())
    assert search("breach") == ids(world, VISIBLE[who])
    assert search("Mudskipper") == ({world.f} if who in ("M-grp", "operator") else set())


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_evidence_of_a_source_only_where_it_may_be_seen(world: World, who: str) -> None:
    audience = audience_of(who)
    with world.store.unit_of_work(read_only=True) as uow:
        sightings = [
            (s.incident_id, s.source_id, s.channel_id, s.is_private) for s in uow.session.scalars(select(Sighting))
        ]
    assert len(sightings) == 10
    for incident_id, source_id, channel, private in sightings:  # each source was sighted once
        found = incidents.source_summary(
            store=world.store, team_id=T, incident_id=incident_id, source_id=source_id, audience=audience
        )
        assert (found is not None) == sighting_visible(audience, is_private=private, channel_id=channel)


@pytest.mark.parametrize("channel", sorted(set(VISIBLE) - {"operator", "team"}))
def test_a_digest_shows_what_its_channel_may_see(world: World, channel: str) -> None:
    found = incidents.incidents_for_digest(
        store=world.store, team_id=T, channel_id=channel, start=NOW - 5 * HOUR, end=NOW + 10 * HOUR
    )
    assert {r.id for r in found} == ids(world, VISIBLE[channel])
    c = next(r for r in found if r.id == world.c)
    assert [a.text for a in c.summary.attackers] == (["Copperhead"] if channel in SEES_C_WHOLE else [])
    ranks = [r.summary.severity.level for r in found]
    order = [Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.UNKNOWN]
    assert ranks == sorted(ranks, key=order.index)  # most severe first, by what the channel sees
    # A period holding only C's private reports shows C to nobody but the DM.
    later = incidents.incidents_for_digest(
        store=world.store, team_id=T, channel_id=channel, start=NOW + 2.5 * HOUR, end=NOW + 6 * HOUR
    )
    assert (world.c in {r.id for r in later}) == (channel in SEES_C_WHOLE)


def test_already_reported_counts_only_earlier_reports_the_conversation_saw(world: World) -> None:
    # B's article is pasted again in public: the earlier report was in a private channel.
    again = report(
        world.store,
        breach_notice("Zanzibarite Labs", "Oslo", "300"),
        make_summary(title="Zanzibarite Labs breach", victims=["Zanzibarite Labs"]),
        channel="C-pub",
        kind="public_channel",
        at=NOW + 8 * HOUR,
    )
    assert again.already_known
    assert incidents.earlier_report(store=world.store, stored=again, audience=conv("C-pub")) is None
    in_private = incidents.earlier_report(store=world.store, stored=again, audience=conv("G-sec"))
    assert in_private is not None
    assert in_private.channel_id == "G-sec"
    # And it is public now: C-other sees B, summarized from what it may see.
    b = incidents.get_incident(store=world.store, team_id=T, incident_id=world.b, audience=conv("C-other"))
    assert b is not None
    assert [s.channel_id for s in b.sources] == ["C-pub"]  # never the private channel it came from first


def test_a_channel_converted_to_private_hides_its_past(world: World) -> None:
    assert incidents.get_incident(store=world.store, team_id=T, incident_id=world.d, audience=conv("C-pub")) is None
    assert incidents.get_incident(store=world.store, team_id=T, incident_id=world.d, audience=conv("C-conv"))
    assert incidents.conversation_became_private(store=world.store, team_id=T, channel_id="C-conv") == 0  # idempotent


def test_the_rule_in_sql_and_in_python_agree(store: Store) -> None:
    kinds: list[tuple[str, ConversationType]] = [
        ("C-pub", "public_channel"),
        ("G-sec", "private_channel"),
        ("D-alice", "im"),
        ("M-grp", "mpim"),
    ]
    for n, (channel, kind) in enumerate(kinds):
        report(
            store,
            breach_notice(f"Firm{n}", "York", "10"),
            make_summary(title=f"Firm{n}", victims=[f"Firm{n}"]),
            channel=channel,
            kind=kind,
            at=NOW,
        )
    audiences = [Audience.operator(), Audience.team(), *(conv(c) for c, _ in kinds), conv("C-none")]
    with store.unit_of_work(read_only=True) as uow:
        rows = list(uow.session.scalars(select(Sighting)))
        for audience in audiences:
            shown = set(uow.session.scalars(select(Sighting.id).where(visible_sighting(audience))))
            hidden = set(uow.session.scalars(select(Sighting.id).where(invisible_sighting(audience))))
            expected = {
                s.id for s in rows if sighting_visible(audience, is_private=s.is_private, channel_id=s.channel_id)
            }
            assert shown == expected, audience
            assert hidden == {s.id for s in rows} - expected, audience
