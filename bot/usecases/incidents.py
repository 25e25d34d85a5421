"""Use cases: what the command line, the Slack handlers and the digests ask of the product.

Each takes keyword-only arguments and returns plain records (never ORM objects), so callers need
no SQLAlchemy. Database failures arrive as ``bot.errors.StorageError``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.extraction import Article, IncidentSummary, summarize_article
from storage import (
    IncidentRecord,
    NewReport,
    Store,
    StoreResult,
    Submission,
    alerts,
    jobs,
    privacy,
    slack_claims,
    views,
)
from storage.privacy import AudienceView, EarlierReport
from storage.records import Audience, ConversationType, SubscriptionRecord
from storage.repository import IncidentRepository


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
    alert_floor: tuple[str, int] | None = None,
) -> StoreResult:
    """Summarize an article (unless ``summary`` is given) and store it, de-duplicated within the
    team; in the same transaction, owe the alerts the stored incident calls for (watchlists, and
    ``alert_floor``: a feed's channel and the severity rank it alerts from)."""
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

    def write(repo: IncidentRepository) -> StoreResult:
        stored = repo.add_report(report)
        if not stored.already_known:
            alerts.raise_for(
                repo,
                team_id=team_id,
                incident_id=stored.incident.id,
                summary=stored.incident.summary,
                feed_floor=alert_floor,
                now=report.submission.submitted_at,
            )
        return stored

    return store.write(write)


def stored_teams(*, store: Store) -> list[str]:
    """The teams with incidents in this database (the command line picks one of them)."""
    return store.read(lambda repo: repo.teams())


# Every read takes the ``audience`` that will see its result; storage/privacy.py decides what that
# audience may see (Audience.operator() for the local command line, Audience.team() for the App
# Home, Audience.conversation(channel) for a reply in a channel or DM).


def list_incidents(
    *,
    store: Store,
    team_id: str,
    audience: Audience,
    limit: int = 20,
    offset: int = 0,
    incident_type: str | None = None,
) -> list[IncidentRecord]:
    """The team's incidents the audience may see, most recently seen first."""
    return store.read(
        lambda repo: AudienceView(repo, team_id=team_id, audience=audience).recent(
            limit=limit, offset=offset, incident_type=incident_type
        )
    )


def get_incident(*, store: Store, team_id: str, incident_id: int, audience: Audience) -> IncidentRecord | None:
    """One incident of the team with the sources the audience may see, or None."""
    return store.read(lambda repo: AudienceView(repo, team_id=team_id, audience=audience).get(incident_id))


def search_incidents(
    *, store: Store, team_id: str, query: str, audience: Audience, limit: int = 20, offset: int = 0
) -> list[IncidentRecord]:
    """Incidents with a source the audience may see that matches every word of ``query``."""
    return store.read(
        lambda repo: AudienceView(repo, team_id=team_id, audience=audience).search(query, limit=limit, offset=offset)
    )


def source_summary(
    *, store: Store, team_id: str, incident_id: int, source_id: int, audience: Audience
) -> IncidentSummary | None:
    """One source's own summary (for "Show evidence"), if the audience may see it."""
    return store.read(
        lambda repo: AudienceView(repo, team_id=team_id, audience=audience).source_summary(incident_id, source_id)
    )


def earlier_report(*, store: Store, stored: StoreResult, audience: Audience) -> EarlierReport | None:
    """The first report of a just-stored incident before this one that the audience may see."""
    incident = stored.incident
    return store.read(
        lambda repo: AudienceView(repo, team_id=incident.team_id, audience=audience).earlier_report(
            incident.id, before_sighting=stored.sighting_id
        )
    )


def conversation_became_private(*, store: Store, team_id: str, channel_id: str) -> int:
    """Hide a channel's earlier submissions from everyone else (it is private now)."""
    return store.write(lambda repo: privacy.conversation_became_private(repo, team_id=team_id, channel_id=channel_id))


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


def list_subscriptions(
    *, store: Store, team_id: str, audience: Audience, is_private: Callable[[str], bool]
) -> list[SubscriptionRecord]:
    """The team's digest subscriptions in channels the audience may know of, by channel
    (``is_private`` says whether a channel is private now)."""
    subs = store.read(lambda repo: views.subscriptions(repo, team_id=team_id))
    return [
        s
        for s in subs
        if privacy.may_list_channel(audience, channel_id=s.channel_id, is_private=is_private(s.channel_id))
    ]


def incidents_for_digest(
    *, store: Store, team_id: str, channel_id: str, start: dt.datetime, end: dt.datetime, limit: int = 100
) -> list[IncidentRecord]:
    """Incidents seen in [start, end) that the channel may see, most severe first."""
    audience = Audience.conversation(channel_id)
    return store.read(
        lambda repo: AudienceView(repo, team_id=team_id, audience=audience).digest(start=start, end=end, limit=limit)
    )


def claim_event(*, store: Store, team_id: str, event_id: str) -> bool:
    """True the first time a Slack event is claimed, False for every retry, restart or other replica.

    Committed before it returns, so the claim survives a crash. At most once: if the handler fails
    after the claim, Slack's retry is ignored (a missed reply rather than a duplicate one).
    """
    now = dt.datetime.now(dt.UTC)
    return store.write(lambda repo: slack_claims.claim(repo, team_id, event_id, received_at=now))


def prune_events(*, store: Store, older_than: dt.datetime) -> int:
    """Delete the claims of events received before ``older_than``; how many were deleted."""
    return store.write(lambda repo: slack_claims.prune(repo, older_than=older_than))


def prune_jobs(*, store: Store, older_than: dt.datetime) -> int:
    """Delete submission jobs finished before ``older_than`` (with their outboxes)."""
    return store.write(lambda repo: jobs.prune(repo, older_than=older_than))
