"""Link previews ("unfurls") of incident news: opt-in per workspace, built from the stored
incident when the link was summarized before (and the conversation may see it), else from a
fresh reading of the page, which is not stored (nobody asked for it to be)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from bot.errors import IncidentBotError
from bot.extraction import summarize_article
from bot.extraction.schema import IncidentSummary
from bot.sources.urls import canonicalize
from bot.usecases.intake import UrlReader
from storage import Store, team_settings
from storage.privacy import AudienceView
from storage.records import Audience

MAX_LINKS = 3  # previews made for one message; Slack sends at most a few links per event anyway


@dataclass(frozen=True)
class Preview:
    url: str  # as Slack sent it: chat.unfurl is keyed by it
    summary: IncidentSummary
    incident_id: int | None  # the stored incident, when it came from the store


def enabled(*, store: Store, team_id: str) -> bool:
    return store.read(lambda repo: team_settings.get(repo, team_id=team_id).unfurl_links)


def set_enabled(*, store: Store, team_id: str, on: bool, user_id: str) -> None:
    now = dt.datetime.now(dt.UTC)
    store.write(lambda repo: team_settings.set_unfurl(repo, team_id=team_id, on=on, user_id=user_id, now=now))


# Reads a link and summarizes it: in a worker process when the bot runs (bot/runtime/worker_pool.py).
LinkSummarizer = Callable[[str], IncidentSummary | None]


def summarize_link(url: str, *, read_url: UrlReader) -> IncidentSummary | None:
    """A fresh summary of the page at ``url``; None when it cannot be read or is not an incident."""
    try:
        article = read_url(url)
    except IncidentBotError:
        return None  # a page it cannot read gets no preview; Slack shows its own
    summary = summarize_article(article)
    return summary if summary.is_incident else None


def preview(*, store: Store, team_id: str, channel_id: str, url: str, summarize: LinkSummarizer) -> Preview | None:
    """The preview of one link, or None (not about an incident, or it could not be read)."""
    try:
        canonical = canonicalize(url)
    except ValueError:
        return None
    audience = Audience.conversation(channel_id)
    stored = store.read(lambda repo: AudienceView(repo, team_id=team_id, audience=audience).by_link(canonical))
    if stored is not None:
        return Preview(url, stored.summary, stored.id)
    fresh = summarize(url)
    return None if fresh is None else Preview(url, fresh, None)
