"""SQLAlchemy 2.0 models: incidents, the sources that reported them, sightings, digests.

Every row carries ``team_id`` (the Slack workspace) and every query filters on it: nothing reads
across teams. The full IncidentSummary JSON is stored next to the queryable columns, with its
``schema_version``, so a reader never has to rebuild it from columns.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import DateTime, TypeDecorator

# Deterministic constraint names so that migrations can refer to them on both databases.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSONB on PostgreSQL (compact, indexable later); plain JSON text on SQLite.
Json = JSON().with_variant(JSONB(), "postgresql")

TEAM = String(32)  # Slack team ids are ~11 characters; "local" for the command line
CHANNEL = String(32)
TS = String(32)  # Slack message timestamps: "1712345678.123456"
# Row ids of the tables that grow with use: 64 bits on PostgreSQL (a 32-bit serial runs out at 2.1
# billion rows, and a 20-digit id typed by a user must be "no such incident", not a driver error).
# SQLite's INTEGER PRIMARY KEY is already a 64-bit rowid, and must stay spelled INTEGER to be one.
ID = BigInteger().with_variant(Integer(), "sqlite")
# The largest id either database can hold: anything above it cannot name a row.
MAX_ID = 2**63 - 1


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on both databases (SQLite would hand back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC datetime")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Incident(Base):
    """One security event, with the summary re-derived from all of its sources."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    incident_type: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    # 0 unknown .. 4 critical: lets digests filter and sort by severity with an index.
    severity_rank: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(16))
    is_incident: Mapped[bool] = mapped_column(Boolean)
    confidence: Mapped[float] = mapped_column(Float)
    primary_victim: Mapped[str | None] = mapped_column(String(300))
    # Earliest date any source gives for the event or its publication, and the sighting times.
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    source_count: Mapped[int] = mapped_column(Integer, default=1)
    schema_version: Mapped[int] = mapped_column(SmallInteger)
    summary_json: Mapped[dict[str, Any]] = mapped_column(Json)
    # True once any sighting of the incident was private: only then can what one conversation may
    # see of it differ from what another may (storage/privacy.py reads the columns as they are
    # otherwise, and re-derives the incident from its visible sources when this is set).
    has_private: Mapped[bool] = mapped_column(Boolean, default=False)
    # True when its sightings were made in more than one of: public channels, one private
    # conversation, another private conversation. Only such an incident can be visible to an
    # audience in part (and must then be re-derived from the sources it may see); they are few.
    mixed_visibility: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_utcnow)
    # What people corrected on the card (field → value, bot/domain/corrections.py): applied on top
    # of every re-merge of the sources, so a later article never undoes a correction.
    overrides_json: Mapped[dict[str, Any] | None] = mapped_column(Json)

    sources: Mapped[list[Source]] = relationship(
        back_populates="incident", order_by="Source.id", cascade="all, delete-orphan"
    )
    keys: Mapped[list[IncidentKey]] = relationship(cascade="all, delete-orphan")

    __table_args__ = (
        # incidents list / digests: newest first within a team.
        Index(None, "team_id", "last_seen_at"),
        Index(None, "team_id", "incident_type", "last_seen_at"),
        Index(None, "team_id", "mixed_visibility"),
    )


class IncidentKey(Base):
    """Normalized victim names and CVE ids of an incident: the indexed lookup for de-duplication."""

    __tablename__ = "incident_keys"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    incident_id: Mapped[int] = mapped_column(ID, ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # "victim" | "cve"
    key: Mapped[str] = mapped_column(String(300))

    __table_args__ = (
        UniqueConstraint("incident_id", "kind", "key"),
        Index(None, "team_id", "kind", "key"),
    )


class Source(Base):
    """One article or pasted text that reported an incident, with its own summary."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    incident_id: Mapped[int] = mapped_column(ID, ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    canonical_url: Mapped[str | None] = mapped_column(String(2048))
    # sha256 of the normalized text (see bot.domain.same_incident.content_hash).
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    site: Mapped[str | None] = mapped_column(String(255))
    published: Mapped[dt.date | None] = mapped_column(Date)
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # The first submission; later ones are Sightings (the first one is a Sighting too).
    submitter: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str | None] = mapped_column(CHANNEL)
    message_ts: Mapped[str | None] = mapped_column(TS)
    # Bottom-k MinHash sketch of the text's word shingles (bot.domain.same_incident.Sketch.to_bytes).
    sketch: Mapped[bytes] = mapped_column(LargeBinary)
    schema_version: Mapped[int] = mapped_column(SmallInteger)
    summary_json: Mapped[dict[str, Any]] = mapped_column(Json)
    # This source's own victims, attackers, CVEs, types, products, tools, places, title, summary,
    # headline and site as one string: what search matches. Per source, not per incident, so that a
    # conversation's search only ever matches text it may see (storage/privacy.py).
    search_text: Mapped[str] = mapped_column(Text)

    incident: Mapped[Incident] = relationship(back_populates="sources")
    sightings: Mapped[list[Sighting]] = relationship(
        back_populates="source", order_by="Sighting.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        # The de-duplication guarantee: one source per canonical URL and per text within a team.
        # NULL canonical URLs (pasted text) do not collide on either database.
        UniqueConstraint("team_id", "canonical_url"),
        UniqueConstraint("team_id", "content_hash"),
    )


class SourceAnchor(Base):
    """The few smallest shingle hashes of a source: near-duplicate candidates share at least one."""

    __tablename__ = "source_anchors"

    source_id: Mapped[int] = mapped_column(
        ID, ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    hash: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    team_id: Mapped[str] = mapped_column(TEAM)

    __table_args__ = (Index(None, "team_id", "hash"),)


class Sighting(Base):
    """One submission of a source: who, where (conversation and its privacy) and when."""

    __tablename__ = "sightings"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    source_id: Mapped[int] = mapped_column(ID, ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    incident_id: Mapped[int] = mapped_column(ID, ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    submitter: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str | None] = mapped_column(CHANNEL)
    message_ts: Mapped[str | None] = mapped_column(TS)
    # True for private channels, DMs and group DMs: only that conversation may see the source.
    is_private: Mapped[bool] = mapped_column(Boolean)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    source: Mapped[Source] = relationship(back_populates="sightings")

    __table_args__ = (
        # The digest query: a team's sightings in a period, public or in the digest's channel.
        Index(None, "team_id", "seen_at"),
        # The privacy policy's lookups: a team's private sightings outside (or in) one conversation,
        # and the public sightings of a channel that became private.
        Index(None, "team_id", "is_private", "channel_id"),
    )


class DigestSubscription(Base):
    """A channel's standing order for a digest at a local time in an IANA timezone."""

    __tablename__ = "digest_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    channel_id: Mapped[str] = mapped_column(CHANNEL)
    local_time: Mapped[dt.time] = mapped_column(Time)
    timezone: Mapped[str] = mapped_column(String(64))
    cadence: Mapped[str] = mapped_column(String(16))  # "daily" | "weekly"
    weekday: Mapped[int | None] = mapped_column(SmallInteger)  # 0 = Monday, weekly only
    filters: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (UniqueConstraint("team_id", "channel_id"),)


class DigestRun(Base):
    """One digest period of a subscription. The unique row is the claim: one replica posts it."""

    __tablename__ = "digest_runs"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("digest_subscriptions.id", ondelete="CASCADE"))
    period_start: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    period_end: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="claimed")  # claimed | posted | failed
    claimed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_utcnow)
    posted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    message_ts: Mapped[str | None] = mapped_column(TS)
    incident_count: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("subscription_id", "period_start"),)


class SlackEvent(Base):
    """A Slack event already handled: the unique row is the claim, so a retry is never answered twice.

    Slack re-sends an event it believes was not received (same ``event_id``, ``X-Slack-Retry-Num``);
    the row outlives restarts and is shared by replicas. Pruned by ``received_at`` once Slack's
    retries are long over (it retries for minutes, not days).
    """

    __tablename__ = "slack_events"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    event_id: Mapped[str] = mapped_column(String(64))  # "Ev0123ABCD": ~11 characters today
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("team_id", "event_id"),
        Index(None, "received_at"),
    )


class Job(Base):
    """A piece of work a Slack request started (a mention, ``/incident summary``), recorded before
    Slack gets its ack and run by whichever live worker holds its lease (storage/jobs.py).

    ``key`` is the Slack id the work answers (an event id, or a command's trigger key): unique per
    team, so a retried delivery finds the job instead of starting a second one. ``payload`` is what
    the work needs (the text, the conversation, a response URL); ``state`` is queued, running or
    done; ``holder``/``lease_until`` say which process runs it and until when, unless renewed;
    ``not_before`` delays a job that Slack asked to wait (Retry-After)."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    state: Mapped[str] = mapped_column(String(16), default="queued")  # queued | running | done
    holder: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    not_before: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(32))  # done: "replied", "gave_up", …

    __table_args__ = (
        UniqueConstraint("team_id", "key"),
        # The claim query: runnable jobs in order.
        Index(None, "state", "not_before"),
    )


class JobReply(Base):
    """The outbox of a job: each message it will post, written before the first is posted.

    A job taken over after a crash posts only the replies without a ``sent_at``; so a reply is
    posted once unless the process died between Slack accepting it and this row recording it."""

    __tablename__ = "job_replies"

    job_id: Mapped[int] = mapped_column(ID, ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    route: Mapped[str] = mapped_column(String(16))  # thread | channel | ephemeral
    channel_id: Mapped[str] = mapped_column(CHANNEL)
    thread_ts: Mapped[str | None] = mapped_column(TS)
    user_id: Mapped[str | None] = mapped_column(String(64))
    blocks: Mapped[list[Any]] = mapped_column(Json)
    text: Mapped[str] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(ID)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    message_ts: Mapped[str | None] = mapped_column(TS)
    failure: Mapped[str | None] = mapped_column(String(64))  # Slack's final error, when it refused


class Correction(Base):
    """One field of a card a person corrected: who, when, and what it said before and after."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    incident_id: Mapped[int] = mapped_column(ID, ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(32))
    before: Mapped[Any] = mapped_column(Json)
    after: Mapped[Any] = mapped_column(Json)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index(None, "team_id", "created_at"),)


class Feedback(Base):
    """A person's verdict on a card ("accurate" or "wrong"): one per person and incident, the
    latest click wins."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    incident_id: Mapped[int] = mapped_column(ID, ForeignKey("incidents.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("team_id", "incident_id", "user_id"),)


class TeamSetting(Base):
    """What a workspace chose from Slack: link previews of incident news (``/incident unfurl``)."""

    __tablename__ = "team_settings"

    team_id: Mapped[str] = mapped_column(TEAM, primary_key=True)
    unfurl_links: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class Feed(Base):
    """A news feed a channel follows (storage/feeds.py): polled every ``interval_minutes``.

    ``next_poll_at`` is also the poll's claim: a replica polls the feed only if its UPDATE moved
    ``next_poll_at`` on from a due value, which one replica wins per interval. ``etag`` and
    ``last_modified`` are the feed's last validators (conditional GET). ``failures`` counts polls
    that failed in a row: each backs the next poll off further, and past a limit the feed is
    ``paused`` with ``last_error`` saying why."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    channel_id: Mapped[str] = mapped_column(CHANNEL)
    # The channel's kind when it was last looked at: what the feed's incidents are sighted as.
    conversation_type: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str | None] = mapped_column(String(300))
    types: Mapped[list[str]] = mapped_column(Json, default=list)  # incident types kept; empty: all
    alert_severity: Mapped[str | None] = mapped_column(String(16))  # alert on every incident at or above
    interval_minutes: Mapped[int] = mapped_column(Integer)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    next_poll_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_polled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_ok_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    failures: Mapped[int] = mapped_column(Integer, default=0)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_utcnow)

    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "url"),
        # The poll query: feeds due, in order.
        Index(None, "paused", "next_poll_at"),
    )


class FeedItem(Base):
    """An entry of a feed, remembered once seen (so it is read once, whatever its outcome)."""

    __tablename__ = "feed_entries"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    team_id: Mapped[str] = mapped_column(TEAM)
    key: Mapped[str] = mapped_column(String(64))  # bot/sources/feeds.py: a hash of guid, link or title
    link: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str | None] = mapped_column(String(500))
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # queued, then: incident, not_incident, filtered, unreadable
    outcome: Mapped[str] = mapped_column(String(32), default="queued")
    incident_id: Mapped[int | None] = mapped_column(ID)

    __table_args__ = (UniqueConstraint("feed_id", "key"),)


class WatchTerm(Base):
    """A name a channel watches for: an organisation, vendor, product, CVE id or threat actor."""

    __tablename__ = "watch_terms"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    channel_id: Mapped[str] = mapped_column(CHANNEL)
    term: Mapped[str] = mapped_column(String(200))  # as the person wrote it
    norm: Mapped[str] = mapped_column(String(200))  # bot/domain/watchlist.py: how it is compared
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_utcnow)

    __table_args__ = (UniqueConstraint("team_id", "channel_id", "norm"),)


class Alert(Base):
    """An alert card owed to a channel about an incident. The unique row is the claim: one alert
    per (channel, incident); it is owed again only when the incident's severity rose past the
    rank it was alerted at (storage/alerts.py)."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    channel_id: Mapped[str] = mapped_column(CHANNEL)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    severity_rank: Mapped[int] = mapped_column(SmallInteger)
    reason: Mapped[str] = mapped_column(String(300))
    # pending -> claimed -> posted; "dropped" when the channel may not see the incident any more
    status: Mapped[str] = mapped_column(String(16), default="pending")
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=_utcnow)
    posted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    message_ts: Mapped[str | None] = mapped_column(TS)
    posts: Mapped[int] = mapped_column(Integer, default=0)  # how many alert cards were posted (re-alerts)

    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "incident_id"),
        Index(None, "status"),
    )
