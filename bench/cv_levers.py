"""Experiments on the three targets the extraction core does not meet (incident-type accuracy,
core micro-F1, places), each scored with the folds of training/corpus.py. Recorded in
docs/quality-analysis.md ("Levers measured and not kept"); nothing here is in the product.

    python bench/cv_levers.py rule-constants   # ~1 min: nested CV of the type rule's constants
    python bench/cv_levers.py type-ranker      # ~1 min: a learned ranker over the rule's evidence
    python bench/cv_levers.py trigger-counts   # ~10 min: a learned event-trigger tagger's counts
    python bench/cv_levers.py micro-threshold  # ~5 min: thresholds for the core micro-F1
    python bench/cv_levers.py time-kinds       # ~5 min: precision of each kind of date picked

Every choice made from data (a grid point, C, a threshold) is made on the training folds only.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import math
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.feature_extraction import FeatureHasher  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from bot.extraction import classify as cl  # noqa: E402
from bot.extraction.schema import IncidentType as T  # noqa: E402
from bot.extraction.text import Doc  # noqa: E402
from training import corpus, evaluate, fit  # noqa: E402

SHARED = ROOT.parent / "shared"
# the project's type -> CASIE subtype mapping (training/evaluate.py), keyed by type
CASIE = {T(ours): theirs for ours, theirs in evaluate.TYPE_MAP.items()}
SUBTYPES = list(CASIE.values())


def _rule_type(ev: Any) -> str:
    ranked = cl._rank(ev.scores, ev.events)
    return next((CASIE[t] for t in ranked if t in CASIE), "Other")


def _setup() -> tuple[list[corpus.GoldArticle], list[list[str]], dict[str, str]]:
    articles = corpus.load(SHARED)
    return articles, corpus.folds(articles), {a.id: a.record["incident_type"] for a in articles}


def rule_constants() -> None:
    """Choose the rule's ranking constants (patch boost, event weight, side margin) from a grid on
    four folds, score the fifth: how much of the rule's accuracy is its constants fitted to dev."""
    articles, folds, gold = _setup()
    evidence = {a.id: cl._evidence(Doc(text=a.text, title=a.title)) for a in articles}
    shipped = (cl._PATCH_BOOST, cl._EVENT_WEIGHT, cl._SIDE_MARGIN)
    grid = list(itertools.product((1.0, 1.1, 1.15, 1.2, 1.3), (2.0, 3.0, 4.0, 5.0, 6.0), (1.1, 1.3, 1.5)))
    right: dict[tuple[float, float, float], dict[str, bool]] = {}
    for point in grid:
        cl._PATCH_BOOST, cl._EVENT_WEIGHT, cl._SIDE_MARGIN = point
        right[point] = {aid: _rule_type(ev) == gold[aid] for aid, ev in evidence.items()}
    cl._PATCH_BOOST, cl._EVENT_WEIGHT, cl._SIDE_MARGIN = shipped
    ok = 0
    for fold in folds:
        held = set(fold)
        # ties go to the grid's order, not to the shipped point
        best = max(grid, key=lambda g: sum(v for a, v in right[g].items() if a not in held))
        ok += sum(right[best][a] for a in fold)
        print(f"fold of {len(fold)}: chose patch boost {best[0]}, event weight {best[1]}, side margin {best[2]}")
    print(f"shipped constants, all dev: {sum(right[shipped].values()) / len(gold):.3f}")
    print(f"constants chosen on four folds, scored on the fifth: {ok / len(gold):.3f}")


def _evidence_features(a: corpus.GoldArticle, with_rule: bool) -> dict[str, float]:
    full = cl._evidence(Doc(text=a.text, title=a.title))
    body = cl._evidence(Doc(text=a.text))
    total = sum(v for t, v in full.scores.items() if t in CASIE) or 1.0
    total_events = sum(v for t, v in full.events.items() if t in CASIE) or 1.0
    f: dict[str, float] = {"side": math.log1p(sum(v for t, v in full.scores.items() if t not in CASIE))}
    for t, name in CASIE.items():
        s, e = full.scores.get(t, 0.0), full.events.get(t, 0.0)
        f[f"s:{name}"] = math.log1p(s)
        f[f"e:{name}"] = math.log1p(e)
        f[f"sh:{name}"] = s / total
        f[f"eh:{name}"] = e / total_events
        f[f"ti:{name}"] = math.log1p(max(0.0, s - body.scores.get(t, 0.0)))  # the headline's part
        f[f"k:{name}"] = math.log1p(s + cl._EVENT_WEIGHT * e)
    if with_rule:
        f[f"rule:{_rule_type(full)}"] = 1.0
    return f


def type_ranker() -> None:
    """A multinomial logistic regression over the rule's per-type evidence (cue mass, event
    counts, their shares, the headline's part), with and without the rule's own choice as a feature."""
    articles, folds, gold = _setup()
    for with_rule in (False, True):
        feats = {a.id: _evidence_features(a, with_rule) for a in articles}
        for c in (0.1, 0.3, 1.0, 3.0):
            ok = 0
            for fold in folds:
                held = set(fold)
                train = [a.id for a in articles if a.id not in held]
                lr = LogisticRegression(C=c, solver="lbfgs", max_iter=3000, random_state=fit.SEED)
                lr.fit(fit.matrix([feats[i] for i in train]), [gold[i] for i in train])
                guesses = lr.predict(fit.matrix([feats[i] for i in fold]))
                ok += sum(p == gold[i] for p, i in zip(guesses, fold, strict=True))
            print(f"ranker{' + rule choice' if with_rule else ''}, C={c}: accuracy {ok / len(gold):.3f}")
    rule = sum(_rule_type(cl._evidence(Doc(text=a.text, title=a.title))) == gold[a.id] for a in articles)
    print(f"the rule: {rule / len(gold):.3f}")


_TOKEN = re.compile(r"[A-Za-z0-9]+")
_NUGGET_SKIP = frozenset("the a an be was were been is are has have had to of".split())


def _tagged(a: corpus.GoldArticle) -> tuple[list[str], list[str]]:
    """The article's lower-case tokens and a B-/I-<subtype>/O label for each (event nuggets)."""
    spans = [(m.start(), m.end(), m.group(0).lower()) for m in _TOKEN.finditer(a.text)]
    labels = ["O"] * len(spans)
    starts = [s for s, _, _ in spans]
    for e in a.events:
        i, first = bisect.bisect_left(starts, e["nugget"]["start"]), True
        while i < len(spans) and spans[i][0] < e["nugget"]["end"]:
            if not (first and spans[i][2] in _NUGGET_SKIP) and labels[i] == "O":
                labels[i] = ("B-" if first else "I-") + e["subtype"]
                first = False
            i += 1
    return [w for _, _, w in spans], labels


def _token_features(words: Sequence[str], i: int) -> list[str]:
    def at(j: int) -> str:
        return words[j] if 0 <= j < len(words) else "<s>"

    w = words[i]
    return [
        f"w={w}", f"p5={w[:5]}", f"s3={w[-3:]}", f"p1={at(i - 1)}", f"n1={at(i + 1)}", f"p2={at(i - 2)}",
        f"n2={at(i + 2)}", f"bp={at(i - 1)}_{w}", f"bn={w}_{at(i + 1)}",
    ]  # fmt: skip


def trigger_counts() -> None:
    """CASIE's primary type is the subtype with the most event nuggets: tag nuggets with a token
    classifier trained on the annotated ones and take the type with the most expected B- tags;
    also mixed into the rule's ranking key at several weights."""
    articles, folds, gold = _setup()
    tagged = {a.id: _tagged(a) for a in articles}
    hasher = FeatureHasher(n_features=1 << 20, input_type="string", alternate_sign=False)
    counts: dict[str, dict[str, float]] = {}
    for n, fold in enumerate(folds, 1):
        held = set(fold)
        train = [a.id for a in articles if a.id not in held]
        seen = Counter(w[:5] for i in train for w, lab in zip(*tagged[i], strict=True) if lab != "O")
        vocab = {w for w, k in seen.items() if k >= 2}
        rows, ys = [], []
        for i in train:
            words, labels = tagged[i]
            for j, w in enumerate(words):
                if w[:5] in vocab or labels[j] != "O":
                    rows.append(_token_features(words, j))
                    ys.append(labels[j])
        lr = LogisticRegression(C=1.0, max_iter=300, random_state=fit.SEED).fit(hasher.transform(rows), ys)
        for i in fold:
            words, _ = tagged[i]
            idx = [j for j, w in enumerate(words) if w[:5] in vocab]
            c = dict.fromkeys(SUBTYPES, 0.0)
            if idx:
                probs = lr.predict_proba(hasher.transform([_token_features(words, j) for j in idx]))
                for k, label in enumerate(lr.classes_):
                    if label.startswith("B-"):
                        c[label[2:]] += float(probs[:, k].sum())
            counts[i] = c
        print(f"fold {n}/{len(folds)}", file=sys.stderr)
    tagger = sum(max(SUBTYPES, key=lambda t: counts[i][t]) == gold[i] for i in gold)
    print(f"most expected nuggets: accuracy {tagger / len(gold):.3f}")
    rule_keys = {}
    for a in articles:
        ev = cl._evidence(Doc(text=a.text, title=a.title))
        key = cl.ranking_key(ev.scores, ev.events)
        rule_keys[a.id] = {name: key.get(t, 0.0) for t, name in CASIE.items()}
    for weight in (0.5, 1.0, 2.0, 5.0, 20.0):
        ok = 0
        for i, rule in rule_keys.items():
            mixed = {t: rule[t] + weight * counts[i][t] for t in SUBTYPES}
            ok += max(SUBTYPES, key=mixed.__getitem__) == gold[i]
        print(f"rule key + {weight} x expected nuggets: accuracy {ok / len(gold):.3f}")


def _micro_threshold(share: float) -> Callable[[Sequence[int], Sequence[float]], float]:
    """A threshold rule for the core micro-F1 instead of each field's own F1: keep a candidate
    when its out-of-fold chance of being right is worth more than ``share`` of a wrong one, i.e.
    maximize right - share x kept (the F1-optimal cut is at half the attainable F1)."""

    def best(labels: Sequence[int], probs: Sequence[float]) -> float:
        pairs = sorted(zip(probs, labels, strict=True), reverse=True)
        cut, gain, best_gain, right = 0.5, 0.0, -1.0, 0
        for n, (p, y) in enumerate(pairs, 1):
            right += y
            if n < len(pairs) and pairs[n][0] == p:
                continue
            gain = right - share * n
            if gain > best_gain:
                best_gain, cut = gain, p
        return float(cut)

    return best


def micro_threshold() -> None:
    for share in (0.30, 0.335, 0.37):
        fit.best_threshold = _micro_threshold(share)
        figures = evaluate.cross_validate(SHARED, progress=False)["figures"]
        picked = ("fields_core_micro_f1", "victims", "attackers", "compromised_data", "damage")
        print(f"share {share}: " + ", ".join(f"{k} {figures[k]:.3f}" for k in picked))


_MON = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
_KINDS = (
    ("numeric", r"\d{4}-\d\d-\d\d|\d+/\d+/\d+"),
    ("day and month", rf"\b{_MON}[a-z]*\.?\s+\d{{1,2}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON}"),
    ("month and year", rf"\b{_MON}[a-z]*\.?,? (?:of )?\d{{4}}"),
    ("year", r"^(?:early |mid-?|late |in )?\d{4}$"),
    ("yesterday, today", r"yesterday|today|tonight"),
    ("weekday", r"day\b"),
    ("this/last week, month, year", r"\b(?:last|this|past|earlier|previous|next) (?:week|month|year|weekend)|ago\b"),
    ("month", rf"\b{_MON}"),
)  # fmt: skip


def time_kinds() -> None:
    """Cross-validated date picks by kind, and how many of each match a gold time: a kind whose
    precision is under half the attainable F1 would be worth dropping. Also where the wrong dates
    and places are: in articles whose annotators marked none at all, or beside marked ones."""
    preds, _ = evaluate.cv_predictions(SHARED, progress=False)
    casie = corpus.scorer(SHARED)
    gold = casie.load_gold_jsonl(str(SHARED / "data" / "casie" / "gold_dev.jsonl"))
    picked, right = Counter[str](), Counter[str]()
    wrong, unmarked, marked, predicted = Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl") as details:
        casie.score(gold, preds, details_path=details.name)
        for line in details:
            row = json.loads(line)
            field = row.get("field")
            if field in ("times", "places"):
                none_marked = not row["gold_required"] and not row["gold_optional"]
                wrong[field] += len(row["unmatched_pred"])
                unmarked[field] += len(row["unmatched_pred"]) if none_marked else 0
                marked[field] += not none_marked
                predicted[field] += bool(row["pred"])
            if field != "times":
                continue
            for text in row["pred"]:
                kind = next((k for k, p in _KINDS if re.search(p, text.lower())), "other")
                picked[kind] += 1
                right[kind] += text not in row["unmatched_pred"]
    for kind, n in picked.most_common():
        print(f"{kind:30} picked {n:4}  right {right[kind]:4}  precision {right[kind] / n:.2f}")
    for field in ("times", "places"):
        print(
            f"{field}: {wrong[field]} wrong picks, {unmarked[field]} of them in articles that annotate none;"
            f" picked in {predicted[field]} articles, annotated in {marked[field]}"
        )


def main() -> None:
    runs = {
        "rule-constants": rule_constants,
        "type-ranker": type_ranker,
        "trigger-counts": trigger_counts,
        "micro-threshold": micro_threshold,
        "time-kinds": time_kinds,
    }
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("experiment", choices=sorted(runs))
    runs[ap.parse_args().experiment]()


if __name__ == "__main__":
    main()
