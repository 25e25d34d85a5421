"""The slow work of the Slack bot (reading links, extraction, storing) in worker processes.

Extraction and the ORM are CPU-bound Python: run on threads of the process that serves Slack,
they hold the GIL and Slack's requests wait seconds for their ack under a burst. In separate
processes they leave the serving process free to ack within milliseconds
(bench/slack_speed.py). Each worker opens its own database connection pool once.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from bot import chatops, services
from bot.settings import Settings
from bot.sources.web import url_reader
from storage import Store

_store: Store | None = None
_settings: Settings | None = None


# What a worker needs to know: where the database is and how to fetch. No Slack secrets.
_WORKER_SETTINGS = {"database_url", "fetch_allow_private", "fetch_timeout", "fetch_max_bytes", "log_level"}


# Workers run at a lower CPU priority than the serving process: under a burst the OS then gives
# the ack path the CPU first, and the slow work fills what is left.
WORKER_NICENESS = 10


def _init(values: dict[str, Any]) -> None:
    global _store, _settings
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)
    _settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]  # pydantic-settings init
    _store = services.open_store(database_url=_settings.database_url, migrate=False)


def _submission(text: str, origin: chatops.Origin) -> list[chatops.Outcome]:
    assert _store is not None, "worker not initialised"
    assert _settings is not None, "worker not initialised"
    return chatops.process_submission(store=_store, text=text, origin=origin, read_url=url_reader(_settings))


class SubmissionPool:
    """Runs ``chatops.process_submission`` in a pool of worker processes."""

    def __init__(self, settings: Settings, *, processes: int) -> None:
        self._values = settings.model_dump(include=_WORKER_SETTINGS, by_alias=True)
        self._processes = processes
        self._lock = threading.Lock()
        self._pool = self._new_pool()

    def _new_pool(self) -> Executor:
        # "spawn": the serving process has threads (web server, Slack executor); forking it could
        # copy a held lock into the child.
        return ProcessPoolExecutor(
            max_workers=self._processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init,
            initargs=(self._values,),
        )

    def submit(self, text: str, origin: chatops.Origin) -> Future[list[chatops.Outcome]]:
        return self._pool.submit(_submission, text, origin)

    def run(self, text: str, origin: chatops.Origin) -> list[chatops.Outcome]:
        """Run in a worker; a worker that died (killed, out of memory) breaks the pool, which is
        then replaced once and the submission tried again."""
        pool = self._pool
        try:
            return pool.submit(_submission, text, origin).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool = self._new_pool()
            return self._pool.submit(_submission, text, origin).result()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
