"""Storage tests run on a real SQLite file and, when configured, a real PostgreSQL server.

``INCIDENT_BOT_TEST_POSTGRES_URL`` (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) turns
the PostgreSQL cases on; unset, they are skipped with a visible reason; set but unreachable, they
fail: a CI that asked for PostgreSQL must not go green without it. Each test gets its own schema.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.extraction import Article
from bot.extraction.schema import (
    Evidence,
    IncidentSummary,
    IncidentType,
    Mention,
    Severity,
    SeverityAssessment,
    Status,
)
from bot.usecases import incidents
from bot.usecases.incidents import open_store
from storage import Store, StoreResult
from storage.records import ConversationType

PG_ENV = "INCIDENT_BOT_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database URL with an empty schema of its own: a SQLite file, or a fresh PostgreSQL schema."""
    with database_url(request.param, tmp_path_factory) as url:
        yield url


@contextlib.contextmanager
def database_url(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``db_url`` for fixtures that choose the database themselves."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'incidents.sqlite3'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(
            f"PostgreSQL storage tests skipped: set {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    with pg_schema(base) as url:
        yield url


@contextlib.contextmanager
def pg_schema(base: str) -> Iterator[str]:
    """A URL of the PostgreSQL database ``base`` that works in a fresh schema, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, connect_args={"connect_timeout": 5})
    try:
        with admin.begin() as conn:  # an unreachable server raises here: the test fails, not skips
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        try:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        finally:
            admin.dispose()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = open_store(database_url=db_url)
    try:
        yield s
    finally:
        s.close()


_T = TypeVar("_T")


def race(workers: Sequence[Callable[[], _T]]) -> tuple[list[_T], list[BaseException]]:
    """Run each worker on its own thread, all released at once by a barrier (as concurrent
    requests or replicas would arrive); their results and errors, in the order they finished."""
    barrier = threading.Barrier(len(workers))
    results: list[_T] = []
    errors: list[BaseException] = []

    def run(work: Callable[[], _T]) -> None:
        barrier.wait()
        try:
            results.append(work())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


NOW = dt.datetime(2025, 3, 14, 9, 30, tzinfo=dt.UTC)


def mention(text_: str, value: str | int | None = None) -> Mention:
    return Mention(text=text_, value=value, evidence=Evidence(source="text", start=0, end=len(text_), sentence=text_))


def make_summary(
    *,
    title: str,
    victims: Sequence[str] = (),
    incident_type: IncidentType = IncidentType.DATA_BREACH,
    severity: Severity = Severity.MEDIUM,
    status: Status = Status.INVESTIGATING,
    cves: Sequence[str] = (),
    attackers: Sequence[str] = (),
    confidence: float = 0.8,
    is_incident: bool = True,
) -> IncidentSummary:
    """A summary as the extraction core would produce it, written directly so tests do not depend on it."""
    return IncidentSummary(
        title=title,
        summary=title + ".",
        incident_type=incident_type,
        incident_types=[incident_type],
        severity=SeverityAssessment(level=severity, reason="test"),
        status=status,
        is_incident=is_incident,
        confidence=confidence,
        victims=[mention(v) for v in victims],
        attackers=[mention(a) for a in attackers],
        cves=[mention(c, c) for c in cves],
    )


def report(
    store: Store,
    body: str,
    summary: IncidentSummary,
    *,
    channel: str = "C-pub",
    kind: ConversationType = "public_channel",
    at: dt.datetime = NOW,
    url: str | None = None,
    team: str = "T1",
) -> StoreResult:
    """``body`` and its ``summary`` submitted in ``channel`` (a conversation of ``kind``) at ``at``."""
    return incidents.summarize_and_store(
        store=store,
        article=Article(text=body, url=url),
        summary=summary,
        canonical_url=url,
        team_id=team,
        submitter="U1",
        channel_id=channel,
        conversation_type=kind,
        message_ts=f"{at.timestamp():.6f}",
        submitted_at=at,
    )
