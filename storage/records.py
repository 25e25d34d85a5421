"""What the storage layer hands out: plain frozen models, never ORM objects (handlers stay SQL-free)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from bot.extraction.schema import IncidentSummary

# Conversation kinds as Slack names them, plus "cli" for the local command line.
ConversationType = Literal["public_channel", "private_channel", "im", "mpim", "cli"]
PRIVATE_CONVERSATIONS = frozenset({"private_channel", "im", "mpim"})


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Audience(_Record):
    """Who will see what a read returns; storage/privacy.py decides what that may be.

    - ``operator``: whoever runs the command line on the database itself; sees everything.
    - ``team``: anyone in the workspace (the App Home): what public channels saw.
    - ``conversation``: the members of one channel or DM: what public channels and it saw.
    """

    kind: Literal["operator", "team", "conversation"]
    channel_id: str | None = None

    @classmethod
    def operator(cls) -> Audience:
        return cls(kind="operator")

    @classmethod
    def team(cls) -> Audience:
        return cls(kind="team")

    @classmethod
    def conversation(cls, channel_id: str) -> Audience:
        if not channel_id:
            raise ValueError("a conversation audience needs its channel id")
        return cls(kind="conversation", channel_id=channel_id)


class Submission(_Record):
    """Who submitted a report, where and when."""

    team_id: str
    submitter: str
    channel_id: str | None = None
    conversation_type: ConversationType = "cli"
    message_ts: str | None = None
    submitted_at: dt.datetime

    @property
    def is_private(self) -> bool:
        return self.conversation_type in PRIVATE_CONVERSATIONS


class NewReport(_Record):
    """One article (or pasted text) and its summary, ready to be stored."""

    text: str
    summary: IncidentSummary
    url: str | None = None
    canonical_url: str | None = None
    title: str | None = None
    site: str | None = None
    published: dt.date | None = None
    submission: Submission


class SourceRecord(_Record):
    id: int
    url: str | None
    canonical_url: str | None
    title: str | None
    site: str | None
    published: dt.date | None
    submitted_at: dt.datetime
    submitter: str
    channel_id: str | None
    message_ts: str | None
    sightings: int


class IncidentRecord(_Record):
    id: int
    team_id: str
    summary: IncidentSummary
    source_count: int
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    sources: tuple[SourceRecord, ...] = ()


class StoreResult(_Record):
    """The stored incident, and whether the report was already known (same URL or same text)."""

    incident: IncidentRecord
    source_id: int
    sighting_id: int  # this submission's own sighting
    already_known: bool
    attached: bool  # a new source added to an incident that existed before
    reason: str


class SubscriptionRecord(_Record):
    id: int
    team_id: str
    channel_id: str
    local_time: dt.time
    timezone: str
    cadence: str
    weekday: int | None
    filters: dict[str, object]
    active: bool


class JobRecord(_Record):
    """A submission job as its runner sees it (storage/jobs.py)."""

    id: int
    team_id: str
    kind: str
    key: str
    payload: dict[str, Any]
    attempts: int
    # This claim's token (storage/jobs.py): every write made for the claim names it, so a claim
    # that lapsed and was taken over — even by another thread of the same process — cannot act.
    holder: str


class OutboxReply(_Record):
    """One message a job will post, as written to its outbox before anything is posted.

    ``route``: ``thread`` (a reply in the thread of ``thread_ts``), ``channel`` (a message in the
    channel; through the command's response URL where the bot is not a member), ``ephemeral``
    (only ``user_id`` sees it, through the response URL)."""

    route: Literal["thread", "channel", "ephemeral"]
    channel_id: str
    blocks: list[dict[str, Any]]
    text: str
    thread_ts: str | None = None
    user_id: str | None = None
    source_id: int | None = None


class SentReply(_Record):
    """A reply of a job's outbox with what became of it."""

    seq: int
    reply: OutboxReply
    sent: bool
    message_ts: str | None = None


class CorrectionRecord(_Record):
    """One corrected field of a card, with the articles of its incident (storage/corrections.py)."""

    id: int
    team_id: str
    incident_id: int
    field: str
    before: Any
    after: Any
    corrected_by: str
    corrected_at: dt.datetime
    articles: list[dict[str, Any]]
    # List fields: the names the articles gave, in their sentences, labelled "right" (kept) or
    # "wrong" (removed) by the person; and the names they added, which the extraction missed.
    examples: list[dict[str, str]] = []
    missed: list[str] = []


class FeedbackStats(_Record):
    """How a team judged its cards: people's verdicts and corrections."""

    cards: int  # incidents stored
    rated: int  # incidents with at least one verdict
    accurate: int  # … all of whose verdicts say "accurate"
    wrong: int  # … with at least one "something's wrong"
    corrected: int  # incidents with at least one correction
    corrections_per_field: dict[str, int]  # field -> cards on which it was corrected


class TeamSettingsRecord(_Record):
    """A workspace's settings (storage/team_settings.py); the defaults when it never set one."""

    team_id: str
    unfurl_links: bool
    updated_by: str | None = None
    updated_at: dt.datetime | None = None


class FeedRecord(_Record):
    """A feed a channel follows, with its polling state (storage/feeds.py)."""

    id: int
    team_id: str
    channel_id: str
    conversation_type: ConversationType
    url: str
    title: str | None
    types: tuple[str, ...]
    alert_severity: str | None
    interval_minutes: int
    etag: str | None
    last_modified: str | None
    next_poll_at: dt.datetime
    last_polled_at: dt.datetime | None
    last_ok_at: dt.datetime | None
    failures: int
    paused: bool
    last_error: str | None
    # Counted by ``storage.feeds.listed`` only (0 elsewhere): entries remembered, and how many of
    # them became (or joined) incidents.
    entries: int = 0
    incidents: int = 0


class WatchTermRecord(_Record):
    id: int
    team_id: str
    channel_id: str
    term: str


class AlertRecord(_Record):
    """An alert owed to a channel (storage/alerts.py), as its poster claimed it."""

    id: int
    team_id: str
    channel_id: str
    incident_id: int
    severity_rank: int
    reason: str
    posts: int
