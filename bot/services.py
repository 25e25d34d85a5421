"""Use cases: what the command line, the Slack handlers and the digests ask of the product.

Each takes keyword-only arguments and returns plain records (never ORM objects), so callers need
no SQLAlchemy. Database failures arrive as ``bot.errors.StorageError``.
"""

from __future__ import annotations

import datetime as dt

from bot.extraction import Article, IncidentSummary, summarize_article
from storage import IncidentRecord, NewReport, Store, StoreResult, Submission
from storage.records import ConversationType


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


def list_incidents(
    *, store: Store, team_id: str, limit: int = 20, offset: int = 0, incident_type: str | None = None
) -> list[IncidentRecord]:
    """The team's incidents, most recently seen first."""
    return store.read(lambda repo: repo.recent(team_id, limit=limit, offset=offset, incident_type=incident_type))


def get_incident(*, store: Store, team_id: str, incident_id: int) -> IncidentRecord | None:
    """One incident of the team with its sources, or None."""
    return store.read(lambda repo: repo.get(team_id, incident_id))


def search_incidents(*, store: Store, team_id: str, query: str, limit: int = 20) -> list[IncidentRecord]:
    """The team's incidents matching every word of ``query`` (victim, attacker, CVE, type, text)."""
    return store.read(lambda repo: repo.search(team_id, query, limit=limit))


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
