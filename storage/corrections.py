"""People on the card: the corrections they made (who, when, field, before → after) and their
feedback ("accurate" / "something's wrong"), and what both add up to.

The corrected summary itself is written by ``IncidentRepository.set_summary``; this module keeps
the record of who changed what, and reads it back for the export and the figures."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from bot.extraction.schema import IncidentSummary
from storage.models import Correction, Feedback, Incident, Source
from storage.records import CorrectionRecord, FeedbackStats
from storage.repository import IncidentRepository

VERDICTS = ("accurate", "wrong")


def record(
    repo: IncidentRepository,
    *,
    team_id: str,
    incident_id: int,
    user_id: str,
    changed: dict[str, tuple[Any, Any]],
    now: dt.datetime,
) -> None:
    """One row per corrected field."""
    repo.session.add_all(
        Correction(
            team_id=team_id,
            incident_id=incident_id,
            user_id=user_id,
            field=field,
            before=before,
            after=after,
            created_at=now,
        )
        for field, (before, after) in changed.items()
    )
    repo.session.flush()


def stored(
    repo: IncidentRepository, *, team_id: str, incident_id: int
) -> tuple[IncidentSummary, dict[str, Any]] | None:
    """The incident's summary as stored (every report merged, corrections applied), and the
    corrections in force on it (field → value)."""
    stmt = select(Incident.summary_json, Incident.overrides_json).where(
        Incident.team_id == team_id, Incident.id == incident_id
    )
    row = repo.session.execute(stmt).first()
    return None if row is None else (IncidentSummary.model_validate(row[0]), dict(row[1] or {}))


def last_corrector(repo: IncidentRepository, *, team_id: str, incident_id: int) -> str | None:
    stmt = (
        select(Correction.user_id)
        .where(Correction.team_id == team_id, Correction.incident_id == incident_id)
        .order_by(Correction.id.desc())
        .limit(1)
    )
    return repo.session.scalar(stmt)


def set_feedback(
    repo: IncidentRepository, *, team_id: str, incident_id: int, user_id: str, verdict: str, now: dt.datetime
) -> None:
    """Record a person's verdict on a card; a later click replaces their earlier one."""
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}")
    stmt = (
        repo.insert(Feedback)
        .values(team_id=team_id, incident_id=incident_id, user_id=user_id, verdict=verdict, updated_at=now)
        .on_conflict_do_update(
            index_elements=["team_id", "incident_id", "user_id"], set_={"verdict": verdict, "updated_at": now}
        )
    )
    repo.session.execute(stmt)


def stats(repo: IncidentRepository, *, team_id: str, public_only: bool = False) -> FeedbackStats:
    """How the team judged its cards: incidents marked accurate or wrong (by the latest verdict of
    each person; an incident with both counts as wrong), corrected, and per field the cards on
    which people corrected it.
    ``public_only``: count only incidents never reported in a private conversation (what the whole
    team may see, for the Home tab: even a count says something about private channels)."""
    shown = Incident.team_id == team_id
    if public_only:
        shown = shown & Incident.has_private.is_(False)
    cards = repo.session.scalar(select(func.count()).select_from(Incident).where(shown)) or 0
    verdicts: dict[int, set[str]] = {}
    for incident_id, verdict in repo.session.execute(
        select(Feedback.incident_id, Feedback.verdict).join(Incident, Incident.id == Feedback.incident_id).where(shown)
    ):
        verdicts.setdefault(int(incident_id), set()).add(str(verdict))
    per_field: Counter[str] = Counter()  # cards on which the field was corrected (at least once)
    corrected: set[int] = set()
    for incident_id, field in repo.session.execute(
        select(Correction.incident_id, Correction.field)
        .join(Incident, Incident.id == Correction.incident_id)
        .where(shown)
        .distinct()
    ):
        corrected.add(int(incident_id))
        per_field[str(field)] += 1
    return FeedbackStats(
        cards=cards,
        rated=len(verdicts),
        accurate=sum(1 for v in verdicts.values() if v == {"accurate"}),
        wrong=sum(1 for v in verdicts.values() if "wrong" in v),
        corrected=len(corrected),
        corrections_per_field=dict(per_field.most_common()),
    )


def export(repo: IncidentRepository, *, team_id: str | None) -> list[CorrectionRecord]:
    """Every correction (of one team, or all), oldest first, with the article it corrects: the
    incident's sources by link, title and content hash, so a training run can find the text."""
    stmt = select(Correction).order_by(Correction.id)
    if team_id is not None:
        stmt = stmt.where(Correction.team_id == team_id)
    rows = list(repo.session.scalars(stmt))
    articles: dict[int, list[dict[str, Any]]] = {}
    # field -> name -> the sentence an article gave it in, per incident
    sentences: dict[int, dict[str, dict[str, str]]] = {}
    ids = sorted({r.incident_id for r in rows})
    if ids:
        sources = select(
            Source.incident_id, Source.id, Source.canonical_url, Source.title, Source.content_hash, Source.summary_json
        ).where(Source.incident_id.in_(ids))
        for incident_id, source_id, url, title, digest, summary in repo.session.execute(sources.order_by(Source.id)):
            articles.setdefault(int(incident_id), []).append(
                {"source_id": source_id, "canonical_url": url, "title": title, "content_hash": digest}
            )
            found = sentences.setdefault(int(incident_id), {})
            for field, mentions in summary.items():
                if isinstance(mentions, list):
                    for m in mentions:
                        if isinstance(m, dict) and isinstance(m.get("evidence"), dict) and "text" in m:
                            found.setdefault(field, {}).setdefault(
                                str(m["text"]), str(m["evidence"].get("sentence", ""))
                            )
    return [
        CorrectionRecord(
            id=r.id,
            team_id=r.team_id,
            incident_id=r.incident_id,
            field=r.field,
            before=r.before,
            after=r.after,
            corrected_by=r.user_id,
            corrected_at=r.created_at,
            articles=articles.get(r.incident_id, []),
            **_examples(r.before, r.after, sentences.get(r.incident_id, {}).get(r.field, {})),
        )
        for r in rows
    ]


def _examples(before: Any, after: Any, said: dict[str, str]) -> dict[str, Any]:
    """For a list field: each name the articles gave, in its sentence, labelled by the person
    ("right": kept, "wrong": removed), and the names the person added (the extraction missed
    them; no sentence says where). What a span scorer trains on."""
    if not (isinstance(before, list) and isinstance(after, list)):
        return {"examples": [], "missed": []}
    examples = [
        {"text": name, "sentence": said[name], "label": "right" if name in after else "wrong"}
        for name in before
        if said.get(name)
    ]
    return {"examples": examples, "missed": [name for name in after if name not in before]}
