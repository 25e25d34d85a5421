"""The worker pool that runs the Slack bot's slow work: real processes, recovery from a dead one,
and the time and memory budget of every job."""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.app.settings import Settings
from bot.runtime.worker_pool import SubmissionPool
from bot.usecases.intake import Origin
from tests.conftest import EXAMPLES

ARTICLE = (EXAMPLES / "ransomware-hospital.txt").read_text()
ORIGIN = Origin(team_id="T1", user_id="U1", channel_id="C1", conversation_type="public_channel")


def _settings(tmp_path: Path, **values: Any) -> Settings:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, DATABASE_URL=f"sqlite:///{tmp_path / 'w.sqlite3'}", **values
    )
    from bot.usecases.incidents import open_store

    open_store(database_url=settings.database_url).close()  # the schema, as `run` creates it
    return settings


class _Slow(BaseHTTPRequestHandler):
    """A page that sends its body a few bytes a second: slow, but never idle long enough for the
    fetch's own read timeout."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        try:
            for _ in range(40):
                self.wfile.write(b"<p>Hackers breached the systems of a hospital.</p>")
                self.wfile.flush()
                time.sleep(0.25)
        except OSError:
            pass  # the job was stopped and the connection dropped


@pytest.fixture
def slow_page() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/story"
    finally:
        server.shutdown()
        server.server_close()


def test_submissions_run_in_workers_and_survive_a_dead_worker(tmp_path: Path) -> None:
    pool = SubmissionPool(_settings(tmp_path), processes=1)
    try:
        (first,) = pool.run(ARTICLE, ORIGIN)
        assert first.kind == "incident"
        assert first.stored is not None
        pids = [p.pid for p in multiprocessing.active_children() if p.pid is not None]
        assert pids
        assert os.getpid() not in pids
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        (again,) = pool.run(ARTICLE, ORIGIN)  # the dead worker is replaced
        assert again.stored is not None
        assert again.stored.already_known
    finally:
        pool.close()


def test_a_job_past_its_time_budget_is_stopped_and_the_next_one_runs(tmp_path: Path, slow_page: str) -> None:
    settings = _settings(
        tmp_path,
        INCIDENT_BOT_JOB_TIMEOUT=1.5,
        INCIDENT_BOT_FETCH_TIMEOUT=30,
        INCIDENT_BOT_FETCH_ALLOW_PRIVATE=True,
    )
    pool = SubmissionPool(settings, processes=1)
    try:
        start = time.monotonic()
        (stopped,) = pool.run(f"<{slow_page}>", ORIGIN)
        assert time.monotonic() - start < 8  # the page alone would take ten seconds
        assert stopped.kind == "problem"
        assert stopped.message is not None
        assert "took longer than 1.5 seconds" in stopped.message
        assert "paste the article text" in stopped.message
        (after,) = pool.run(ARTICLE, ORIGIN)  # the one worker was replaced, not left stuck
        assert after.kind == "incident"
    finally:
        pool.close()


def test_each_worker_runs_under_the_memory_budget(tmp_path: Path) -> None:
    pool = SubmissionPool(_settings(tmp_path, INCIDENT_BOT_JOB_MEMORY_MB=700), processes=1)
    try:
        soft, hard = pool._pool.schedule(resource.getrlimit, args=(resource.RLIMIT_AS,)).result(timeout=60)
        assert soft == hard == 700 * 1024 * 1024
    finally:
        pool.close()
