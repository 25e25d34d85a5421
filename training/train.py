"""Rebuild, check or cross-validate the learned scorers (see training/__init__.py)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from bot.extraction.learned import dumps
from training import corpus
from training.evaluate import cross_validate, examples_by_article, train

ROOT = Path(__file__).resolve().parents[1]
MODELS_DIR = ROOT / "bot" / "extraction" / "models"


def build(shared: Path, out: Path) -> list[Path]:
    """Train every scorer on all dev articles and write its file into ``out``."""
    articles = corpus.load(shared)
    examples = examples_by_article(articles, shared)
    written = []
    for model in train(examples, (a.id for a in articles)):
        path = out / f"{model.name}.json"
        path.write_text(dumps(model), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--check", action="store_true", help="fail unless the shipped files are what training rebuilds")
    ap.add_argument("--cv", action="store_true", help="print 5-fold cross-validated figures")
    args = ap.parse_args(argv)
    if args.cv:
        print(json.dumps(cross_validate(args.shared)["figures"], indent=2))
        return 0
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            rebuilt = build(args.shared, Path(tmp))
            stale = [p.name for p in rebuilt if (MODELS_DIR / p.name).read_bytes() != p.read_bytes()]
        if stale:
            print(f"shipped models differ from a rebuild: {', '.join(stale)}", file=sys.stderr)
            return 1
        print(f"{len(rebuilt)} shipped models are exactly what training rebuilds")
        return 0
    for path in build(args.shared, MODELS_DIR):
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
