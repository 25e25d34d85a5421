"""What the bot does with a message someone hands it: read, summarize, store, decide the reply.

The Slack handlers call ``process_submission`` and post what it returns; nothing here talks to
Slack, so the whole use case is testable without it.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot import services
from bot.errors import FetchError, IncidentBotError
from bot.extraction import Article, IncidentSummary, summarize_article
from bot.sources.local import article_from_text
from bot.sources.slack_text import parse_submission
from bot.sources.urls import canonicalize
from storage import Store, StoreResult
from storage.records import ConversationType

log = logging.getLogger(__name__)

# Links read from one message; more would keep a channel busy for minutes and flood the thread.
MAX_LINKS_PER_MESSAGE = 5

UrlReader = Callable[[str], Article]


@dataclass(frozen=True)
class Outcome:
    """One reply: an incident card, a "no incident" note, or a problem with what to do about it."""

    kind: Literal["incident", "no_incident", "problem"]
    source: str  # the link, or "pasted text"
    summary: IncidentSummary | None = None
    stored: StoreResult | None = None
    message: str | None = None


@dataclass(frozen=True)
class Origin:
    """Where a submission came from in Slack."""

    team_id: str
    user_id: str
    channel_id: str
    conversation_type: ConversationType
    message_ts: str | None = None


def _problem_text(source: str, exc: IncidentBotError) -> str:
    if isinstance(exc, FetchError):
        return (
            f"I couldn't read {source}: {exc}. If the page is behind a login or paywall, "
            "paste the article text in a message to me instead."
        )
    return f"I couldn't summarize {source}: {exc}."


def _one(*, store: Store, article: Article, source: str, origin: Origin) -> Outcome:
    summary = summarize_article(article)
    if not summary.is_incident:
        return Outcome(kind="no_incident", source=source, summary=summary)
    stored = services.summarize_and_store(
        store=store,
        article=article,
        summary=summary,
        team_id=origin.team_id,
        submitter=origin.user_id,
        canonical_url=canonicalize(article.url) if article.url else None,
        channel_id=origin.channel_id,
        conversation_type=origin.conversation_type,
        message_ts=origin.message_ts,
        submitted_at=dt.datetime.now(dt.UTC),
    )
    return Outcome(kind="incident", source=source, summary=summary, stored=stored)


def process_submission(*, store: Store, text: str, origin: Origin, read_url: UrlReader) -> list[Outcome]:
    """Every link in ``text`` (or the pasted article) read, summarized and stored; one Outcome each."""
    sub = parse_submission(text)
    if sub.pasted_text is None and not sub.links:
        return [
            Outcome(
                kind="problem",
                source="your message",
                message="Paste an article or a link after mentioning me, and I'll summarize it.",
            )
        ]
    jobs: list[tuple[str, Callable[[], Article]]]
    if sub.pasted_text is not None:
        pasted = sub.pasted_text
        jobs = [("pasted text", lambda: article_from_text(pasted))]
    else:
        jobs = [(link, functools.partial(read_url, link)) for link in sub.links[:MAX_LINKS_PER_MESSAGE]]
    outcomes: list[Outcome] = []
    for source, load in jobs:
        try:
            outcomes.append(_one(store=store, article=load(), source=source, origin=origin))
        except IncidentBotError as exc:
            outcomes.append(Outcome(kind="problem", source=source, message=_problem_text(source, exc)))
    skipped = len(sub.links) - MAX_LINKS_PER_MESSAGE
    if skipped > 0:
        outcomes.append(
            Outcome(
                kind="problem",
                source="your message",
                message=f"I read the first {MAX_LINKS_PER_MESSAGE} links; "
                f"{skipped} more were skipped. Send them in another message.",
            )
        )
    return outcomes


def error_id() -> str:
    """A short id that ties what the user is told to the traceback in the log."""
    return uuid.uuid4().hex[:8]
