"""The unit of work: one session, one transaction, database errors translated at the boundary."""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import TracebackType
from typing import Self, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import StorageError
from storage.engine import READ_ONLY, make_engine
from storage.repository import IncidentRepository

log = logging.getLogger(__name__)
T = TypeVar("T")
# Attempts of a write that lost a unique-constraint race: the retry sees the winner's row, so the
# second attempt succeeds; more than a few means something else is wrong.
WRITE_ATTEMPTS = 5


def describe(exc: SQLAlchemyError) -> str:
    """One line for whoever is told (a Slack user, the command line): what happened and what to do.

    Never the database URL, a file path or the driver's own message: those name hosts, users and
    sometimes passwords. The driver's error stays chained to the StorageError for the log (and for
    ``--debug`` on the command line)."""
    orig = getattr(exc, "orig", None) or exc
    if "locked" in str(orig).lower():
        return "the database is busy with another writer; try again in a moment"
    if isinstance(exc, (OperationalError, InterfaceError)):
        return "the database is unavailable; try again later (the operator can check DATABASE_URL and the server)"
    return "the database refused the operation"


class UnitOfWork:
    """``with store.unit_of_work() as uow: ...; uow.commit()`` — rolled back unless committed."""

    def __init__(self, factory: sessionmaker[Session], *, serialize_team_writes: bool) -> None:
        self._factory = factory
        self._serialize = serialize_team_writes
        self.session: Session | None = None

    def __enter__(self) -> Self:
        self.session = self._factory()
        self.incidents = IncidentRepository(self.session, serialize_team_writes=self._serialize)
        return self

    def commit(self) -> None:
        assert self.session is not None, "use the unit of work in a with block"
        self.session.commit()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self.session is not None
        try:
            self.session.rollback()
            self.session.close()
        except SQLAlchemyError:
            if exc is None:
                raise
        finally:
            self.session = None
        # A lost unique-constraint race is for the caller to retry, not an outage.
        if isinstance(exc, DBAPIError) and not isinstance(exc, IntegrityError):
            raise StorageError(describe(exc)) from exc


class Store:
    """The database behind the product: an engine plus units of work. Close it (or use ``with``)."""

    def __init__(self, url: str, *, serialize_team_writes: bool = True, engine: Engine | None = None) -> None:
        self.engine = engine or make_engine(url)
        self._serialize = serialize_team_writes
        self._writes = sessionmaker(self.engine, expire_on_commit=False)
        self._reads = sessionmaker(self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)

    def unit_of_work(self, *, read_only: bool = False) -> UnitOfWork:
        factory = self._reads if read_only else self._writes
        return UnitOfWork(factory, serialize_team_writes=self._serialize)

    def write(self, work: Callable[[IncidentRepository], T]) -> T:
        """Run ``work`` in a transaction and commit; retried when it lost a unique-constraint race."""
        for _attempt in range(WRITE_ATTEMPTS):
            try:
                with self.unit_of_work() as uow:
                    result = work(uow.incidents)
                    uow.commit()
                    return result
            except IntegrityError as exc:
                last = exc
        raise StorageError(describe(last)) from last

    def read(self, work: Callable[[IncidentRepository], T]) -> T:
        """Run ``work`` in a read-only transaction."""
        with self.unit_of_work(read_only=True) as uow:
            return work(uow.incidents)

    def upgrade(self) -> None:
        """Apply the migrations up to the latest (idempotent); one log line when it changed anything."""
        from storage.migrations import head, upgrade

        try:
            before = upgrade(self.engine)
        except DBAPIError as exc:
            raise StorageError(describe(exc)) from exc
        if before is not None:
            log.info("database schema upgraded from %s to %s", before or "empty", head())

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
