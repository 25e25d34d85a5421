"""Precision and recall of the ATT&CK mapping (bot/extraction/attack.py) on the sentences written
for it (tests/extraction/attack_cases.py): each sentence is read on its own, and a technique
counts as right when the sentence's expected set holds it.

    python bench/attack_eval.py            # the figures, and every miss and false alarm
    python bench/attack_eval.py --speed    # also: its time per CASIE dev article (needs ../shared)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.extraction.attack import extract_techniques  # noqa: E402
from bot.extraction.pipeline import prepare  # noqa: E402
from bot.extraction.schema import Article  # noqa: E402
from tests.extraction.attack_cases import CASES, HELD_OUT  # noqa: E402


def found(text: str) -> set[str]:
    ctx, _ = prepare(Article(text=text))
    return {t.id for t in extract_techniques(ctx)}


Cases = tuple[tuple[str, frozenset[str]], ...]


def figures(cases: Cases) -> tuple[int, int, int, list[str]]:
    """(true positives, predicted, expected, the lines that went wrong)."""
    tp = predicted = expected = 0
    wrong: list[str] = []
    for text, want in cases:
        got = found(text)
        tp += len(got & want)
        predicted += len(got)
        expected += len(want)
        if got != want:
            wrong.append(f"  expected {sorted(want)} got {sorted(got)}: {text}")
    return tp, predicted, expected, wrong


def speed() -> None:
    """Milliseconds per article of the mapping alone, over the 600 CASIE dev articles, with the
    word prefilter and without it (the output is the same: tests/extraction/test_attack.py)."""
    import json
    import time

    shared = ROOT.parent / "shared" / "data" / "casie" / "gold_dev.jsonl"
    rows = [json.loads(line) for line in shared.read_text().splitlines() if line.strip()]
    contexts = [prepare(Article(text=r.get("text") or r.get("content", ""), title=r.get("title")))[0] for r in rows]
    for prefilter in (True, False):
        start = time.perf_counter()
        for ctx in contexts:
            extract_techniques(ctx, prefilter=prefilter)
        per = (time.perf_counter() - start) * 1000 / len(contexts)
        label = "with" if prefilter else "without"
        print(f"{label} the word prefilter: {per:.2f} ms per article ({len(contexts)} articles)")


def main() -> None:
    if "--speed" in sys.argv[1:]:
        speed()
    for name, cases in (("cases (seen while writing the table)", CASES), ("held-out cases", HELD_OUT)):
        tp, predicted, expected, wrong = figures(cases)
        precision, recall = tp / max(1, predicted), tp / max(1, expected)
        print(f"{name}: {len(cases)} sentences, {expected} expected techniques, {predicted} found, {tp} right")
        print(f"  precision {precision:.3f}  recall {recall:.3f}")
        print("\n".join(wrong) or "  no misses")


if __name__ == "__main__":
    main()
