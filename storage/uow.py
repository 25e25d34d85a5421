"""The unit of work: one session, one transaction, database errors translated at the boundary."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import StorageError
from storage.engine import READ_ONLY, make_engine
from storage.repository import IncidentRepository

T = TypeVar("T")
# Attempts of a write that lost a unique-constraint race: the retry sees the winner's row, so the
# second attempt succeeds; more than a few means something else is wrong.
WRITE_ATTEMPTS = 5


def describe(exc: SQLAlchemyError, url: str) -> str:
    """One line for the user: what went wrong with which database (no password)."""
    orig = getattr(exc, "orig", None) or exc
    detail = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    if "locked" in detail:
        return f"the database {url} is locked by another writer; try again in a moment ({detail})"
    return f"the database {url} is unavailable or refused the operation: {detail}"


class UnitOfWork:
    """``with store.unit_of_work() as uow: ...; uow.commit()`` — rolled back unless committed."""

    def __init__(self, factory: sessionmaker[Session], url: str, *, serialize_team_writes: bool) -> None:
        self._factory = factory
        self._url = url
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
            raise StorageError(describe(exc, self._url)) from exc


class Store:
    """The database behind the product: an engine plus units of work. Close it (or use ``with``)."""

    def __init__(self, url: str, *, serialize_team_writes: bool = True, engine: Engine | None = None) -> None:
        self.engine = engine or make_engine(url)
        self.url = self.engine.url.render_as_string(hide_password=True)
        self._serialize = serialize_team_writes
        self._writes = sessionmaker(self.engine, expire_on_commit=False)
        self._reads = sessionmaker(self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)

    def unit_of_work(self, *, read_only: bool = False) -> UnitOfWork:
        factory = self._reads if read_only else self._writes
        return UnitOfWork(factory, self.url, serialize_team_writes=self._serialize)

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
        raise StorageError(describe(last, self.url)) from last

    def read(self, work: Callable[[IncidentRepository], T]) -> T:
        """Run ``work`` in a read-only transaction."""
        with self.unit_of_work(read_only=True) as uow:
            return work(uow.incidents)

    def upgrade(self) -> None:
        """Apply the migrations up to the latest (idempotent)."""
        from storage.migrations import upgrade

        try:
            upgrade(self.engine)
        except DBAPIError as exc:
            raise StorageError(describe(exc, self.url)) from exc

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
