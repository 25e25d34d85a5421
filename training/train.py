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


# Rebuilt weights may differ from the shipped ones in the last printed digit: the fit's floating
# point depends on the numerical libraries' builds (seen: 1e-5 on three models between two
# installs of the same pinned ranges). Anything larger is a model that no longer matches its code.
TOLERANCE = 1e-3


def difference(shipped: object, rebuilt: object, *, tol: float = TOLERANCE, at: str = "") -> str | None:
    """Where two model files differ beyond rounding (numbers within ``tol``), or None."""
    if isinstance(shipped, dict) and isinstance(rebuilt, dict):
        if shipped.keys() != rebuilt.keys():
            missing = sorted(set(shipped) ^ set(rebuilt))[:5]
            return f"{at or 'top level'}: keys differ ({', '.join(map(str, missing))} …)"
        for key in shipped:
            found = difference(shipped[key], rebuilt[key], tol=tol, at=f"{at}.{key}" if at else str(key))
            if found:
                return found
        return None
    if isinstance(shipped, list) and isinstance(rebuilt, list):
        if len(shipped) != len(rebuilt):
            return f"{at}: {len(shipped)} items shipped, {len(rebuilt)} rebuilt"
        for i, (a, b) in enumerate(zip(shipped, rebuilt, strict=True)):
            found = difference(a, b, tol=tol, at=f"{at}[{i}]")
            if found:
                return found
        return None
    numbers = (int, float)
    if isinstance(shipped, numbers) and isinstance(rebuilt, numbers) and not isinstance(shipped, bool):
        return None if abs(shipped - rebuilt) <= tol else f"{at}: {shipped} shipped, {rebuilt} rebuilt"
    return None if shipped == rebuilt else f"{at}: {shipped!r} shipped, {rebuilt!r} rebuilt"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument(
        "--check", action="store_true", help="fail unless the shipped files are what training rebuilds (to rounding)"
    )
    ap.add_argument("--cv", action="store_true", help="print 5-fold cross-validated figures")
    args = ap.parse_args(argv)
    if args.cv:
        print(json.dumps(cross_validate(args.shared)["figures"], indent=2))
        return 0
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            rebuilt = build(args.shared, Path(tmp))
            stale = {
                p.name: found
                for p in rebuilt
                if (found := difference(json.loads((MODELS_DIR / p.name).read_text()), json.loads(p.read_text())))
            }
            exact = sum((MODELS_DIR / p.name).read_bytes() == p.read_bytes() for p in rebuilt)
        if stale:
            for name, found in stale.items():
                print(f"shipped {name} differs from a rebuild: {found}", file=sys.stderr)
            return 1
        within = f"{exact} byte for byte, the rest within {TOLERANCE}"
        print(f"{len(rebuilt)} shipped models are what training rebuilds ({within})")
        return 0
    for path in build(args.shared, MODELS_DIR):
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
