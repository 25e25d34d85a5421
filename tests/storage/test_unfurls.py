"""Link previews on the store (SQLite and PostgreSQL): a workspace's setting, and the stored
incident of a link as the previewing conversation may see it."""

from __future__ import annotations

from bot.extraction import Article
from bot.extraction.schema import IncidentSummary
from bot.usecases import incidents, unfurls
from storage import Store
from tests.storage.articles import breach_notice
from tests.storage.conftest import NOW, make_summary

T = "T1"


def test_previews_are_off_until_turned_on_per_workspace(store: Store) -> None:
    assert not unfurls.enabled(store=store, team_id=T)
    unfurls.set_enabled(store=store, team_id=T, on=True, user_id="U1")
    assert unfurls.enabled(store=store, team_id=T)
    assert not unfurls.enabled(store=store, team_id="T2")
    unfurls.set_enabled(store=store, team_id=T, on=False, user_id="U2")
    assert not unfurls.enabled(store=store, team_id=T)


def test_a_stored_link_is_previewed_from_the_store_only_where_its_report_may_be_seen(store: Store) -> None:
    url = "https://news.example/zanzibarite"
    stored = incidents.summarize_and_store(
        store=store,
        article=Article(text=breach_notice("Zanzibarite Labs", "Oslo", "300"), url=url),
        summary=make_summary(title="Zanzibarite Labs breach", victims=["Zanzibarite Labs"]),
        canonical_url=url,
        team_id=T,
        submitter="U1",
        channel_id="G-sec",
        conversation_type="private_channel",
        submitted_at=NOW,
    )
    fresh: list[str] = []

    def summarize(link: str) -> IncidentSummary | None:
        fresh.append(link)
        return None

    inside = unfurls.preview(store=store, team_id=T, channel_id="G-sec", url=url + "?utm_source=x", summarize=summarize)
    assert inside is not None
    assert inside.incident_id == stored.incident.id
    assert inside.url == url + "?utm_source=x"  # keyed as Slack sent it
    assert fresh == []
    # a public channel does not learn of the private report: the page is read afresh instead
    outside = unfurls.preview(store=store, team_id=T, channel_id="C-pub", url=url, summarize=summarize)
    assert outside is None
    assert fresh == [url]
    assert unfurls.preview(store=store, team_id="T2", channel_id="G-sec", url=url, summarize=summarize) is None
    assert (
        unfurls.preview(store=store, team_id=T, channel_id="G-sec", url="http://x:99999/", summarize=summarize) is None
    )
