"""The dependency rule of docs/architecture.md, checked on the source's import statements.

Every import is resolved to absolute module names: ``from bot import services`` counts as both
``bot`` and ``bot.usecases.incidents``, and relative imports (``from ..storage import uow``) are resolved
against the importing file's package. The pure layers (extraction, render) are checked through
every project module they import, so a forbidden library cannot come in through a helper module.
A layer named by a rule must exist: renaming a package fails the test instead of skipping it.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import ROOT

NETWORK = ("httpx", "requests", "urllib.request", "http.client", "socket", "aiohttp", "trafilatura")
SLACK = ("slack_bolt", "slack_sdk")
DATABASE = ("sqlalchemy", "alembic", "psycopg", "sqlite3")
# The store's machinery; handlers see only its records and the Store they are handed.
STORE_INTERNALS = (
    "storage.uow",
    "storage.repository",
    "storage.engine",
    "storage.models",
    "storage.views",
    "storage.digest_runs",
    "storage.migrations",
)
TRAINING = ("training", "sklearn", "scipy", "numpy")
PROJECT = ("bot", "handlers", "storage", "training")


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _path_of(module: str) -> Path | None:
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_names(source: str, module: str, is_package: bool) -> set[str]:
    """Every absolute module name an import statement of ``source`` may bring in."""
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - (node.level - 1)] if node.level - 1 <= len(parts) else []
                base = ".".join([*anchor, node.module] if node.module else anchor)
            else:
                base = node.module or ""
            if base:
                names.add(base)
            # "from bot import services" imports the module bot.usecases.incidents
            names.update(f"{base}.{a.name}" if base else a.name for a in node.names)
    return names


@cache
def _direct(path: Path) -> frozenset[str]:
    return frozenset(imported_names(path.read_text(encoding="utf-8"), _module_of(path), path.name == "__init__.py"))


def _reachable(path: Path) -> dict[str, str]:
    """Every name imported by ``path`` or by the project modules it imports (transitively), each
    with the chain of modules that brings it in."""
    seen: dict[str, str] = {}
    todo = [(path, _module_of(path))]
    visited: set[Path] = set()
    while todo:
        current, chain = todo.pop()
        if current in visited:
            continue
        visited.add(current)
        for name in sorted(_direct(current)):
            seen.setdefault(name, chain)
            if name.split(".")[0] in PROJECT:
                target = _path_of(name)
                if target is not None and target not in visited:
                    todo.append((target, f"{chain} -> {name}"))
    return seen


# What wires everything together: only the entry points import it (Settings is a value every
# layer may read, so bot.app.settings is not in the list).
COMPOSITION = (
    "bot.app.cli",
    "bot.app.cli_digest",
    "bot.app.cli_output",
    "bot.app.cli_store",
    "bot.app.run",
    "bot.app.slack_app",
)
OUTER_LAYERS = ("bot.usecases", "bot.runtime", *COMPOSITION)


def _banned(name: str, banned: tuple[str, ...]) -> bool:
    return any(name == b or name.startswith(b + ".") for b in banned)


def offending(package: str, banned: tuple[str, ...], *, transitive: bool) -> list[str]:
    folder = ROOT / package
    assert folder.is_dir(), f"{package} is named by the dependency rule but does not exist (renamed?)"
    out: list[str] = []
    for path in sorted(folder.rglob("*.py")):
        if transitive:
            out += [f"{chain} imports {name}" for name, chain in _reachable(path).items() if _banned(name, banned)]
        else:
            rel = path.relative_to(ROOT)
            out += [f"{rel}: {name}" for name in sorted(_direct(path)) if _banned(name, banned)]
    return sorted(set(out))


@pytest.mark.parametrize(
    ("package", "banned", "transitive"),
    [
        # the pure core, through everything it imports
        (
            "bot/extraction",
            (
                *NETWORK,
                *SLACK,
                *DATABASE,
                *TRAINING,
                "bot.sources",
                "storage",
                "handlers",
                "bot.app.cli",
                "bot.usecases.incidents",
            ),
            True,
        ),
        ("bot/render", (*NETWORK, *DATABASE, *SLACK, *TRAINING, "storage", "handlers", "bot.usecases"), True),
        # the export formats are pure too: a record in, text out
        (
            "bot/exports",
            (*NETWORK, *DATABASE, *SLACK, *TRAINING, "storage", "handlers", "bot.usecases", *OUTER_LAYERS),
            True,
        ),
        # the domain rules are pure: no I/O, no store, no use case, nothing that wires or runs them
        (
            "bot/domain",
            (*NETWORK, *DATABASE, *SLACK, *TRAINING, "storage", "handlers", "bot.sources", *OUTER_LAYERS),
            True,
        ),
        # use cases know neither Slack nor the handlers nor what wires them
        ("bot/usecases", (*SLACK, "handlers", *COMPOSITION), False),
        ("bot/runtime", ("handlers", *COMPOSITION), False),
        ("storage", (*SLACK, "handlers", *TRAINING, *OUTER_LAYERS), False),
        ("handlers", (*DATABASE, *STORE_INTERNALS, *TRAINING, *COMPOSITION), False),
        # the learned scorers run on their weight files alone: training code and its libraries
        # are for rebuilding them, never imported by what is installed
        ("bot", TRAINING, False),
    ],
)
def test_dependency_rule(package: str, banned: tuple[str, ...], transitive: bool) -> None:
    assert offending(package, banned, transitive=transitive) == []


def test_only_sources_fetch_urls() -> None:
    outside = [
        off
        for pkg in ("bot", "handlers", "storage")
        for off in offending(pkg, ("httpx", "requests", "urllib.request", "http.client", "aiohttp"), transitive=False)
        if not off.startswith("bot/sources/")
    ]
    assert outside == []


# --- the checker itself: each way the old one could be fooled -------------------------------


def test_a_from_import_of_a_module_is_that_module() -> None:
    assert "bot.usecases.incidents" in imported_names(
        "from bot.usecases import incidents\n", "bot.extraction.cves", False
    )
    assert "storage.uow" in imported_names("from storage import uow\n", "handlers.actions.card_buttons", False)


def test_relative_imports_are_resolved() -> None:
    assert "bot.sources.fetch" in imported_names("from ..sources import fetch\n", "bot.extraction.cves", False)
    assert "bot.sources" in imported_names("from ..sources import fetch\n", "bot.extraction", True)
    assert "bot.usecases.incidents" in imported_names(
        "from ..usecases import incidents\n", "bot.extraction.cves", False
    )
    assert "bot.extraction.text" in imported_names("from .text import Doc\n", "bot.extraction.cves", False)


def test_a_forbidden_library_through_a_helper_module_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bot" / "extraction").mkdir(parents=True)
    (tmp_path / "bot" / "__init__.py").write_text("")
    (tmp_path / "bot" / "extraction" / "__init__.py").write_text("")
    (tmp_path / "bot" / "extraction" / "cves.py").write_text("from bot import helper\n")
    (tmp_path / "bot" / "helper.py").write_text("import httpx\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    _direct.cache_clear()
    try:
        found = offending("bot/extraction", NETWORK, transitive=True)
    finally:
        _direct.cache_clear()
    assert found == ["bot.extraction.cves -> bot.helper imports httpx"]


def test_a_renamed_layer_fails_instead_of_skipping() -> None:
    with pytest.raises(AssertionError, match="does not exist"):
        offending("bot/no_such_layer", NETWORK, transitive=False)
