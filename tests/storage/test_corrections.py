"""People's corrections and feedback on the stored incident (SQLite and PostgreSQL): the corrected
facts are what every read shows, a later report never undoes them, "not an incident" leaves the
digests, only a conversation that sees an incident may correct it, and the export names the article."""

from __future__ import annotations

import datetime as dt

from bot.extraction.schema import IncidentType, Severity
from bot.usecases import corrections, incidents
from storage import Store, StoreResult
from storage.records import Audience
from tests.storage.articles import breach_notice
from tests.storage.conftest import NOW, make_summary, report

T = "T1"
PUBLIC = Audience.conversation("C-pub")


def follow_up(company: str) -> str:
    return (
        f"New details emerged on Friday about the intrusion at {company}. The attackers had access for "
        "three weeks, investigators said, and the company will publish a full account once the review is "
        "complete. Customers were told to stay alert for messages that ask for their passwords."
    )


def private_report(store: Store) -> StoreResult:
    """An incident reported only in the private channel G-sec."""
    return report(
        store,
        breach_notice("Zanzibarite Labs", "Oslo", "300"),
        make_summary(title="z", victims=["Zanzibarite Labs"]),
        channel="G-sec",
        kind="private_channel",
    )


def correct(
    store: Store, incident_id: int, audience: Audience = PUBLIC, **form: object
) -> corrections.Corrected | None:
    from bot.domain.corrections import read_form

    return corrections.correct(
        store=store, team_id=T, incident_id=incident_id, user_id="U0FIXER", audience=audience, submitted=read_form(form)
    )


def test_a_correction_is_what_every_read_shows_and_is_recorded_per_field(store: Store) -> None:
    first = report(store, breach_notice("Alder Mills", "Leeds", "1,200"), make_summary(title="t", victims=["Alder"]))
    done = correct(store, first.incident.id, victims="Alder Mills", incident_type="ransomware", severity="high")
    assert done is not None
    assert set(done.changed) == {"victims", "incident_type", "severity"}
    assert done.changed["victims"] == (["Alder"], ["Alder Mills"])
    shown = incidents.get_incident(store=store, team_id=T, incident_id=first.incident.id, audience=PUBLIC)
    assert shown is not None
    assert [m.text for m in shown.summary.victims] == ["Alder Mills"]
    assert shown.summary.incident_type is IncidentType.RANSOMWARE
    listed = incidents.list_incidents(store=store, team_id=T, audience=Audience.team(), incident_type="ransomware")
    assert [r.id for r in listed] == [first.incident.id]
    rows = corrections.export(store=store, team_id=T)
    assert sorted(r.field for r in rows) == ["incident_type", "severity", "victims"]
    assert {r.corrected_by for r in rows} == {"U0FIXER"}
    assert rows[0].articles[0]["source_id"] == first.source_id
    assert corrections.corrected_by(store=store, team_id=T, incident_id=first.incident.id) == "U0FIXER"
    # submitting the same again changes nothing and records nothing
    again = correct(store, first.incident.id, victims="Alder Mills")
    assert again is not None
    assert again.changed == {}
    assert len(corrections.export(store=store, team_id=T)) == 3


def test_a_later_report_never_undoes_a_correction(store: Store) -> None:
    first = report(
        store,
        breach_notice("Cobalt Freight", "Hull", "9,000"),
        make_summary(title="Cobalt Freight breach", victims=["Cobalt Freight"], severity=Severity.LOW),
    )
    correct(store, first.incident.id, severity="critical", attackers="Copperhead", victims="Cobalt Freight, Cobalt Ltd")
    later = report(
        store,
        follow_up("Cobalt Freight"),
        make_summary(
            title="Cobalt Freight ransomware",
            victims=["Cobalt Freight"],
            attackers=["Somebody Else"],
            severity=Severity.MEDIUM,
            incident_type=IncidentType.RANSOMWARE,
        ).model_copy(update={"incident_types": [IncidentType.RANSOMWARE, IncidentType.DATA_BREACH]}),
        at=NOW + dt.timedelta(hours=2),
    )
    assert later.attached
    assert later.incident.id == first.incident.id
    shown = incidents.get_incident(store=store, team_id=T, incident_id=first.incident.id, audience=PUBLIC)
    assert shown is not None
    assert shown.summary.severity.level is Severity.CRITICAL
    assert [m.text for m in shown.summary.attackers] == ["Copperhead"]
    assert [m.text for m in shown.summary.victims] == ["Cobalt Freight", "Cobalt Ltd"]
    assert shown.source_count == 2


def test_a_corrected_victim_finds_later_reports_of_it(store: Store) -> None:
    first = report(store, breach_notice("Hollow Pine", "York", "500"), make_summary(title="t", victims=["Hollow"]))
    correct(store, first.incident.id, victims="Hollow Pine Dairy")
    later = report(
        store,
        follow_up("Hollow Pine Dairy"),
        make_summary(title="Hollow Pine Dairy breach", victims=["Hollow Pine Dairy"]),
        at=NOW + dt.timedelta(hours=1),
    )
    assert later.attached
    assert later.incident.id == first.incident.id


def test_not_an_incident_leaves_the_digest(store: Store) -> None:
    kept = report(
        store, breach_notice("Alder Mills", "Leeds", "1,200"), make_summary(title="a", victims=["Alder Mills"])
    )
    dropped = report(store, breach_notice("Birch Co", "Bath", "40"), make_summary(title="b", victims=["Birch Co"]))
    window = {"start": NOW - dt.timedelta(hours=1), "end": NOW + dt.timedelta(hours=1)}
    before = incidents.incidents_for_digest(store=store, team_id=T, channel_id="C-pub", **window)
    assert {r.id for r in before} == {kept.incident.id, dropped.incident.id}
    correct(store, dropped.incident.id, is_incident=False)
    after = incidents.incidents_for_digest(store=store, team_id=T, channel_id="C-pub", **window)
    assert [r.id for r in after] == [kept.incident.id]


def test_only_a_conversation_that_sees_the_incident_may_correct_or_judge_it(store: Store) -> None:
    secret = private_report(store)
    assert correct(store, secret.incident.id, victims="Nobody") is None
    assert correct(store, 2**70, victims="Nobody") is None  # no such id, on either database
    assert not corrections.feedback(
        store=store, team_id=T, incident_id=secret.incident.id, user_id="U2", verdict="wrong", audience=PUBLIC
    )
    assert corrections.export(store=store, team_id=T) == []
    assert corrections.stats(store=store, team_id=T).rated == 0
    inside = correct(store, secret.incident.id, Audience.conversation("G-sec"), victims="Zanzibarite Labs AS")
    assert inside is not None
    assert inside.changed


def test_feedback_is_one_verdict_per_person_and_adds_up(store: Store) -> None:
    ids = [
        report(store, breach_notice(name, "Leeds", "10"), make_summary(title=name, victims=[name])).incident.id
        for name in ("Alder Mills", "Birch Co", "Cedar Ltd", "Dogwood plc")
    ]

    def vote(incident_id: int, user: str, verdict: str) -> None:
        assert corrections.feedback(
            store=store, team_id=T, incident_id=incident_id, user_id=user, verdict=verdict, audience=PUBLIC
        )

    vote(ids[0], "U1", "accurate")
    vote(ids[0], "U2", "accurate")
    vote(ids[1], "U1", "wrong")
    vote(ids[1], "U1", "accurate")  # changed their mind: the latest click counts
    vote(ids[2], "U1", "accurate")
    vote(ids[2], "U2", "wrong")
    correct(store, ids[2], victims="Cedar Limited", severity="high")
    correct(store, ids[2], victims="Cedar Ltd")  # the same field again on the same card counts once
    correct(store, ids[3], victims="Dogwood")
    got = corrections.stats(store=store, team_id=T)
    assert (got.cards, got.rated, got.accurate, got.wrong, got.corrected) == (4, 3, 2, 1, 2)
    assert got.corrections_per_field == {"victims": 2, "severity": 1}
    assert corrections.stats(store=store, team_id="T-other").cards == 0


def test_the_team_s_figures_count_no_private_incident(store: Store) -> None:
    public = report(
        store, breach_notice("Alder Mills", "Leeds", "10"), make_summary(title="a", victims=["Alder Mills"])
    )
    secret = private_report(store)
    inside = Audience.conversation("G-sec")
    assert correct(store, secret.incident.id, inside, victims="Zanzibarite Labs AS") is not None
    assert corrections.feedback(
        store=store, team_id=T, incident_id=public.incident.id, user_id="U1", verdict="accurate", audience=PUBLIC
    )
    everything = corrections.stats(store=store, team_id=T)
    assert (everything.cards, everything.corrected, everything.rated) == (2, 1, 1)
    team = corrections.stats(store=store, team_id=T, audience=Audience.team())
    assert (team.cards, team.corrected, team.rated, team.accurate) == (1, 0, 1, 1)
    assert team.corrections_per_field == {}


def test_search_finds_what_people_set_that_no_article_says(store: Store) -> None:
    first = report(store, breach_notice("Alder Mills", "Leeds", "1,200"), make_summary(title="t", victims=["Alder"]))
    assert correct(store, first.incident.id, victims="Alder Mills Holdings Ltd; Quarrytown Council") is not None

    def found(query: str, audience: Audience = PUBLIC) -> list[int]:
        return [r.id for r in incidents.search_incidents(store=store, team_id=T, query=query, audience=audience)]

    assert found("Quarrytown") == [first.incident.id]  # in no article
    assert found("holdings quarrytown") == [first.incident.id]  # words from two values
    assert found("Quarrytown Leeds") == []  # every word must be in the corrections (or the text)
    assert found("victims") == []  # a field's name is not a value
    # the article's own words still come first, once
    assert found("Alder") == [first.incident.id]
    # a conversation that cannot see the incident does not find it by its corrections either
    hidden = private_report(store)
    correct(store, hidden.incident.id, audience=Audience.conversation("G-sec"), victims="Xylophane Partners")
    assert found("Xylophane") == []
    assert found("Xylophane", Audience.conversation("G-sec")) == [hidden.incident.id]
