"""The worker pool that runs the Slack bot's slow work: real processes, recovery from a dead one."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from bot.chatops import Origin
from bot.settings import Settings
from bot.worker import SubmissionPool
from tests.conftest import EXAMPLES

ARTICLE = (EXAMPLES / "ransomware-hospital.txt").read_text()


def test_submissions_run_in_workers_and_survive_a_dead_worker(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, DATABASE_URL=f"sqlite:///{tmp_path / 'w.sqlite3'}")  # type: ignore[call-arg]
    from bot.services import open_store

    open_store(database_url=settings.database_url).close()  # the schema, as `run` creates it
    pool = SubmissionPool(settings, processes=1)
    origin = Origin(team_id="T1", user_id="U1", channel_id="C1", conversation_type="public_channel")
    try:
        (first,) = pool.run(ARTICLE, origin)
        assert first.kind == "incident"
        assert first.stored is not None
        pids = list(pool._pool._processes)  # type: ignore[attr-defined]
        assert pids
        assert os.getpid() not in pids
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        (again,) = pool.run(ARTICLE, origin)  # the broken pool is replaced
        assert again.stored is not None
        assert again.stored.already_known
    finally:
        pool.close()
