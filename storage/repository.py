"""The incident repository: every query the product makes, always scoped to one team."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    BigInteger,
    Connection,
    CursorResult,
    Integer,
    String,
    Text,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.domain import corrections
from bot.domain import same_incident as dedupe
from bot.domain.merge import SEVERITY_RANK, merge_summaries
from bot.extraction.schema import IncidentSummary
from storage.models import (
    Incident,
    IncidentKey,
    Sighting,
    Source,
    SourceAnchor,
    UTCDateTime,
)
from storage.records import IncidentRecord, NewReport, StoreResult, Submission

# Candidates examined per report: the most recent incidents sharing a victim, CVE or text anchor.
# Anything beyond this is months old and outside the time window anyway.
MAX_CANDIDATES = 50
# An anchor hash held by this many of a team's sources is boilerplate: it is not stored again.
HOT_ANCHOR = 50


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def report_time(published: dt.date | None, submitted_at: dt.datetime) -> dt.datetime:
    """When a report places the incident: its publication day, else when it was submitted."""
    return min(_day_start(published), submitted_at) if published else submitted_at


def _values(mentions: Iterable[Any]) -> list[str]:
    return [str(m.value) if isinstance(m.value, str) else m.text for m in mentions]


def search_text(summary: IncidentSummary, extra: Iterable[str | None] = ()) -> str:
    """Everything search should match in one source: victims, attackers, CVEs, types, products,
    tools, places, title and summary, plus ``extra`` (its headline and site). Migration 0004 holds a
    copy of this rule for the rows it backfills: change both together."""
    parts: list[str] = [summary.title, summary.summary, *(t.value.replace("_", " ") for t in summary.incident_types)]
    for field in (summary.victims, summary.attackers, summary.cves, summary.tools, summary.affected_products):
        parts.extend(m.text for m in field)
        parts.extend(str(m.value) for m in field if isinstance(m.value, str))
    parts.extend(m.text for m in summary.locations)
    parts.extend(e for e in extra if e)
    return "\n".join(dict.fromkeys(p for p in parts if p))


def _team_lock_key(team_id: str) -> int:
    """32 bits of the team id: the second half of the (schema, team) advisory lock key."""
    return int.from_bytes(hashlib.blake2b(team_id.encode(), digest_size=4).digest(), "big", signed=True)


class _SourceTimes(NamedTuple):
    """What an incident's columns need from each of its sources."""

    published: dt.date | None
    submitted_at: dt.datetime
    title: str | None
    site: str | None


@dataclass(frozen=True)
class _Match:
    """The stored incident a new report belongs to, and what the update needs to know of it."""

    id: int
    last_seen_at: dt.datetime
    keys: set[tuple[str, str]]
    reason: str
    overrides: dict[str, Any] | None = None  # people's corrections, kept over every re-merge


def _incident_values(merged: IncidentSummary, sources: Sequence[_SourceTimes]) -> dict[str, Any]:
    """The incident's columns re-derived from its merged summary and its sources."""
    return {
        "title": merged.title,
        "summary": merged.summary,
        "incident_type": merged.incident_type.value,
        "severity": merged.severity.level.value,
        "severity_rank": SEVERITY_RANK[merged.severity.level],
        "status": merged.status.value,
        "is_incident": merged.is_incident,
        "confidence": merged.confidence,
        "primary_victim": merged.victims[0].text[:300] if merged.victims else None,
        "first_seen_at": min(report_time(s.published, s.submitted_at) for s in sources),
        "source_count": len(sources),
        "schema_version": merged.schema_version,
        "summary_json": merged.model_dump(mode="json"),
    }


def _keys(merged: IncidentSummary) -> set[tuple[str, str]]:
    """Normalized victim names and CVE ids, cut to the column's width (so they compare with stored ones)."""
    keys = {("victim", k[:300]) for k in (dedupe.normalize_name(m.text) for m in merged.victims) if k}
    return keys | {("cve", c.upper()[:300]) for c in _values(merged.cves)}


def _sighting(report: NewReport, *, source_id: int, incident_id: int) -> dict[str, Any]:
    sub = report.submission
    return {
        "team_id": sub.team_id,
        "source_id": source_id,
        "incident_id": incident_id,
        "submitter": sub.submitter,
        "channel_id": sub.channel_id,
        "message_ts": sub.message_ts,
        "is_private": sub.is_private,
        "seen_at": sub.submitted_at,
    }


# What an IncidentRecord is made of, for reads that need no ORM objects. The summary comes as JSON
# text and is parsed by pydantic's own (Rust) JSON parser: half the cost of json.loads + validate.
RECORD_COLUMNS = (
    Incident.id,
    Incident.team_id,
    sql_cast(Incident.summary_json, Text).label("summary_raw"),
    Incident.source_count,
    Incident.first_seen_at,
    Incident.last_seen_at,
)


def record_from_row(row: Any) -> IncidentRecord:
    """The record of a row that holds RECORD_COLUMNS (and possibly more)."""
    return IncidentRecord(
        id=row.id,
        team_id=row.team_id,
        summary=IncidentSummary.model_validate_json(row.summary_raw),
        source_count=row.source_count,
        first_seen_at=row.first_seen_at,
        last_seen_at=row.last_seen_at,
    )


# ---- the write path's statements, built once ------------------------------------------------
# Building a statement and its cache key on every call cost more than executing it on SQLite;
# module-level statements with bind parameters are compiled once per engine and reused (their
# cache key is memoized on the object). Parameter names starting with "b_" never clash with columns.
# Advisory locks are per database, not per schema: keyed by the team alone, two stores in one
# database (schemas of tests, benchmarks, staging) serialized each other's writes of the same team
# id — a benchmark waited on another one's batch transactions. So the key is (schema, team).
_TEAM_LOCK = select(func.pg_advisory_xact_lock(func.hashtext(func.current_schema()), bindparam("b_key", type_=Integer)))
_KNOWN_COLUMNS = select(Source.id, Source.incident_id, Source.canonical_url)
_KNOWN_BY_TEXT = (
    _KNOWN_COLUMNS.where(Source.team_id == bindparam("b_team"), Source.content_hash == bindparam("b_digest"))
    .order_by(Source.id)
    .limit(1)
)
_KNOWN_BY_TEXT_OR_URL = (
    _KNOWN_COLUMNS.where(
        Source.team_id == bindparam("b_team"),
        or_(Source.content_hash == bindparam("b_digest"), Source.canonical_url == bindparam("b_url")),
    )
    .order_by(Source.id)
    .limit(1)
)
# The candidate lookup in one round trip: the sources holding one of the new text's anchor hashes,
# and the incidents sharing a victim name or CVE id (the sketches of the nearest sources follow in
# a second query, _SKETCHES).
# Victims and CVEs are two branches, not one OR: with the OR, SQLite used only the team_id prefix of
# the (team_id, kind, key) index and scanned every key of the team on every submission.
#
# A shingle common to many texts (boilerplate such as "reported a security incident", a
# press-release footer) can be among a text's smallest hashes. At 60k stored reports one such anchor
# matched 1,400 sources, and fetching and comparing all their sketches made each submission ~10x
# slower, growing with the store. So an anchor already held by HOT_ANCHOR sources is not stored
# again (it says nothing about near-duplication): each lookup then reads at most 8 x HOT_ANCHOR
# rows. Of the sources hit, those sharing the most anchors come first, at most MAX_CANDIDATES: a
# near-duplicate (Jaccard >= 0.5) shares about half of the 8 anchors, boilerplate one.
_NO_REF = sql_cast(null(), BigInteger)  # typed NULLs: PostgreSQL will not unite them with untyped text
_LOOKUP = union_all(
    select(literal("anchor", String).label("kind"), SourceAnchor.hash, SourceAnchor.source_id.label("ref")).where(
        SourceAnchor.team_id == bindparam("b_team"), SourceAnchor.hash.in_(bindparam("b_anchors", expanding=True))
    ),
    select(literal("key", String), _NO_REF, IncidentKey.incident_id).where(
        IncidentKey.team_id == bindparam("b_team"),
        IncidentKey.kind == "victim",
        IncidentKey.key.in_(bindparam("b_victims", expanding=True)),
    ),
    select(literal("key", String), _NO_REF, IncidentKey.incident_id).where(
        IncidentKey.team_id == bindparam("b_team"),
        IncidentKey.kind == "cve",
        IncidentKey.key.in_(bindparam("b_cves", expanding=True)),
    ),
)
_SKETCHES = select(Source.incident_id, Source.sketch).where(Source.id.in_(bindparam("b_ids", expanding=True)))
# By primary key only. The ids come from team-scoped lookups, and the team is checked again on the
# rows in Python: with ``team_id = ?`` in this WHERE clause (even around a derived table) SQLite
# chose to walk the team's (team_id, last_seen_at) index through every incident and probe the id
# list, 12 ms per submission at 100k incidents against 0.05 ms.
_CANDIDATES = (
    select(
        Incident.id,
        Incident.team_id,
        Incident.incident_type,
        Incident.summary_json,
        Incident.last_seen_at,
        Incident.overrides_json,
    )
    .where(Incident.id.in_(bindparam("b_ids", expanding=True)))
    .order_by(Incident.last_seen_at.desc())
    .limit(MAX_CANDIDATES)
)
_CANDIDATE_KEYS = select(IncidentKey.incident_id, IncidentKey.kind, IncidentKey.key).where(
    IncidentKey.incident_id.in_(bindparam("b_ids", expanding=True))
)
_CANDIDATE_TIMES = select(Source.incident_id, Source.published, Source.submitted_at).where(
    Source.incident_id.in_(bindparam("b_ids", expanding=True))
)
_SOURCES_OF = (
    select(Source.published, Source.submitted_at, Source.title, Source.site, Source.summary_json)
    .where(Source.incident_id == bindparam("b_id"))
    .order_by(Source.id)
)
_INSERT_INCIDENT = insert(Incident).returning(Incident.id)
_UPDATE_INCIDENT = update(Incident).where(Incident.id == bindparam("b_id"))
_TOUCH_INCIDENT = (
    update(Incident)
    .where(Incident.id == bindparam("b_id"), Incident.last_seen_at < bindparam("b_seen", type_=UTCDateTime()))
    .values(last_seen_at=bindparam("b_seen", type_=UTCDateTime()))
)
_SET_SUMMARY = update(Incident).where(Incident.id == bindparam("b_id"))
_INCIDENT_RECORD = select(*RECORD_COLUMNS).where(Incident.id == bindparam("b_id"))
_INSERT_SOURCE = insert(Source).returning(Source.id)
_OTHER_SOURCE = Source.__table__.alias("other")  # not correlated with the row being updated
_LINK_SOURCE = (
    update(Source)
    .where(
        Source.id == bindparam("b_id"),
        Source.canonical_url.is_(None),
        ~exists().where(
            _OTHER_SOURCE.c.team_id == bindparam("b_team"), _OTHER_SOURCE.c.canonical_url == bindparam("b_url")
        ),
    )
    .values(canonical_url=bindparam("b_url"), url=bindparam("url"))
)
_INSERT_KEYS = insert(IncidentKey)
_DELETE_KEY = delete(IncidentKey).where(
    IncidentKey.incident_id == bindparam("b_id"),
    IncidentKey.kind == bindparam("b_kind"),
    IncidentKey.key == bindparam("b_key"),
)
_INSERT_ANCHORS = insert(SourceAnchor)
_INSERT_SIGHTING = insert(Sighting).returning(Sighting.id)
# After one more sighting of a known incident: whether it now has a private sighting, and whether
# its sightings now span more than one visibility class (public, or one private conversation), for
# storage/privacy.py. The new sighting is already inserted; any other sighting of another class
# makes the incident mixed.
_OTHER_CLASS_THAN_PUBLIC = exists().where(Sighting.incident_id == bindparam("b_id"), Sighting.is_private.is_(True))
_OTHER_CLASS_THAN_PRIVATE = exists().where(
    Sighting.incident_id == bindparam("b_id"),
    or_(
        Sighting.is_private.is_(False),
        Sighting.channel_id.is_(None),
        Sighting.channel_id != bindparam("b_channel"),
    ),
)
_MARK_SIGHTED_PUBLIC = (
    update(Incident)
    # Without a private sighting there is no other class: the common case costs one indexed update.
    .where(Incident.id == bindparam("b_id"), Incident.has_private.is_(True), Incident.mixed_visibility.is_(False))
    .values(mixed_visibility=_OTHER_CLASS_THAN_PUBLIC)
)
_MARK_SIGHTED_PRIVATE = (
    update(Incident)
    .where(Incident.id == bindparam("b_id"))
    .values(has_private=True, mixed_visibility=or_(Incident.mixed_visibility, _OTHER_CLASS_THAN_PRIVATE))
)
# SQLite's FTS5 table of source texts is outside the ORM (see migration 0004).
_FTS_INSERT = text(
    "INSERT INTO source_search (rowid, body, team_id, incident_id) VALUES (:id, :body, :team, :incident)"
)


def _replace_keys(
    conn: Connection, team: str, incident_id: int, *, old: set[tuple[str, str]], new: set[tuple[str, str]]
) -> None:
    """The incident's victim and CVE keys become ``new``: the ones gone are deleted, the new ones
    written in one statement."""
    for kind, key in old - new:
        conn.execute(_DELETE_KEY, {"b_id": incident_id, "b_kind": kind, "b_key": key})
    if new - old:
        conn.execute(
            _INSERT_KEYS,
            [{"team_id": team, "incident_id": incident_id, "kind": k, "key": v} for k, v in sorted(new - old)],
        )


def _mark_sighted(conn: Connection, incident_id: int, sub: Submission) -> None:
    """Keep ``has_private`` and ``mixed_visibility`` true to the incident's sightings."""
    if sub.is_private:
        conn.execute(_MARK_SIGHTED_PRIVATE, {"b_id": incident_id, "b_channel": sub.channel_id})
    else:
        conn.execute(_MARK_SIGHTED_PUBLIC, {"b_id": incident_id})


class IncidentRepository:
    """Incidents, sources, sightings and digest bookkeeping, on one session (one transaction)."""

    def __init__(self, session: Session, *, serialize_team_writes: bool = True) -> None:
        self.session = session
        self._serialize = serialize_team_writes

    @property
    def dialect(self) -> str:
        """ "sqlite" or "postgresql": the few statements that differ pick their form by it."""
        return self.session.get_bind().dialect.name

    def insert(self, table: Any) -> Any:
        """An INSERT with ``on_conflict_do_nothing`` for this database (both dialects have one)."""
        return (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)

    # ---- storing -------------------------------------------------------------------------

    def add_report(self, report: NewReport) -> StoreResult:
        """Store one report: a sighting of a known source, a new source of a known incident, or new.

        Core statements on the session's connection, not ORM objects: the unit-of-work flush (object
        graph walk, topological sort, one INSERT per object) was most of the time of a submission.
        Each write is one statement (rows of a table in one executemany), ids come back through
        RETURNING, and the caller's summary object is used as is (never dumped and re-validated).
        """
        sub = report.submission
        team = sub.team_id
        conn = self.session.connection()
        if self._serialize and conn.dialect.name == "postgresql":
            # One writer per team at a time, across replicas, so that two different articles about
            # one incident arriving together cannot both miss each other and create two incidents.
            # SQLite gets the same from BEGIN IMMEDIATE. Unique constraints remain the last word.
            conn.execute(_TEAM_LOCK, {"b_key": _team_lock_key(team)})
        normalized = dedupe.normalize_text(report.text)
        digest = dedupe.hash_normalized(normalized)
        if report.canonical_url:
            params = {"b_team": team, "b_digest": digest, "b_url": report.canonical_url}
            known = conn.execute(_KNOWN_BY_TEXT_OR_URL, params).first()
        else:
            known = conn.execute(_KNOWN_BY_TEXT, {"b_team": team, "b_digest": digest}).first()
        if known is not None:
            return self._add_known(
                conn, report, source_id=known.id, incident_id=known.incident_id, url=known.canonical_url
            )

        summary = report.summary
        sketch = dedupe.Sketch.of_normalized(normalized)
        when = report_time(report.published, sub.submitted_at)
        new_facts = dedupe.facts(
            victims=[m.text for m in summary.victims],
            types=[t.value for t in summary.incident_types] or [summary.incident_type.value],
            cves=_values(summary.cves),
            when=when,
        )
        # Text that is not about an incident is never attached to one; its anchors are still counted.
        match, hot = self._find_same_incident(conn, team, new_facts, sketch, decide=summary.is_incident)
        this = _SourceTimes(
            report.published, sub.submitted_at, report.title or summary.source.title, report.site or summary.source.site
        )
        now = dt.datetime.now(dt.UTC)
        if match is None:
            merged = summary
            sources = [this]
            last_seen = sub.submitted_at
            values = _incident_values(merged, sources)
            incident_id: int = conn.execute(
                _INSERT_INCIDENT,
                {
                    "team_id": team,
                    "last_seen_at": last_seen,
                    "created_at": now,
                    "updated_at": now,
                    "has_private": sub.is_private,
                    **values,
                },
            ).scalar_one()
            old_keys: set[tuple[str, str]] = set()
        else:
            incident_id = match.id
            rows = conn.execute(_SOURCES_OF, {"b_id": incident_id}).all()
            sources = [*(_SourceTimes(r.published, r.submitted_at, r.title, r.site) for r in rows), this]
            # Stored summaries come from the database, so they are validated; the new one is not.
            merged = merge_summaries([*(IncidentSummary.model_validate(r.summary_json) for r in rows), summary])
            if match.overrides:
                # What people corrected stays corrected whatever the new article says.
                merged = corrections.apply(merged, match.overrides)
            last_seen = max(match.last_seen_at, sub.submitted_at)
            values = _incident_values(merged, sources)
            conn.execute(
                _UPDATE_INCIDENT, {"b_id": incident_id, "last_seen_at": last_seen, "updated_at": now, **values}
            )
            old_keys = match.keys
        source_row = {
            "team_id": team,
            "incident_id": incident_id,
            "url": report.url,
            "canonical_url": report.canonical_url,
            "content_hash": digest,
            "title": this.title,
            "site": this.site,
            "published": report.published,
            "submitted_at": sub.submitted_at,
            "submitter": sub.submitter,
            "channel_id": sub.channel_id,
            "message_ts": sub.message_ts,
            "sketch": sketch.to_bytes(),
            "schema_version": summary.schema_version,
            # The incident row of a new incident holds the same JSON: dumped once.
            "summary_json": values["summary_json"] if match is None else summary.model_dump(mode="json"),
            "search_text": search_text(summary, [this.title, this.site]),
        }
        source_id: int = conn.execute(_INSERT_SOURCE, source_row).scalar_one()
        _replace_keys(conn, team, incident_id, old=old_keys, new=_keys(merged))
        anchors = [h for h in sketch.anchors if h not in hot]
        if anchors:
            conn.execute(_INSERT_ANCHORS, [{"source_id": source_id, "hash": h, "team_id": team} for h in anchors])
        sighting_id: int = conn.execute(
            _INSERT_SIGHTING, _sighting(report, source_id=source_id, incident_id=incident_id)
        ).scalar_one()
        if match is not None:
            _mark_sighted(conn, incident_id, sub)
        if conn.dialect.name == "sqlite":
            # FTS5 is a virtual table outside the ORM; a source's text never changes once stored.
            conn.execute(
                _FTS_INSERT,
                {"id": source_id, "body": source_row["search_text"], "team": team, "incident": incident_id},
            )
        record = IncidentRecord(
            id=incident_id,
            team_id=team,
            summary=merged,
            source_count=len(sources),
            first_seen_at=values["first_seen_at"],
            last_seen_at=last_seen,
        )
        return StoreResult(
            incident=record,
            source_id=source_id,
            sighting_id=sighting_id,
            already_known=False,
            attached=match is not None,
            reason="new incident" if match is None else match.reason,
        )

    def _add_known(
        self, conn: Connection, report: NewReport, *, source_id: int, incident_id: int, url: str | None
    ) -> StoreResult:
        """A source seen before: one more sighting, and the incident's last sighting time moves on."""
        sub = report.submission
        sighting_id: int = conn.execute(
            _INSERT_SIGHTING, _sighting(report, source_id=source_id, incident_id=incident_id)
        ).scalar_one()
        conn.execute(_TOUCH_INCIDENT, {"b_id": incident_id, "b_seen": sub.submitted_at})
        _mark_sighted(conn, incident_id, sub)
        row = conn.execute(_INCIDENT_RECORD, {"b_id": incident_id}).one()
        how = "same link" if report.canonical_url and url == report.canonical_url else "same text"
        if how == "same text" and report.canonical_url and url is None:
            # Pasted (or read from a file) first, now read from its link: the source gets its link,
            # unless another source of the team already has it.
            linked = conn.execute(
                _LINK_SOURCE,
                {"b_id": source_id, "b_team": sub.team_id, "b_url": report.canonical_url, "url": report.url},
            )
            if cast(CursorResult[Any], linked).rowcount:
                how = "same text; its link is recorded now"
        return StoreResult(
            incident=record_from_row(row),
            source_id=source_id,
            sighting_id=sighting_id,
            already_known=True,
            attached=False,
            reason=how,
        )

    def _find_same_incident(
        self, conn: Connection, team: str, new: dedupe.Facts, sketch: dedupe.Sketch, *, decide: bool
    ) -> tuple[_Match | None, set[int]]:
        """The stored incident the report belongs to (when ``decide``), and the anchors that are hot."""
        if not sketch.anchors and not new.victims and not new.cves:
            return None, set()  # nothing to look up by (an empty text naming no victim and no CVE)
        params = {
            "b_team": team,
            "b_anchors": list(sketch.anchors),
            "b_victims": sorted(new.victims),
            "b_cves": sorted(new.cves),
        }
        per_anchor: Counter[int] = Counter()
        shared: Counter[int] = Counter()
        ids: set[int] = set()
        for kind, anchor, ref in conn.execute(_LOOKUP, params):
            if kind == "anchor":
                per_anchor[anchor] += 1
                shared[ref] += 1
            else:
                ids.add(ref)
        hot = {h for h, n in per_anchor.items() if n >= HOT_ANCHOR}
        if not decide:
            return None, hot
        similarity: dict[int, float] = {}
        nearest = sorted(shared, key=lambda source_id: (-shared[source_id], -source_id))[:MAX_CANDIDATES]
        if nearest:
            for incident_id, blob in conn.execute(_SKETCHES, {"b_ids": nearest}):
                sim = sketch.similarity(dedupe.Sketch.from_bytes(blob))
                similarity[incident_id] = max(similarity.get(incident_id, 0.0), sim)
        # Every rule of dedupe.same_incident but near-duplicate text needs a shared victim or CVE,
        # and incidents sharing one are already in ``ids`` (the keyed lookup). So an incident found
        # by anchor only is a candidate only when its text is a near-duplicate: boilerplate hits do
        # not cost a candidate fetch, and the decisions are the same.
        ids.update(i for i, sim in similarity.items() if sim >= dedupe.NEAR_DUPLICATE)
        if not ids:
            return None, hot
        candidates = [c for c in conn.execute(_CANDIDATES, {"b_ids": sorted(ids)}) if c.team_id == team]
        chosen = [c.id for c in candidates]
        keys: dict[int, set[tuple[str, str]]] = {i: set() for i in chosen}
        for incident_id, kind, key in conn.execute(_CANDIDATE_KEYS, {"b_ids": chosen}):
            keys[incident_id].add((kind, key))
        times: dict[int, list[dt.datetime]] = {i: [] for i in chosen}
        for incident_id, published, submitted_at in conn.execute(_CANDIDATE_TIMES, {"b_ids": chosen}):
            times[incident_id].append(report_time(published, submitted_at))
        for c in sorted(candidates, key=lambda c: -similarity.get(c.id, 0.0)):
            types = c.summary_json.get("incident_types") or [c.incident_type]
            old = dedupe.Facts(
                victims=frozenset(k for kind, k in keys[c.id] if kind == "victim"),
                types=frozenset(types) - {"other"},
                cves=frozenset(k for kind, k in keys[c.id] if kind == "cve"),
                start=min(times[c.id]),
                end=max(times[c.id]),
            )
            decision = dedupe.same_incident(new, old, text_similarity=similarity.get(c.id, 0.0))
            if decision.same:
                return _Match(c.id, c.last_seen_at, keys[c.id], decision.reason, c.overrides_json), hot
        return None, hot

    # ---- reading (what an audience may see: storage/privacy.py) ------------------------

    def set_summary(
        self, team_id: str, incident_id: int, summary: IncidentSummary, *, overrides: dict[str, Any], now: dt.datetime
    ) -> None:
        """Replace an incident's summary by a corrected one (its sources stay as they were): the
        columns lists and digests read, the overrides kept for later merges, and the keys that
        find the incident again by victim or CVE."""
        conn = self.session.connection()
        conn.execute(
            _SET_SUMMARY,
            {
                "b_id": incident_id,
                "title": summary.title,
                "incident_type": summary.incident_type.value,
                "severity": summary.severity.level.value,
                "severity_rank": SEVERITY_RANK[summary.severity.level],
                "status": summary.status.value,
                "is_incident": summary.is_incident,
                "primary_victim": summary.victims[0].text[:300] if summary.victims else None,
                "summary_json": summary.model_dump(mode="json"),
                "overrides_json": overrides,
                "updated_at": now,
            },
        )
        old = {(k, v) for _, k, v in conn.execute(_CANDIDATE_KEYS, {"b_ids": [incident_id]})}
        _replace_keys(conn, team_id, incident_id, old=old, new=_keys(summary))

    def teams(self) -> list[str]:
        """The teams that have incidents stored, in order."""
        return list(self.session.scalars(select(Incident.team_id).distinct().order_by(Incident.team_id)))

    def count(self, team_id: str) -> int:
        return self.session.scalar(select(func.count()).select_from(Incident).where(Incident.team_id == team_id)) or 0
