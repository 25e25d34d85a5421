"""The incident repository: every query the product makes, always scoped to one team."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from bot.extraction.schema import IncidentSummary
from storage import dedupe
from storage.merge import SEVERITY_RANK, merge_summaries
from storage.models import (
    DigestRun,
    DigestSubscription,
    Incident,
    IncidentKey,
    Sighting,
    SlackEvent,
    Source,
    SourceAnchor,
)
from storage.records import IncidentRecord, NewReport, SourceRecord, StoreResult, SubscriptionRecord

# Candidates examined per report: the most recent incidents sharing a victim, CVE or text anchor.
# Anything beyond this is months old and outside the time window anyway.
MAX_CANDIDATES = 50
PG_SEARCH_CONFIG = "english"  # stemming, so "breached" finds "breach"; matches FTS5's porter tokenizer


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _report_time(published: dt.date | None, submitted_at: dt.datetime) -> dt.datetime:
    """When a report places the incident: its publication day, else when it was submitted."""
    return min(_day_start(published), submitted_at) if published else submitted_at


def _values(mentions: Iterable[Any]) -> list[str]:
    return [str(m.value) if isinstance(m.value, str) else m.text for m in mentions]


def search_text(summary: IncidentSummary, extra: Iterable[str | None] = ()) -> str:
    """Everything search should match: victims, attackers, CVEs, types, products, tools, prose."""
    parts: list[str] = [summary.title, summary.summary, *(t.value.replace("_", " ") for t in summary.incident_types)]
    for field in (summary.victims, summary.attackers, summary.cves, summary.tools, summary.affected_products):
        parts.extend(m.text for m in field)
        parts.extend(str(m.value) for m in field if isinstance(m.value, str))
    parts.extend(m.text for m in summary.locations)
    parts.extend(e for e in extra if e)
    return "\n".join(dict.fromkeys(p for p in parts if p))


def _fts5_query(query: str) -> str:
    """User words as FTS5 phrases ANDed together: "CVE-2024-1234" stays one phrase, no syntax leaks."""
    phrases = []
    for term in query.split():
        words = re.findall(r"\w+", term)
        if words:
            phrases.append('"' + " ".join(words) + '"')
    return " ".join(phrases)


def _team_lock_key(team_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(team_id.encode(), digest_size=8).digest(), "big", signed=True)


class IncidentRepository:
    """Incidents, sources, sightings and digest bookkeeping, on one session (one transaction)."""

    def __init__(self, session: Session, *, serialize_team_writes: bool = True) -> None:
        self.session = session
        self._serialize = serialize_team_writes

    @property
    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    # ---- storing -------------------------------------------------------------------------

    def add_report(self, report: NewReport) -> StoreResult:
        """Store one report: a sighting of a known source, a new source of a known incident, or new."""
        sub = report.submission
        team = sub.team_id
        if self._serialize and self._dialect == "postgresql":
            # One writer per team at a time, across replicas, so that two different articles about
            # one incident arriving together cannot both miss each other and create two incidents.
            # SQLite gets the same from BEGIN IMMEDIATE. Unique constraints remain the last word.
            self.session.execute(select(func.pg_advisory_xact_lock(_team_lock_key(team))))
        digest = dedupe.content_hash(report.text)
        known = self._known_source(team, report.canonical_url, digest)
        if known is not None:
            self._add_sighting(known, report)
            self.session.flush()
            how = "same link" if report.canonical_url and known.canonical_url == report.canonical_url else "same text"
            return StoreResult(
                incident=self._record(known.incident),
                source_id=known.id,
                already_known=True,
                attached=False,
                reason=how,
            )

        sketch = dedupe.Sketch.of(report.text)
        when = _report_time(report.published, sub.submitted_at)
        summary = report.summary
        new_facts = dedupe.facts(
            victims=[m.text for m in summary.victims],
            types=[t.value for t in summary.incident_types] or [summary.incident_type.value],
            cves=_values(summary.cves),
            when=when,
        )
        match, reason = self._find_same_incident(team, new_facts, sketch) if summary.is_incident else (None, "")
        source = Source(
            team_id=team,
            url=report.url,
            canonical_url=report.canonical_url,
            content_hash=digest,
            title=report.title or summary.source.title,
            site=report.site or summary.source.site,
            published=report.published,
            submitted_at=sub.submitted_at,
            submitter=sub.submitter,
            channel_id=sub.channel_id,
            message_ts=sub.message_ts,
            sketch=sketch.to_bytes(),
            schema_version=summary.schema_version,
            summary_json=summary.model_dump(mode="json"),
        )
        if match is None:
            incident = Incident(team_id=team, first_seen_at=when, last_seen_at=sub.submitted_at, source_count=0)
            self.session.add(incident)
            reason = "new incident"
        else:
            incident = match
        incident.sources.append(source)
        merged = self._rederive(incident, only=summary if match is None else None)  # flushes: ids from here on
        self.session.add_all(SourceAnchor(source_id=source.id, hash=h, team_id=team) for h in sketch.anchors)
        self._add_sighting(source, report)
        self.session.flush()
        return StoreResult(
            incident=self._record(incident, summary=merged),
            source_id=source.id,
            already_known=False,
            attached=match is not None,
            reason=reason,
        )

    def _known_source(self, team: str, canonical_url: str | None, digest: str) -> Source | None:
        cond = Source.content_hash == digest
        if canonical_url:
            cond = or_(cond, Source.canonical_url == canonical_url)
        stmt = select(Source).where(Source.team_id == team, cond).order_by(Source.id).limit(1)
        return self.session.scalars(stmt).first()

    def _add_sighting(self, source: Source, report: NewReport) -> None:
        sub = report.submission
        self.session.add(
            Sighting(
                team_id=sub.team_id,
                source=source,
                incident_id=source.incident_id,
                submitter=sub.submitter,
                channel_id=sub.channel_id,
                message_ts=sub.message_ts,
                is_private=sub.is_private,
                seen_at=sub.submitted_at,
            )
        )
        incident = source.incident
        incident.last_seen_at = max(incident.last_seen_at, sub.submitted_at)

    def _find_same_incident(self, team: str, new: dedupe.Facts, sketch: dedupe.Sketch) -> tuple[Incident | None, str]:
        keyed = select(IncidentKey.incident_id).where(
            IncidentKey.team_id == team,
            or_(
                (IncidentKey.kind == "victim") & IncidentKey.key.in_(sorted(new.victims)),
                (IncidentKey.kind == "cve") & IncidentKey.key.in_(sorted(new.cves)),
            ),
        )
        anchored = (
            select(Source.incident_id, Source.sketch)
            .join(SourceAnchor, SourceAnchor.source_id == Source.id)
            .where(SourceAnchor.team_id == team, SourceAnchor.hash.in_(sketch.anchors))
        )
        similarity: dict[int, float] = {}
        for incident_id, blob in self.session.execute(anchored.distinct()):
            sim = sketch.similarity(dedupe.Sketch.from_bytes(blob))
            similarity[incident_id] = max(similarity.get(incident_id, 0.0), sim)
        ids = set(self.session.scalars(keyed.distinct())) | set(similarity)
        if not ids:
            return None, ""
        stmt = (
            select(Incident)
            .where(Incident.team_id == team, Incident.id.in_(ids))
            .options(selectinload(Incident.keys), selectinload(Incident.sources))
            .order_by(Incident.last_seen_at.desc())
            .limit(MAX_CANDIDATES)
        )
        candidates = sorted(self.session.scalars(stmt), key=lambda i: -similarity.get(i.id, 0.0))
        for incident in candidates:
            decision = dedupe.same_incident(
                new, self._facts(incident), text_similarity=similarity.get(incident.id, 0.0)
            )
            if decision.same:
                return incident, decision.reason
        return None, ""

    @staticmethod
    def _facts(incident: Incident) -> dedupe.Facts:
        times = [_report_time(s.published, s.submitted_at) for s in incident.sources]
        types = incident.summary_json.get("incident_types") or [incident.incident_type]
        return dedupe.Facts(
            victims=frozenset(k.key for k in incident.keys if k.kind == "victim"),
            types=frozenset(types) - {"other"},
            cves=frozenset(k.key for k in incident.keys if k.kind == "cve"),
            start=min(times),
            end=max(times),
        )

    def _rederive(self, incident: Incident, *, only: IncidentSummary | None = None) -> IncidentSummary:
        """Recompute the incident's summary, columns, dedupe keys and search entry from its sources.

        ``only``: the summary of a new incident's single source (saves re-reading its JSON).
        """
        sources = list(incident.sources)
        if only is not None:
            merged = only
        else:
            merged = merge_summaries([IncidentSummary.model_validate(s.summary_json) for s in sources])
        is_new = incident.id is None
        incident.title = merged.title
        incident.summary = merged.summary
        incident.incident_type = merged.incident_type.value
        incident.severity = merged.severity.level.value
        incident.severity_rank = SEVERITY_RANK[merged.severity.level]
        incident.status = merged.status.value
        incident.is_incident = merged.is_incident
        incident.confidence = merged.confidence
        incident.primary_victim = merged.victims[0].text[:300] if merged.victims else None
        incident.first_seen_at = min(_report_time(s.published, s.submitted_at) for s in sources)
        incident.source_count = len(sources)
        incident.schema_version = merged.schema_version
        incident.summary_json = merged.model_dump(mode="json")
        incident.search_text = search_text(merged, [s.title for s in sources] + [s.site for s in sources])
        incident.updated_at = dt.datetime.now(dt.UTC)
        keys = {("victim", k) for k in (dedupe.normalize_name(m.text) for m in merged.victims) if k}
        keys |= {("cve", c.upper()) for c in _values(merged.cves)}
        current = {(k.kind, k.key): k for k in incident.keys}
        for stale in set(current) - keys:
            incident.keys.remove(current[stale])
        for kind, key in sorted(keys - set(current)):
            incident.keys.append(IncidentKey(team_id=incident.team_id, kind=kind, key=key[:300]))
        self.session.flush()
        if self._dialect == "sqlite":
            # FTS5 is a virtual table outside the ORM; keep its row in step with the incident.
            if not is_new:
                self.session.execute(text("DELETE FROM incident_search WHERE rowid = :id"), {"id": incident.id})
            self.session.execute(
                text("INSERT INTO incident_search (rowid, body) VALUES (:id, :body)"),
                {"id": incident.id, "body": incident.search_text},
            )
        return merged

    # ---- reading -------------------------------------------------------------------------

    def get(self, team_id: str, incident_id: int) -> IncidentRecord | None:
        stmt = (
            select(Incident)
            .where(Incident.team_id == team_id, Incident.id == incident_id)
            .options(selectinload(Incident.sources).selectinload(Source.sightings))
        )
        incident = self.session.scalars(stmt).first()
        return None if incident is None else self._record(incident, with_sources=True)

    def recent(
        self, team_id: str, *, limit: int = 20, offset: int = 0, incident_type: str | None = None
    ) -> list[IncidentRecord]:
        stmt = select(Incident).where(Incident.team_id == team_id)
        if incident_type:
            stmt = stmt.where(Incident.incident_type == incident_type)
        stmt = stmt.order_by(Incident.last_seen_at.desc(), Incident.id.desc()).limit(limit).offset(offset)
        return [self._record(i) for i in self.session.scalars(stmt)]

    def search(self, team_id: str, query: str, *, limit: int = 20) -> list[IncidentRecord]:
        """Incidents matching every word of ``query`` in victims, attackers, CVEs, types or text."""
        if self._dialect == "sqlite":
            match = _fts5_query(query)
            if not match:
                return []
            ids_sql = text(
                "SELECT incident_search.rowid FROM incident_search"
                " JOIN incidents ON incidents.id = incident_search.rowid"
                " WHERE incident_search MATCH :q AND incidents.team_id = :team ORDER BY rank LIMIT :limit"
            )
            ids = list(self.session.scalars(ids_sql, {"q": match, "team": team_id, "limit": limit}))
        else:
            vector = func.to_tsvector(PG_SEARCH_CONFIG, Incident.search_text)
            tsquery = func.websearch_to_tsquery(PG_SEARCH_CONFIG, query)
            stmt = (
                select(Incident.id)
                .where(Incident.team_id == team_id, vector.op("@@")(tsquery))
                .order_by(func.ts_rank(vector, tsquery).desc(), Incident.id.desc())
                .limit(limit)
            )
            ids = list(self.session.scalars(stmt))
        if not ids:
            return []
        found = {i.id: i for i in self.session.scalars(select(Incident).where(Incident.id.in_(ids)))}
        return [self._record(found[i]) for i in ids if i in found]

    def digest_incidents(
        self, team_id: str, *, channel_id: str, start: dt.datetime, end: dt.datetime, limit: int = 100
    ) -> list[IncidentRecord]:
        """Incidents sighted in [start, end) that ``channel_id`` may see, summarized from what it may see.

        A source is visible to a channel when it was ever posted in a public channel or in that
        channel itself; a source seen only in private conversations elsewhere is left out, and an
        incident whose visible sources differ from all its sources is re-summarized from them.
        """
        visible = or_(Sighting.is_private.is_(False), Sighting.channel_id == channel_id)
        in_period = (
            select(Sighting.incident_id)
            .where(Sighting.team_id == team_id, Sighting.seen_at >= start, Sighting.seen_at < end, visible)
            .distinct()
        )
        stmt = (
            select(Incident)
            .where(Incident.id.in_(in_period), Incident.is_incident.is_(True))
            .order_by(Incident.severity_rank.desc(), Incident.last_seen_at.desc())
            .limit(limit)
        )
        incidents = list(self.session.scalars(stmt))
        if not incidents:
            return []
        ids = [i.id for i in incidents]
        shown = set(
            self.session.scalars(
                select(Sighting.source_id).where(Sighting.team_id == team_id, Sighting.incident_id.in_(ids), visible)
            )
        )
        out: list[IncidentRecord] = []
        for incident in incidents:
            if incident.source_count == 1 or self._all_shown(incident, shown):
                out.append(self._record(incident))
                continue
            parts = [s for s in incident.sources if s.id in shown]
            merged = merge_summaries([IncidentSummary.model_validate(s.summary_json) for s in parts])
            base = self._record(incident)
            out.append(base.model_copy(update={"summary": merged, "source_count": len(parts)}))
        return out

    def _all_shown(self, incident: Incident, shown: set[int]) -> bool:
        ids = self.session.scalars(select(Source.id).where(Source.incident_id == incident.id))
        return all(i in shown for i in ids)

    def count(self, team_id: str) -> int:
        return self.session.scalar(select(func.count()).select_from(Incident).where(Incident.team_id == team_id)) or 0

    # ---- digests -------------------------------------------------------------------------

    def subscribe(
        self,
        *,
        team_id: str,
        channel_id: str,
        local_time: dt.time,
        timezone: str,
        cadence: str,
        created_by: str,
        weekday: int | None = None,
        filters: dict[str, Any] | None = None,
    ) -> SubscriptionRecord:
        """Create or replace the channel's digest subscription."""
        stmt = select(DigestSubscription).where(
            DigestSubscription.team_id == team_id, DigestSubscription.channel_id == channel_id
        )
        sub = self.session.scalars(stmt).first()
        if sub is None:
            sub = DigestSubscription(team_id=team_id, channel_id=channel_id, created_by=created_by)
            self.session.add(sub)
        sub.local_time, sub.timezone, sub.cadence = local_time, timezone, cadence
        sub.weekday, sub.filters, sub.active = weekday, dict(filters or {}), True
        self.session.flush()
        return SubscriptionRecord(
            id=sub.id,
            team_id=sub.team_id,
            channel_id=sub.channel_id,
            local_time=sub.local_time,
            timezone=sub.timezone,
            cadence=sub.cadence,
            weekday=sub.weekday,
            filters=sub.filters,
            active=sub.active,
        )

    def claim_digest_run(
        self, subscription_id: int, *, period_start: dt.datetime, period_end: dt.datetime
    ) -> int | None:
        """Claim a period for posting: the run id, or None when another worker already claimed it."""
        run = DigestRun(subscription_id=subscription_id, period_start=period_start, period_end=period_end)
        try:
            with self.session.begin_nested():  # a savepoint, so a lost race leaves the session usable
                self.session.add(run)
                self.session.flush()
        except IntegrityError:
            return None
        return run.id

    def mark_digest_posted(self, run_id: int, *, message_ts: str, incident_count: int) -> None:
        run = self.session.get_one(DigestRun, run_id)
        run.status, run.message_ts, run.incident_count = "posted", message_ts, incident_count
        run.posted_at = dt.datetime.now(dt.UTC)

    def release_digest_run(self, run_id: int) -> None:
        """Give a claimed period back (posting failed) so that it can be claimed again."""
        self.session.execute(delete(DigestRun).where(DigestRun.id == run_id, DigestRun.status == "claimed"))

    # ---- Slack events --------------------------------------------------------------------

    def claim_event(self, team_id: str, event_id: str, *, received_at: dt.datetime) -> bool:
        """Record a Slack event as handled: True for the first claim, False when it was claimed before.

        ``INSERT ... ON CONFLICT DO NOTHING`` on the unique (team_id, event_id): the conflict is
        decided by the database, so two processes claiming at once get one True between them
        (PostgreSQL makes the second insert wait for the first transaction, then skip; SQLite's
        writers are serialized by BEGIN IMMEDIATE). No exception, so the transaction stays usable.
        """
        dialect_insert = postgresql.insert if self._dialect == "postgresql" else sqlite.insert
        stmt = (
            dialect_insert(SlackEvent)
            .values(team_id=team_id, event_id=event_id, received_at=received_at)
            .on_conflict_do_nothing(index_elements=["team_id", "event_id"])
            # RETURNING rather than rowcount: an ORM insert on psycopg reports rowcount -1.
            .returning(SlackEvent.id)
        )
        return self.session.execute(stmt).scalar_one_or_none() is not None

    def prune_events(self, *, older_than: dt.datetime) -> int:
        """Forget events received before ``older_than`` (all teams); the number of rows deleted."""
        stmt = delete(SlackEvent).where(SlackEvent.received_at < older_than)
        return cast(CursorResult[Any], self.session.execute(stmt)).rowcount

    # ---- records -------------------------------------------------------------------------

    @staticmethod
    def _record(
        incident: Incident, *, with_sources: bool = False, summary: IncidentSummary | None = None
    ) -> IncidentRecord:
        sources: Sequence[SourceRecord] = ()
        if with_sources:
            sources = tuple(
                SourceRecord(
                    id=s.id,
                    url=s.url,
                    canonical_url=s.canonical_url,
                    title=s.title,
                    site=s.site,
                    published=s.published,
                    submitted_at=s.submitted_at,
                    submitter=s.submitter,
                    channel_id=s.channel_id,
                    message_ts=s.message_ts,
                    sightings=len(s.sightings),
                )
                for s in incident.sources
            )
        return IncidentRecord(
            id=incident.id,
            team_id=incident.team_id,
            summary=summary if summary is not None else IncidentSummary.model_validate(incident.summary_json),
            source_count=incident.source_count,
            first_seen_at=incident.first_seen_at,
            last_seen_at=incident.last_seen_at,
            sources=tuple(sources),
        )
