"""Use cases: what the command line, the Slack handlers and the digests ask of the product.

Each takes keyword-only arguments and returns plain records (never ORM objects), so callers need
no SQLAlchemy. Database failures arrive as ``bot.errors.StorageError``.
"""

from __future__ import annotations

import datetime as dt

from bot.extraction import Article, IncidentSummary, summarize_article
from storage import IncidentRecord, NewReport, Store, StoreResult, Submission, views
from storage.records import ConversationType, SubscriptionRecord
from storage.views import ChannelView


def open_store(*, database_url: str, migrate: bool = True) -> Store:
    """Open the database, creating or upgrading its schema first unless ``migrate`` is false."""
    store = Store(database_url)
    if migrate:
        try:
            store.upgrade()
        except BaseException:
            store.close()
            raise
    return store


def summarize_and_store(
    *,
    store: Store,
    article: Article,
    team_id: str,
    submitter: str,
    canonical_url: str | None = None,
    channel_id: str | None = None,
    conversation_type: ConversationType = "cli",
    message_ts: str | None = None,
    submitted_at: dt.datetime | None = None,
    summary: IncidentSummary | None = None,
) -> StoreResult:
    """Summarize an article (unless ``summary`` is given) and store it, de-duplicated within the team."""
    report = NewReport(
        text=article.text,
        summary=summary if summary is not None else summarize_article(article),
        url=article.url,
        canonical_url=canonical_url,
        title=article.title,
        site=article.site,
        published=article.published,
        submission=Submission(
            team_id=team_id,
            submitter=submitter,
            channel_id=channel_id,
            conversation_type=conversation_type,
            message_ts=message_ts,
            submitted_at=submitted_at or dt.datetime.now(dt.UTC),
        ),
    )
    return store.write(lambda repo: repo.add_report(report))


# ``visible_to`` says who will see what a read returns: ANY_CONVERSATION (the local command line,
# no filter), a channel id (what that conversation may see: public submissions and its own), or
# None (anyone in the team, e.g. the App Home: public submissions only).
ANY_CONVERSATION = "*"


def list_incidents(
    *,
    store: Store,
    team_id: str,
    limit: int = 20,
    offset: int = 0,
    incident_type: str | None = None,
    visible_to: str | None = ANY_CONVERSATION,
) -> list[IncidentRecord]:
    """The team's incidents, most recently seen first."""
    if visible_to != ANY_CONVERSATION:
        return store.read(lambda repo: ChannelView(repo, team_id=team_id, channel_id=visible_to).recent(limit=limit))
    return store.read(lambda repo: repo.recent(team_id, limit=limit, offset=offset, incident_type=incident_type))


def get_incident(
    *, store: Store, team_id: str, incident_id: int, visible_to: str | None = ANY_CONVERSATION
) -> IncidentRecord | None:
    """One incident of the team with its sources, or None."""
    if visible_to != ANY_CONVERSATION:
        return store.read(lambda repo: ChannelView(repo, team_id=team_id, channel_id=visible_to).get(incident_id))
    return store.read(lambda repo: repo.get(team_id, incident_id))


def search_incidents(
    *, store: Store, team_id: str, query: str, limit: int = 20, visible_to: str | None = ANY_CONVERSATION
) -> list[IncidentRecord]:
    """The team's incidents matching every word of ``query`` (victim, attacker, CVE, type, text)."""
    if visible_to != ANY_CONVERSATION:
        return store.read(
            lambda repo: ChannelView(repo, team_id=team_id, channel_id=visible_to).search(query, limit=limit)
        )
    return store.read(lambda repo: repo.search(team_id, query, limit=limit))


def source_summary(
    *, store: Store, team_id: str, incident_id: int, source_id: int, visible_to: str | None
) -> IncidentSummary | None:
    """One source's own summary (for "Show evidence"), if ``visible_to`` may see it."""
    return store.read(
        lambda repo: ChannelView(repo, team_id=team_id, channel_id=visible_to).source_summary(incident_id, source_id)
    )


def record_message(*, store: Store, team_id: str, source_id: int, channel_id: str, message_ts: str) -> None:
    """Remember the message that carried a source's card in a channel (a slash command has none)."""
    store.write(
        lambda repo: views.record_message(
            repo, team_id=team_id, source_id=source_id, channel_id=channel_id, message_ts=message_ts
        )
    )


def first_threads(*, store: Store, team_id: str, channel_id: str, incident_ids: list[int]) -> dict[int, str]:
    """The message that first carried each incident in ``channel_id`` (for digest links)."""
    return store.read(
        lambda repo: views.first_threads(repo, team_id=team_id, channel_id=channel_id, incident_ids=incident_ids)
    )


def list_subscriptions(*, store: Store, team_id: str) -> list[SubscriptionRecord]:
    """The team's digest subscriptions, by channel."""
    return store.read(lambda repo: views.subscriptions(repo, team_id=team_id))


def incidents_for_digest(
    *, store: Store, team_id: str, channel_id: str, start: dt.datetime, end: dt.datetime, limit: int = 100
) -> list[IncidentRecord]:
    """Incidents seen in [start, end) that the channel may see, most severe first."""
    return store.read(
        lambda repo: repo.digest_incidents(team_id, channel_id=channel_id, start=start, end=end, limit=limit)
    )


def claim_event(*, store: Store, team_id: str, event_id: str) -> bool:
    """True the first time a Slack event is claimed, False for every retry, restart or other replica.

    Committed before it returns, so the claim survives a crash. At most once: if the handler fails
    after the claim, Slack's retry is ignored (a missed reply rather than a duplicate one).
    """
    now = dt.datetime.now(dt.UTC)
    return store.write(lambda repo: repo.claim_event(team_id, event_id, received_at=now))


def prune_events(*, store: Store, older_than: dt.datetime) -> int:
    """Delete the claims of events received before ``older_than``; how many were deleted."""
    return store.write(lambda repo: repo.prune_events(older_than=older_than))
