"""Shared fixtures: the project's own example articles and the optional ../shared evaluation data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.extraction import Article
from bot.sources.local import read_path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"


def example(name: str) -> Article:
    """One of the articles in examples/ (written for this project)."""
    return read_path(EXAMPLES / name)


@pytest.fixture(autouse=True)
def _database_in_tmp(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands that store (summarize does by default) write to a throwaway database, never to
    the working directory; child processes inherit it through the environment."""
    db = tmp_path_factory.mktemp("db") / "incident-bot.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")


@pytest.fixture
def shared_dir() -> Path:
    """The evaluation data folder; tests that need it are skipped, visibly, when it is absent."""
    if not (SHARED / "data").is_dir():
        pytest.skip("../shared/data not present: evaluation-data tests skipped")
    return SHARED
