"""The annotated corpus the scorers learn from, its folds, and the gold matcher.

Reads ``../shared/data/casie/gold_dev.jsonl`` (never copied into the project) and the CASIE scorer
``../shared/tools/casie_score.py``, whose ``match`` decides whether an extracted mention counts as
a gold one: training labels use exactly the rule the evaluation scores with.

Folds: articles whose texts are near-duplicates (the same wire story on two sites) always share a
fold, so that no fold is scored by a model that saw its twin. Near-duplicates are found with the
store's own MinHash sketches (``bot.domain.same_incident``; Jaccard >= 0.5 on word shingles), grouped
transitively, and the groups are dealt to the folds in id order, always to the smallest fold.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

from bot.domain import same_incident as dedupe
from bot.extraction.schema import Article

FOLDS = 5


@dataclass(frozen=True)
class GoldArticle:
    """One annotated article: the text, and the gold mentions of each scorer field."""

    id: str
    title: str
    text: str
    published: dt.date | None
    record: dict[str, Any] = field(repr=False)

    @property
    def article(self) -> Article:
        return Article(text=self.text, title=self.title, published=self.published)

    def mentions(self, field_name: str) -> list[str]:
        """Every gold surface of a scorer field, required or optional."""
        found: list[str] = []
        for cluster in (self.record.get("clusters") or {}).get(field_name, []):
            found.extend(cluster["mentions"])
        return found

    @cached_property
    def events(self) -> list[dict[str, Any]]:
        events = self.record.get("events") or []
        return list(events)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def load(shared: Path) -> list[GoldArticle]:
    path = shared / "data" / "casie" / "gold_dev.jsonl"
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            out.append(GoldArticle(str(r["id"]), r.get("title") or "", r["text"], _date(r.get("date")), r))
    return sorted(out, key=lambda a: int(a.id) if a.id.isdigit() else a.id)


def scorer(shared: Path) -> ModuleType:
    """The CASIE scorer module (its ``match(pred, gold, kind)`` and ``FIELDS``)."""
    path = shared / "tools" / "casie_score.py"
    spec = importlib.util.spec_from_file_location("casie_score", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Matcher:
    """Does an extracted surface match a gold mention of a field (the scorer's own rule)?"""

    def __init__(self, shared: Path) -> None:
        self._casie = scorer(shared)

    def kind(self, field_name: str) -> str:
        return str(self._casie.FIELDS[field_name][1])

    def matches(self, surface: str, gold: Sequence[str], field_name: str) -> bool:
        kind = self.kind(field_name)
        return any(self._casie.match(surface, g, kind) for g in gold)


def folds(articles: Sequence[GoldArticle], k: int = FOLDS) -> list[list[str]]:
    """``k`` folds of article ids; near-duplicate articles share one."""
    sketches = [(a.id, dedupe.Sketch.of(a.text)) for a in articles]
    parent = {a.id: a.id for a in articles}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, (first, sa) in enumerate(sketches):
        for second, sb in sketches[i + 1 :]:
            if sa.similarity(sb) >= dedupe.NEAR_DUPLICATE:
                parent[root(second)] = root(first)
    groups: dict[str, list[str]] = {}
    for art in articles:
        groups.setdefault(root(art.id), []).append(art.id)
    out: list[list[str]] = [[] for _ in range(k)]
    for members in sorted(groups.values(), key=lambda g: (-len(g), g[0])):
        smallest = min(range(k), key=lambda i: (len(out[i]), i))
        out[smallest].extend(members)
    return [sorted(f, key=lambda x: int(x) if x.isdigit() else x) for f in out]
