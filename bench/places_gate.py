"""Experiment: would an article-level gate ("does this article annotate a place at all?") lift
places F1? Recorded in docs/quality-analysis.md; the gate is not in the product.

Each dev article gets a few article-level features (how many places the rules pick, the rule
type, a place in the headline, local-institution words, length, victims found); a logistic
regression (balanced classes) is trained on four folds (training/corpus.py's folds) and scores the
fifth; the places the rules picked are kept only in articles whose gate probability clears a
threshold. Precision and recall are approximate (per-article counts with the scorer's matching
rule, as in training).

    python bench/places_gate.py       # about 30 s
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

from bot.extraction.pipeline import summarize_article  # noqa: E402
from training import corpus  # noqa: E402

LOCAL_WORDS = ("hospital", "city of", "county", "school", "police", " state ", "local")


def main() -> None:
    shared = ROOT.parent / "shared"
    articles = corpus.load(shared)
    matcher = corpus.Matcher(shared)
    ids, rows, labels, picked, right, gold_n = [], [], [], [], [], []
    for a in articles:
        s = summarize_article(a.article)
        pred = [m.text for m in s.locations] + [m.text for r in s.related_incidents for m in r.locations]
        gold = a.mentions("places")
        text, title = a.article.text.lower(), (a.title or "").lower()
        features = {
            "npred": float(len(pred)),
            "type_" + s.incident_type.value: 1.0,
            "title_place": float(any(p.lower() in title for p in pred)),
            "length": min(len(text) / 5000, 2.0),
            "victims": float(len(s.victims)),
            **{f"word_{w.strip()}": float(w in text) for w in LOCAL_WORDS},
        }
        ids.append(a.id)
        rows.append(features)
        labels.append(int(bool(gold)))
        picked.append(len(pred))
        right.append(sum(1 for p in pred if gold and matcher.matches(p, gold, "places")))
        gold_n.append(len(gold))
    keys = sorted({k for f in rows for k in f})
    x = np.array([[f.get(k, 0.0) for k in keys] for f in rows])
    y = np.array(labels)
    fold_of = {aid: n for n, fold in enumerate(corpus.folds(articles)) for aid in fold}
    p = np.zeros(len(y))
    for n in range(corpus.FOLDS):
        train = [i for i, aid in enumerate(ids) if fold_of[aid] != n]
        test = [i for i, aid in enumerate(ids) if fold_of[aid] == n]
        model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit(x[train], y[train])
        p[test] = model.predict_proba(x[test])[:, 1]
    print(f"articles with an annotated place: {y.sum()} of {len(y)}; gate AUC (5-fold): {roc_auc_score(y, p):.3f}")
    n_pred, n_right, n_gold = np.array(picked), np.array(right), np.array(gold_n)
    for threshold in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7):
        keep = p >= threshold
        precision = n_right[keep].sum() / max(1, n_pred[keep].sum())
        recall = n_right[keep].sum() / n_gold.sum()
        f1 = 2 * precision * recall / max(1e-9, precision + recall)
        print(f"gate >= {threshold:.1f}: places P {precision:.3f} R {recall:.3f} F1 {f1:.3f}")


if __name__ == "__main__":
    main()
