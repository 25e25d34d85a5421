"""The dependency rule of docs/architecture.md, checked on the source's import statements."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

NETWORK = ("httpx", "requests", "urllib.request", "http.client", "socket", "aiohttp", "trafilatura")
SLACK = ("slack_bolt", "slack_sdk")
DATABASE = ("sqlalchemy", "alembic", "psycopg", "sqlite3")


def _imports(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def _offending(package: str, banned: tuple[str, ...]) -> list[str]:
    return [
        f"{file}: {name}"
        for file, names in _imports(package).items()
        for name in sorted(names)
        if any(name == b or name.startswith(b + ".") for b in banned)
    ]


@pytest.mark.parametrize(
    ("package", "banned"),
    [
        ("bot/extraction", (*NETWORK, *SLACK, *DATABASE, "bot.sources", "storage", "handlers", "bot.cli")),
        ("storage", SLACK),
        ("handlers", DATABASE),
        ("bot/render", (*NETWORK, *DATABASE)),
        # the learned scorers run on their weight files alone: training code and its libraries
        # are for rebuilding them, never imported by what is installed
        ("bot", ("training", "sklearn", "scipy", "numpy")),
        ("handlers", ("training", "sklearn", "scipy", "numpy")),
        ("storage", ("training", "sklearn", "scipy", "numpy")),
    ],
)
def test_dependency_rule(package: str, banned: tuple[str, ...]) -> None:
    if not (ROOT / package).is_dir():
        pytest.skip(f"{package} does not exist yet")
    assert _offending(package, banned) == []


def test_only_sources_fetch_urls() -> None:
    outside = [
        off
        for pkg in ("bot", "handlers", "storage")
        for off in _offending(pkg, ("httpx", "requests", "urllib.request", "http.client", "aiohttp"))
        if not off.startswith("bot/sources/")
    ]
    assert outside == []
