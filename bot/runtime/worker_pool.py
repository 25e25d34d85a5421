"""The slow work of the Slack bot (reading links, extraction, storing) in worker processes, each
job under a time and a memory budget.

Extraction and the ORM are CPU-bound Python: run on threads of the process that serves Slack,
they hold the GIL and Slack's requests wait seconds for their ack under a burst. In separate
processes they leave the serving process free to ack within milliseconds
(bench/slack_speed.py). Each worker opens its own database connection pool once.

Budgets: every job (one link, or one pasted article) gets ``INCIDENT_BOT_JOB_TIMEOUT`` seconds of
wall time; a job still running then has its worker process killed and replaced (pebble's process
pool does that, and only for that worker), so neither a pathological page nor a bug can hold a
worker, or the channel waiting for its card, for longer. Each worker's address space is capped at
``INCIDENT_BOT_JOB_MEMORY_MB``: an allocation past it fails with MemoryError inside the job, which
becomes a reply saying so, instead of the machine swapping or the OOM killer choosing a victim.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

from bot.app.settings import Settings
from bot.extraction.schema import IncidentSummary
from bot.sources.errors import FetchTimeoutError
from bot.sources.feeds import FeedPoll, NotAFeedError, poll_feed
from bot.sources.web import url_reader
from bot.usecases import feeds, incidents, intake, unfurls
from storage import Store
from storage.records import FeedRecord

log = logging.getLogger(__name__)
T = TypeVar("T")

_store: Store | None = None
_settings: Settings | None = None


# What a worker needs to know: where the database is and how to fetch. No Slack secrets.
_WORKER_SETTINGS = {"database_url", "fetch_allow_private", "fetch_timeout", "fetch_max_bytes", "log_level"}


# Workers run at a lower CPU priority than the serving process: under a burst the OS then gives
# the ack path the CPU first, and the slow work fills what is left.
WORKER_NICENESS = 10


def _init(values: dict[str, Any], memory_bytes: int) -> None:
    global _store, _settings
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    _settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]  # pydantic-settings init
    _store = incidents.open_store(database_url=_settings.database_url, migrate=False)


def _run(job: intake.Job, origin: intake.Origin) -> intake.Outcome:
    assert _store is not None, "worker not initialised"
    assert _settings is not None, "worker not initialised"
    try:
        return intake.run_job(job, store=_store, origin=origin, read_url=url_reader(_settings))
    except MemoryError:
        return intake.over_budget(job, "it needed more memory than a job may use")


def _summarize_link(url: str) -> IncidentSummary | None:
    assert _settings is not None, "worker not initialised"
    try:
        return unfurls.summarize_link(url, read_url=url_reader(_settings))
    except MemoryError:
        return None


def _read_feed_entry(feed: FeedRecord, payload: dict[str, Any]) -> feeds.EntryOutcome:
    assert _store is not None, "worker not initialised"
    assert _settings is not None, "worker not initialised"
    try:
        return feeds.read_entry(store=_store, feed=feed, payload=payload, read_url=url_reader(_settings))
    except MemoryError:
        return feeds.EntryOutcome("unreadable", detail="it needed more memory than a job may use")


def _poll_feed(url: str, etag: str | None, last_modified: str | None) -> FeedPoll:
    assert _settings is not None, "worker not initialised"
    try:
        return poll_feed(url, settings=_settings, etag=etag, last_modified=last_modified)
    except MemoryError as exc:
        raise NotAFeedError("the feed needed more memory than a job may use") from exc


class SubmissionPool:
    """Runs the jobs of a submission (``intake.plan_submission``) in worker processes."""

    def __init__(self, settings: Settings, *, processes: int) -> None:
        self._timeout = settings.job_timeout
        self._processes = processes
        self._initargs = (
            settings.model_dump(include=_WORKER_SETTINGS, by_alias=True),
            settings.job_memory_mb * 1024 * 1024,
        )
        self._lock = threading.Lock()
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPool:
        # "spawn": the serving process has threads (web server, Slack executor); forking it could
        # copy a held lock into the child.
        return ProcessPool(
            max_workers=self._processes,
            initializer=_init,
            initargs=self._initargs,
            context=multiprocessing.get_context("spawn"),
        )

    def _schedule(self, job: intake.Job, origin: intake.Origin) -> Future[intake.Outcome]:
        return self._submit(_run, job, origin)

    def _submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        with self._lock:
            if not self._pool.active:
                # pebble gives up on the whole pool when a worker dies while idle (it cannot tell
                # that from a failing initializer): start a new one.
                log.warning("the worker pool stopped (a worker died while idle); starting a new one")
                self._pool.stop()  # type: ignore[no-untyped-call]  # pebble leaves it unannotated
                self._pool = self._new_pool()
            future: Future[T] = self._pool.schedule(fn, args=args, timeout=self._timeout)
            return future

    def run(self, text: str, origin: intake.Origin) -> list[intake.Outcome]:
        """Every job of the message, concurrently, each within its budget; one Outcome each."""
        jobs, notes = intake.plan_submission(text)
        futures = [self._schedule(job, origin) for job in jobs]
        return [self._outcome(job, origin, future) for job, future in zip(jobs, futures, strict=True)] + notes

    def _outcome(
        self, job: intake.Job, origin: intake.Origin, future: Future[intake.Outcome], *, retry: bool = True
    ) -> intake.Outcome:
        try:
            return future.result()
        except FutureTimeout:
            log.warning("a job ran past its %g s budget; its worker was replaced", self._timeout)
            return intake.over_budget(job, f"it took longer than {self._timeout:g} seconds")
        except ProcessExpired as exc:
            # Killed from outside (the OOM killer, an operator) or crashed in C code.
            log.error("a worker died while reading a submission (exit code %s)", exc.exitcode)
            return intake.over_budget(job, "the worker reading it stopped unexpectedly")
        except BrokenProcessPool:
            if not retry:
                raise
            return self._outcome(job, origin, self._schedule(job, origin), retry=False)

    def summarize_link(self, url: str) -> IncidentSummary | None:
        """A link read and summarized in a worker, within the same budget as a submission; None
        when it cannot be (a link preview is only a nicety: nothing is retried)."""
        future = self._submit(_summarize_link, url)
        try:
            result = future.result()
        except (FutureTimeout, ProcessExpired, BrokenProcessPool):
            log.warning("a link preview ran out of its budget or lost its worker")
            return None
        return result

    def read_feed_entry(self, feed: FeedRecord, payload: dict[str, Any]) -> feeds.EntryOutcome:
        """One feed entry read, summarized and stored in a worker, within a submission's budget."""
        future = self._submit(_read_feed_entry, feed, payload)
        try:
            return future.result()
        except FutureTimeout:
            return feeds.EntryOutcome("unreadable", detail=f"it took longer than {self._timeout:g} seconds")
        except (ProcessExpired, BrokenProcessPool):
            return feeds.EntryOutcome("unreadable", detail="the worker reading it stopped unexpectedly")

    def poll_feed(self, url: str, etag: str | None, last_modified: str | None) -> FeedPoll:
        """A feed fetched and parsed in a worker, within a submission's budget; FetchError otherwise."""
        future = self._submit(_poll_feed, url, etag, last_modified)
        try:
            return future.result()
        except FutureTimeout as exc:
            raise FetchTimeoutError(f"reading the feed took longer than {self._timeout:g} seconds") from exc
        except (ProcessExpired, BrokenProcessPool) as exc:
            raise NotAFeedError("the worker reading the feed stopped unexpectedly") from exc

    def close(self) -> None:
        with self._lock:
            self._pool.stop()  # type: ignore[no-untyped-call]
            self._pool.join(timeout=10)
