"""Fitting the learned scorers: scikit-learn's logistic regression, exported as weight files.

Why logistic regression: each scorer decides yes/no for a few thousand candidates described by a
few dozen cue, position and lexicon features (plus hashed words); a linear model on them is
accurate enough, trains in a second, is deterministic with liblinear and a fixed seed, and runs at
serving time as a dot product (bot/extraction/learned.py) with no library at all. Trees or a CRF
were not needed for features this informative, and would not be as cheap to run or to audit.

The decision threshold is not 0.5 by default: it is chosen by an inner cross-validation on the
training articles only (never on the articles a model is judged on), as the one that maximizes F1
of the out-of-fold probabilities, so that a scorer trades precision for recall where it pays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from bot.extraction.learned import FEATURE_BITS, Features, LinearModel, SoftmaxModel, bucket

SEED = 13
INNER_FOLDS = 4


@dataclass(frozen=True)
class Example:
    """One candidate: its features, whether it is right, and the article it came from."""

    features: Features
    label: int | str  # 1/0 for a yes/no scorer; a class name for a multi-class one
    article: str


def matrix(features: Sequence[Features]) -> csr_matrix:
    rows, cols, vals = [], [], []
    for i, f in enumerate(features):
        merged: dict[int, float] = {}
        for name, value in f.items():
            b = bucket(name)
            merged[b] = merged.get(b, 0.0) + value
        for b, v in merged.items():
            rows.append(i)
            cols.append(b)
            vals.append(v)
    return csr_matrix((vals, (rows, cols)), shape=(len(features), 1 << FEATURE_BITS), dtype=np.float64)


def _lr(c: float, class_weight: str | None) -> LogisticRegression:
    return LogisticRegression(
        C=c, solver="liblinear", class_weight=class_weight, random_state=SEED, max_iter=1000, tol=1e-6
    )


def _inner_folds(articles: Sequence[str], k: int) -> list[set[str]]:
    ids = sorted(set(articles))
    return [set(ids[i::k]) for i in range(k)]


def best_threshold(labels: Sequence[int], probs: Sequence[float]) -> float:
    """The probability cut that maximizes F1 of the given out-of-fold predictions."""
    pairs = sorted(zip(probs, labels, strict=True), reverse=True)
    positives = sum(labels)
    if not positives:
        return 0.5
    best, best_f1, tp = 0.5, -1.0, 0
    for n, (p, y) in enumerate(pairs, 1):
        tp += y
        if n < len(pairs) and pairs[n][0] == p:
            continue  # a cut at p keeps every candidate of probability p: judge it after the last
        f1 = 2 * tp / (n + positives)
        if f1 > best_f1:
            best_f1, best = f1, p
    return float(best)


# Regularization strengths tried for each scorer; the one with the best inner-CV F1 is kept.
C_GRID = (0.3, 1.0, 3.0)


def _oof(examples: Sequence[Example], c: float, class_weight: str | None) -> tuple[list[int], list[float]]:
    """Out-of-fold probabilities of an inner cross-validation over the training articles."""
    oof: list[float] = []
    labels: list[int] = []
    for held in _inner_folds([e.article for e in examples], INNER_FOLDS):
        train = [e for e in examples if e.article not in held]
        test = [e for e in examples if e.article in held]
        if not test or len({e.label for e in train}) < 2:
            continue
        model = _lr(c, class_weight).fit(matrix([e.features for e in train]), [e.label for e in train])
        oof.extend(model.predict_proba(matrix([e.features for e in test]))[:, 1].tolist())
        labels.extend(int(e.label) for e in test)
    return labels, oof


def _f1_at(labels: Sequence[int], probs: Sequence[float], threshold: float) -> float:
    tp = sum(1 for y, p in zip(labels, probs, strict=True) if y and p >= threshold)
    predicted = sum(1 for p in probs if p >= threshold)
    return 2 * tp / (predicted + sum(labels)) if predicted + sum(labels) else 0.0


def fit_binary(
    name: str, examples: Sequence[Example], *, c: float | None = None, class_weight: str | None = None
) -> LinearModel:
    """A logistic regression on ``examples``; its regularization (unless ``c`` is given) and its
    threshold are set by an inner cross-validation over the training articles."""
    if not examples or len({e.label for e in examples}) < 2:
        return LinearModel(name=name, weights={}, bias=-5.0, threshold=0.5)
    best: tuple[float, float, float] | None = None  # (inner F1, C, threshold)
    for cand in C_GRID if c is None else (c,):
        labels, oof = _oof(examples, cand, class_weight)
        threshold = best_threshold(labels, oof) if oof else 0.5
        f1 = _f1_at(labels, oof, threshold) if oof else 0.0
        if best is None or f1 > best[0]:
            best = (f1, cand, threshold)
    assert best is not None
    _, c, threshold = best
    model = _lr(c, class_weight).fit(matrix([e.features for e in examples]), [e.label for e in examples])
    coef = model.coef_[0]
    nz = coef.nonzero()[0]
    return LinearModel(
        name=name,
        weights={int(i): float(coef[i]) for i in nz},
        bias=float(model.intercept_[0]),
        threshold=threshold,
    )


def fit_softmax(name: str, features: Sequence[Features], labels: Sequence[str], *, c: float = 1.0) -> SoftmaxModel:
    """A multinomial logistic regression (lbfgs: deterministic) over the labels seen."""
    classes = sorted(set(labels))
    model = LogisticRegression(C=c, solver="lbfgs", max_iter=2000, tol=1e-6, random_state=SEED)
    model.fit(matrix(features), [classes.index(y) for y in labels])
    weights = tuple({int(i): float(row[i]) for i in row.nonzero()[0]} for row in model.coef_)
    return SoftmaxModel(
        name=name, classes=tuple(classes), weights=weights, biases=tuple(float(b) for b in model.intercept_)
    )
