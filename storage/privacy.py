"""The privacy policy: what an audience may see of a team's incidents, and every read that shows them.

The rule, in this one place (a Python predicate and its SQL twin, tested to agree):

- a *sighting* (one submission of a source, in one conversation) is visible to
  - the operator (the local command line, on the database itself): always;
  - the team (the App Home, anything anyone in the workspace may open): when it was made in a
    public channel;
  - a conversation C: when it was made in a public channel, or in C itself;
- a *source* is visible when one of its sightings is; an *incident* when one of its sources is;
- what an audience is shown of an incident is derived from what it may see and nothing else: the
  summary merged from its visible sources, their number, their visible sightings, and the time of
  the last visible sighting (which also orders lists). Search matches the text of visible sources
  only, and a type filter the type of the visible summary. So a private report can change neither
  what another conversation is shown, nor whether, nor in which order, nor how many.

A channel that becomes private takes its history with it (``conversation_became_private``); one
that becomes public does not publish its past (its earlier sightings stay private).

Most incidents have no private sighting at all (``incidents.has_private`` is false) or were only
ever seen in one private conversation: every audience sees all or nothing of them, and reads use
the incident's own columns. Only incidents seen both in public and in private, or in two private
conversations (``incidents.mixed_visibility``), can be visible in part; those are re-derived from
their visible sources, in Python.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, NamedTuple

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Float,
    Select,
    String,
    Text,
    and_,
    bindparam,
    column,
    desc,
    exists,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
    true,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.domain import corrections
from bot.domain.merge import SEVERITY_RANK, merge_summaries
from bot.extraction.schema import IncidentSummary
from storage.models import MAX_ID, Incident, Sighting, Source
from storage.records import Audience, IncidentRecord, SourceRecord
from storage.repository import RECORD_COLUMNS, IncidentRepository, record_from_row, report_time

# Stemming, so "breached" finds "breach" (as FTS5's porter tokenizer does on SQLite). Migration 0004
# computes the stored sources.search_tsv column with the same configuration: change both together.
PG_SEARCH_CONFIG = "english"
# Words of a query that are matched; a longer query is cut (each word is one more index lookup).
MAX_QUERY_WORDS = 12
# Incidents re-derived per round trip when walking the partly visible ones in order.
_DERIVE_BATCH = 50

_SOURCE_SEARCH = table(
    "source_search",
    column("rowid", BigInteger),
    column("rank", Float),
    column("team_id", String),
    column("incident_id", BigInteger),
)


# ---- the rule -------------------------------------------------------------------------------


def sighting_visible(audience: Audience, *, is_private: bool, channel_id: str | None) -> bool:
    """Whether ``audience`` may see a sighting made in ``channel_id`` (private or not)."""
    if audience.kind == "operator" or not is_private:
        return True
    return audience.kind == "conversation" and channel_id is not None and channel_id == audience.channel_id


def visible_sighting(audience: Audience) -> ColumnElement[bool]:
    """``sighting_visible`` as a condition on a Sighting row."""
    if audience.kind == "operator":
        return true()
    public = Sighting.is_private.is_(False)
    if audience.kind == "team":
        return public
    return or_(public, and_(Sighting.is_private.is_(True), Sighting.channel_id == audience.channel_id))


def invisible_sighting(audience: Audience) -> ColumnElement[bool]:
    """The negation of ``visible_sighting``, written out (NULL channel ids must not escape it)."""
    if audience.kind == "operator":
        return false()
    private = Sighting.is_private.is_(True)
    if audience.kind == "team":
        return private
    return and_(private, or_(Sighting.channel_id.is_(None), Sighting.channel_id != audience.channel_id))


def may_list_channel(audience: Audience, *, channel_id: str, is_private: bool) -> bool:
    """Whether ``audience`` may be told that a channel exists (e.g. its digest subscription)."""
    return sighting_visible(audience, is_private=is_private, channel_id=channel_id)


def valid_id(value: int) -> bool:
    """An id a row could have: anything else names no incident (and never reaches the database)."""
    return 1 <= value <= MAX_ID


# ---- reads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EarlierReport:
    """The first earlier sighting of an incident that an audience may see."""

    channel_id: str | None
    message_ts: str | None


class _Seen(NamedTuple):
    """One visible sighting, as much of it as a record shows."""

    source_id: int
    channel_id: str | None
    message_ts: str | None
    submitter: str
    seen_at: dt.datetime


_SIGHTINGS_OF = select(
    Sighting.incident_id,
    Sighting.source_id,
    Sighting.is_private,
    Sighting.channel_id,
    Sighting.message_ts,
    Sighting.submitter,
    Sighting.seen_at,
).order_by(Sighting.id)
_SOURCES_OF = select(
    Source.id,
    Source.incident_id,
    Source.url,
    Source.canonical_url,
    Source.title,
    Source.site,
    Source.published,
    sql_cast(Source.summary_json, Text).label("summary_raw"),
).order_by(Source.id)


# Search reads at most this many of a team's corrected incidents (the newest) for corrected words.
MAX_CORRECTED_SCANNED = 5_000


def _strings(value: Any) -> Iterable[str]:
    """Every string inside a JSON value (not its keys)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


class AudienceView:
    """Reads of one team's incidents as ``audience`` may see them."""

    def __init__(self, repo: IncidentRepository, *, team_id: str, audience: Audience) -> None:
        self.session: Session = repo.session
        self.team_id = team_id
        self.audience = audience
        self._dialect = self.session.get_bind().dialect.name

    # -- conditions ---------------------------------------------------------------------------

    def _fully_visible(self) -> ColumnElement[bool]:
        """Incidents whose every sighting the audience may see (their columns are its view)."""
        if self.audience.kind == "operator":
            return true()
        no_private = Incident.has_private.is_(False)
        if self.audience.kind == "team":
            return no_private
        # Not mixed but private: all of its sightings are in one private conversation — this one?
        here = exists().where(
            Sighting.incident_id == Incident.id,
            Sighting.is_private.is_(True),
            Sighting.channel_id == self.audience.channel_id,
        )
        hidden = exists().where(Sighting.incident_id == Incident.id, invisible_sighting(self.audience))
        return or_(
            no_private,
            and_(Incident.mixed_visibility.is_(False), here),
            and_(Incident.mixed_visibility.is_(True), ~hidden),
        )

    def _partly_visible(self) -> list[int]:
        """Incidents with sightings on both sides of the line: shown, but re-derived. Only an
        incident of mixed visibility can be one, and those are few (fetched first, so that later
        queries look them up by id instead of scanning the team's sightings)."""
        shown = exists().where(Sighting.incident_id == Incident.id, visible_sighting(self.audience))
        hidden = exists().where(Sighting.incident_id == Incident.id, invisible_sighting(self.audience))
        stmt = select(Incident.id).where(
            Incident.team_id == self.team_id, Incident.mixed_visibility.is_(True), shown, hidden
        )
        return list(self.session.scalars(stmt))

    def _visible_source(self, source_id: ColumnElement[Any] | InstrumentedAttribute[int]) -> ColumnElement[bool]:
        """The source ``source_id`` has a sighting the audience may see."""
        if self.audience.kind == "operator":
            return true()
        return exists().where(Sighting.source_id == source_id, visible_sighting(self.audience))

    # -- loading and deriving ------------------------------------------------------------------

    def _records(self, incident_ids: Sequence[int], *, with_sources: bool = False) -> list[IncidentRecord]:
        """Records of the incidents the audience may see, in the order given.

        An incident with no private sighting, or any incident for the operator, is what its own
        columns say. For the others the sightings decide (``sighting_visible``): none visible, it is
        left out; all visible, its columns again; some, it is re-derived from its visible sources.
        Sources are read only for those, and when ``with_sources`` asks for them."""
        if not incident_ids:
            return []
        flags = Incident.has_private.label("has_private")
        corrected = Incident.overrides_json.label("overrides")
        # By primary key only, the team checked on the rows: with ``team_id = ?`` in the WHERE
        # clause SQLite walked the team's (team_id, last_seen_at) index and probed the id list
        # (12 ms for 20 ids at 100k incidents, against 0.3 ms).
        rows = {
            row.id: row
            for row in self.session.execute(
                select(*RECORD_COLUMNS, flags, corrected).where(Incident.id.in_(incident_ids))
            )
            if row.team_id == self.team_id
        }
        checked = [i for i, row in rows.items() if row.has_private and self.audience.kind != "operator"]
        wanted = list(rows) if with_sources else checked
        seen: dict[int, dict[int, list[_Seen]]] = {i: {} for i in wanted}  # incident -> source -> sightings
        hidden: set[int] = set()
        if wanted:
            for r in self.session.execute(_SIGHTINGS_OF.where(Sighting.incident_id.in_(wanted))):
                if sighting_visible(self.audience, is_private=r.is_private, channel_id=r.channel_id):
                    seen[r.incident_id].setdefault(r.source_id, []).append(
                        _Seen(r.source_id, r.channel_id, r.message_ts, r.submitter, r.seen_at)
                    )
                else:
                    hidden.add(r.incident_id)
        partial = [i for i in checked if i in hidden and seen[i]]
        need_sources = [i for i in wanted if i in partial or with_sources]
        sources: dict[int, list[Any]] = {i: [] for i in need_sources}
        if need_sources:
            for src in self.session.execute(_SOURCES_OF.where(Source.incident_id.in_(need_sources))):
                if src.id in seen[src.incident_id]:
                    sources[src.incident_id].append(src)
        out: list[IncidentRecord] = []
        for incident_id in incident_ids:
            row = rows.get(incident_id)
            if row is None or (incident_id in checked and not seen[incident_id]):
                continue  # not the team's, or not a sighting of it the audience may see
            record = record_from_row(row)
            if incident_id in partial:
                shown = sources[incident_id]
                visits = seen[incident_id]
                record = record.model_copy(
                    update={
                        # People's corrections hold here too, except names: one typed while
                        # seeing every report may come from a report this audience may not see.
                        "summary": corrections.apply(
                            merge_summaries([IncidentSummary.model_validate_json(s.summary_raw) for s in shown]),
                            corrections.without_names(row.overrides),
                        ),
                        "source_count": len(shown),
                        "first_seen_at": min(report_time(s.published, visits[s.id][0].seen_at) for s in shown),
                        "last_seen_at": max(v.seen_at for vs in visits.values() for v in vs),
                    }
                )
            if with_sources:
                record = record.model_copy(
                    update={"sources": tuple(_source_record(s, seen[incident_id][s.id]) for s in sources[incident_id])}
                )
            out.append(record)
        return out

    def _derived_in_order(self, ids: Iterable[int]) -> Iterable[IncidentRecord]:
        """Records of ``ids`` derived a batch at a time, so a walk that stops early loads little."""
        it = iter(ids)
        while batch := list(islice(it, _DERIVE_BATCH)):
            yield from self._records(batch)

    # -- the reads -----------------------------------------------------------------------------

    def recent(self, *, limit: int = 20, offset: int = 0, incident_type: str | None = None) -> list[IncidentRecord]:
        """The incidents most recently seen (as far as the audience can tell), newest first."""
        wanted = offset + limit
        stmt = select(*RECORD_COLUMNS).where(Incident.team_id == self.team_id, self._fully_visible())
        if incident_type:
            stmt = stmt.where(Incident.incident_type == incident_type)
        stmt = stmt.order_by(Incident.last_seen_at.desc(), Incident.id.desc()).limit(wanted)
        found = [record_from_row(row) for row in self.session.execute(stmt)]
        partial_ids = self._partly_visible() if self.audience.kind != "operator" else []
        if partial_ids:
            # Their order is that of their last visible sighting.
            last_seen = func.max(Sighting.seen_at).label("seen")
            partial = (
                select(Sighting.incident_id, last_seen)
                .where(Sighting.incident_id.in_(partial_ids), visible_sighting(self.audience))
                .group_by(Sighting.incident_id)
                .order_by(desc("seen"), Sighting.incident_id.desc())
            )
            kept = 0
            for record in self._derived_in_order(i for i, _ in self.session.execute(partial)):
                if incident_type and record.summary.incident_type.value != incident_type:
                    continue
                found.append(record)
                kept += 1
                if kept >= wanted:
                    break
        found.sort(key=lambda r: (r.last_seen_at, r.id), reverse=True)
        return found[offset:wanted]

    def get(self, incident_id: int) -> IncidentRecord | None:
        """One incident with its visible sources, or None when it does not exist for this audience."""
        records = self.many([incident_id])
        return records[0] if records else None

    def many(self, incident_ids: Sequence[int]) -> list[IncidentRecord]:
        """The incidents among ``incident_ids`` that exist for this audience, with their visible
        sources, in the order given (one read for all of them)."""
        return self._records([i for i in incident_ids if valid_id(i)], with_sources=True)

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[IncidentRecord]:
        """Incidents with a visible source that matches every word of ``query``, best match first."""
        words = query.split()[:MAX_QUERY_WORDS]
        stmt: Select[Any, Any]
        if self._dialect == "sqlite":
            match = _fts5_query(words)
            if not match:
                return []
            fts = _SOURCE_SEARCH.c
            best = func.min(fts.rank).label("best")  # FTS5's bm25 rank: lower is better
            stmt = (
                select(fts.incident_id, best)
                .where(
                    literal_column("source_search").op("MATCH")(bindparam("q", match)),
                    fts.team_id == self.team_id,
                    self._visible_source(fts.rowid),
                )
                .group_by(fts.incident_id)
                .order_by(best, fts.incident_id.desc())
            )
        else:
            vector: ColumnElement[Any] = literal_column("sources.search_tsv")
            tsquery = _pg_tsquery(words)
            if tsquery is None:
                return []
            # The text match first, on its own (MATERIALIZED): given the team condition too, a
            # planner without fresh statistics walked the team's index through every source and
            # tested each vector (87 ms for one match at 100k); the GIN index alone takes 1 ms.
            hits = (
                select(
                    Source.id.label("source_id"),
                    Source.incident_id,
                    Source.team_id,
                    func.ts_rank(vector, tsquery).label("rank"),
                )
                .where(vector.op("@@")(tsquery))
                .cte("hits")
                .prefix_with("MATERIALIZED")
            )
            best = func.max(hits.c.rank).label("best")
            stmt = (
                select(hits.c.incident_id, best)
                .where(hits.c.team_id == self.team_id, self._visible_source(hits.c.source_id))
                .group_by(hits.c.incident_id)
                .order_by(desc(best), hits.c.incident_id.desc())
            )
        by_text = [int(i) for i, _ in self.session.execute(stmt.limit(limit + offset))]
        # Then what people set on a card that no article says (a victim's full name): corrected
        # incidents whose corrections hold every word, after the article matches.
        ids = list(dict.fromkeys([*by_text, *self._corrected_matches(words)]))
        return self._records(ids[offset : offset + limit])

    def _corrected_matches(self, words: Sequence[str]) -> list[int]:
        """Visible incidents, newest first, whose people's corrections hold every word (each
        somewhere in the values set). Matched here rather than in SQL: corrected cards are few
        (the newest ``MAX_CORRECTED_SCANNED`` are read), and the values are JSON."""
        wanted = [w.casefold() for w in words if w.strip()]
        if not wanted:
            return []
        visible = exists().where(
            Source.incident_id == Incident.id, Source.team_id == self.team_id, self._visible_source(Source.id)
        )
        stmt = (
            select(Incident.id, Incident.overrides_json)
            .where(Incident.team_id == self.team_id, Incident.overrides_json.is_not(None), visible)
            .order_by(Incident.id.desc())
            .limit(MAX_CORRECTED_SCANNED)
        )
        found = []
        for incident_id, overrides in self.session.execute(stmt):
            values = [v.casefold() for v in _strings(overrides)]
            if all(any(w in v for v in values) for w in wanted):
                found.append(int(incident_id))
        return found

    def by_link(self, canonical_url: str) -> IncidentRecord | None:
        """The incident a link was reported as, if the audience may see that report."""
        stmt = select(Source.incident_id).where(
            Source.team_id == self.team_id,
            Source.canonical_url == canonical_url[:2048],
            self._visible_source(Source.id),
        )
        incident_id = self.session.scalar(stmt.limit(1))
        return None if incident_id is None else self.get(int(incident_id))

    def source_summary(self, incident_id: int, source_id: int) -> IncidentSummary | None:
        """One source's own summary (its exact evidence spans), if the audience may see it."""
        if not (valid_id(incident_id) and valid_id(source_id)):
            return None
        stmt = select(Source).where(
            Source.team_id == self.team_id,
            Source.incident_id == incident_id,
            Source.id == source_id,
            self._visible_source(Source.id),
        )
        source = self.session.scalars(stmt).first()
        return None if source is None else IncidentSummary.model_validate(source.summary_json)

    def digest(self, *, start: dt.datetime, end: dt.datetime, limit: int = 100) -> list[IncidentRecord]:
        """Incidents with a visible sighting in [start, end), most severe first, then newest."""
        in_period = (
            select(Sighting.incident_id)
            .where(
                Sighting.team_id == self.team_id,
                Sighting.seen_at >= start,
                Sighting.seen_at < end,
                visible_sighting(self.audience),
            )
            .distinct()
            .subquery()
        )
        # The period's incident ids joined to incidents by primary key: written as ``id IN (...)``,
        # SQLite walked all of the team's incidents by index and probed the list (27 ms at 100k
        # incidents against 3.5 ms this way, whatever the size of the store).
        stmt = (
            select(*RECORD_COLUMNS)
            .select_from(in_period)
            .join(Incident, Incident.id == in_period.c.incident_id)
            .where(Incident.team_id == self.team_id, Incident.is_incident.is_(True), self._fully_visible())
            .order_by(Incident.severity_rank.desc(), Incident.last_seen_at.desc(), Incident.id.desc())
            .limit(limit)
        )
        found = [record_from_row(row) for row in self.session.execute(stmt)]
        partial_ids = self._partly_visible() if self.audience.kind != "operator" else []
        if partial_ids:
            in_this_period = select(in_period.c.incident_id).where(in_period.c.incident_id.in_(partial_ids))
            found += [r for r in self._records(list(self.session.scalars(in_this_period))) if r.summary.is_incident]
        found.sort(key=lambda r: (SEVERITY_RANK[r.summary.severity.level], r.last_seen_at, r.id), reverse=True)
        return found[:limit]

    def earlier_report(self, incident_id: int, *, before_sighting: int) -> EarlierReport | None:
        """The first sighting of the incident before ``before_sighting`` that the audience may see,
        preferring one with a message to link to; None when it saw none ("Already reported" then
        says nothing, whatever other conversations did)."""
        stmt = (
            select(Sighting.channel_id, Sighting.message_ts)
            .where(
                Sighting.team_id == self.team_id,
                Sighting.incident_id == incident_id,
                Sighting.id < before_sighting,
                visible_sighting(self.audience),
            )
            .order_by(Sighting.message_ts.is_(None), Sighting.id)
            .limit(1)
        )
        row = self.session.execute(stmt).first()
        return None if row is None else EarlierReport(row.channel_id, row.message_ts)

    def count(self) -> int:
        """How many incidents the audience may see."""
        visible_ids = select(Sighting.incident_id).where(
            Sighting.team_id == self.team_id, visible_sighting(self.audience)
        )
        stmt = select(func.count()).select_from(Incident).where(Incident.team_id == self.team_id)
        if self.audience.kind != "operator":
            stmt = stmt.where(Incident.id.in_(visible_ids))
        return self.session.scalar(stmt) or 0


def conversation_became_private(repo: IncidentRepository, *, team_id: str, channel_id: str) -> int:
    """A channel is private now: its earlier sightings become private too (members of the channel
    keep seeing them; nobody else does any more). The number of sightings changed."""
    marked = list(
        repo.session.scalars(
            update(Sighting)
            .where(Sighting.team_id == team_id, Sighting.is_private.is_(False), Sighting.channel_id == channel_id)
            .values(is_private=True)
            .returning(Sighting.incident_id)
        )
    )
    if marked:
        # Its incidents have a private sighting now, and are mixed when any sighting is elsewhere.
        elsewhere = exists().where(
            Sighting.incident_id == Incident.id,
            or_(Sighting.is_private.is_(False), Sighting.channel_id.is_(None), Sighting.channel_id != channel_id),
        )
        repo.session.execute(
            update(Incident)
            .where(Incident.team_id == team_id, Incident.id.in_(set(marked)))
            .values(has_private=True, mixed_visibility=elsewhere)
        )
    return len(marked)


def _pg_tsquery(words: Sequence[str]) -> ColumnElement[Any] | None:
    """Every user word must match, as PostgreSQL's parser reads it *or* as the phrase of its parts.

    The parser keeps some hyphenated words whole ("Kelp-Works" is the token 'kelp-work' besides
    'kelp' and 'work') and reads others as signed numbers ("CVE-2024-1234" is 'cve', '-2024',
    '-1234'). Either reading alone misses texts written the other way ("Kelp Works"; the
    CVE id), so a word matches when either does, which is what SQLite's FTS5 phrase of the
    word's parts (``_fts5_query``) finds as well. No operator syntax reaches the parser."""
    terms: list[ColumnElement[Any]] = []
    for term in words:
        parts = re.findall(r"\w+", term)
        if parts:
            as_is = func.plainto_tsquery(PG_SEARCH_CONFIG, term)
            terms.append(as_is.op("||")(func.phraseto_tsquery(PG_SEARCH_CONFIG, " ".join(parts))))
    if not terms:
        return None
    query = terms[0]
    for more in terms[1:]:
        query = query.op("&&")(more)
    return query


def _fts5_query(words: Sequence[str]) -> str:
    """User words as FTS5 phrases ANDed together: "CVE-2024-1234" stays one phrase, no syntax leaks."""
    phrases = []
    for term in words:
        parts = re.findall(r"\w+", term)
        if parts:
            phrases.append('"' + " ".join(parts) + '"')
    return " ".join(phrases)


def _source_record(s: Any, visible: list[_Seen]) -> SourceRecord:
    """A source as its first *visible* sighting presents it: who sent it where and when is never
    taken from a submission the audience may not see."""
    first = visible[0]
    return SourceRecord(
        id=s.id,
        url=s.url,
        canonical_url=s.canonical_url,
        title=s.title,
        site=s.site,
        published=s.published,
        submitted_at=first.seen_at,
        submitter=first.submitter,
        channel_id=first.channel_id,
        message_ts=first.message_ts,
        sightings=len(visible),
    )
