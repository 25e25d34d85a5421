"""What the bot does with a message someone hands it: read, summarize, store, decide the reply.

The Slack handlers call ``process_submission`` and post what it returns; nothing here talks to
Slack, so the whole use case is testable without it.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.errors import FetchError, IncidentBotError
from bot.extraction import Article, IncidentSummary, summarize_article
from bot.sources.local import article_from_text
from bot.sources.slack_text import parse_submission
from bot.sources.urls import canonicalize
from bot.usecases import incidents
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


def posted_at(origin: Origin) -> dt.datetime:
    """When the message was posted: its Slack timestamp (seconds since the epoch), else now."""
    try:
        return dt.datetime.fromtimestamp(float(origin.message_ts or ""), dt.UTC)
    except (ValueError, OverflowError, OSError):
        return dt.datetime.now(dt.UTC)


def _one(*, store: Store, article: Article, source: str, origin: Origin) -> Outcome:
    # "On Tuesday" in a pasted text with no publication date means the Tuesday before it was posted.
    article = article.model_copy(update={"posted": posted_at(origin).date()})
    summary = summarize_article(article)
    if not summary.is_incident:
        return Outcome(kind="no_incident", source=source, summary=summary)
    stored = incidents.summarize_and_store(
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


@dataclass(frozen=True)
class Job:
    """One thing to read and summarize from a message: the pasted article, or one link."""

    source: str  # the link, or "pasted text" (what the user is told about)
    text: str | None = None
    link: str | None = None


def plan_submission(text: str) -> tuple[list[Job], list[Outcome]]:
    """What a message asks for: the jobs to run, and the replies that need no job (nothing to read,
    links beyond the limit). Cheap and pure: runs where the message arrives."""
    sub = parse_submission(text)
    if sub.pasted_text is None and not sub.links:
        return [], [
            Outcome(
                kind="problem",
                source="your message",
                message="Paste an article or a link after mentioning me, and I'll summarize it.",
            )
        ]
    if sub.pasted_text is not None:
        jobs = [Job(source="pasted text", text=sub.pasted_text)]
    else:
        jobs = [Job(source=link, link=link) for link in sub.links[:MAX_LINKS_PER_MESSAGE]]
    notes: list[Outcome] = []
    skipped = len(sub.links) - MAX_LINKS_PER_MESSAGE
    if skipped > 0:
        notes.append(
            Outcome(
                kind="problem",
                source="your message",
                message=f"I read the first {MAX_LINKS_PER_MESSAGE} links; "
                f"{skipped} more were skipped. Send them in another message.",
            )
        )
    return jobs, notes


def run_job(job: Job, *, store: Store, origin: Origin, read_url: UrlReader) -> Outcome:
    """Read, summarize and store one job; a known problem becomes a reply that says what to do."""
    try:
        article = article_from_text(job.text) if job.text is not None else read_url(job.link or "")
        return _one(store=store, article=article, source=job.source, origin=origin)
    except IncidentBotError as exc:
        return Outcome(kind="problem", source=job.source, message=_problem_text(job.source, exc))


def process_submission(*, store: Store, text: str, origin: Origin, read_url: UrlReader) -> list[Outcome]:
    """Every link in ``text`` (or the pasted article) read, summarized and stored on this thread;
    one Outcome each (bot/runtime/worker_pool.py runs the same jobs in worker processes, under a budget)."""
    jobs, notes = plan_submission(text)
    return [run_job(job, store=store, origin=origin, read_url=read_url) for job in jobs] + notes


def over_budget(job: Job, why: str) -> Outcome:
    """The reply when a job was stopped for taking too long or too much memory."""
    return Outcome(
        kind="problem",
        source=job.source,
        message=f"I stopped reading {job.source}: {why}. If it is an unusually long or complex page, "
        "paste the article text in a message to me instead.",
    )


def error_id() -> str:
    """A short id that ties what the user is told to the traceback in the log."""
    return uuid.uuid4().hex[:8]
