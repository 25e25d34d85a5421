"""Scoring the extraction core with the CASIE scorer: whole-dev and k-fold cross-validated.

Cross-validation: for each fold, every scorer is trained on the other folds' articles only, and
the fold's articles are summarized with those models; the predictions of all folds together are
scored once. Near-duplicate articles share a fold (training/corpus.py).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.extraction.learned import Model, ModelSet
from bot.extraction.pipeline import prepare, summarize_article
from bot.extraction.schema import IncidentSummary
from training import corpus
from training.fit import Example
from training.trainers import TRAINERS

TYPE_MAP = {
    "data_breach": "Databreach",
    "phishing": "Phishing",
    "ransomware": "Ransom",
    "vulnerability": "DiscoverVulnerability",
    "patch": "PatchVulnerability",
}
FIELD_MAP = {
    "victims": "victims",
    "attackers": "attackers",
    "dates": "times",
    "locations": "places",
    "compromised_data": "compromised_data",
    "affected_counts": "victim_count",
    "financial_losses": "damage",
    "ransom_demands": "ransom_amount",
    "cves": "cves",
    "affected_products": "vulnerable_systems",
    "tools": "tools",
}
# Fields scored from the related incidents as well (CASIE annotates every event of an article).
RELATED_FIELDS = FIELD_MAP


def to_casie(article_id: str, inc: Mapping[str, Any] | None) -> dict[str, Any]:
    """An IncidentSummary (as JSON) -> the scorer's prediction record (DESIGN.md mapping): the
    main incident's fields and those of the related incidents, together."""
    pred: dict[str, Any] = {"id": article_id}
    if not inc:
        return pred
    mapped = [TYPE_MAP[t] for t in inc["incident_types"] if t in TYPE_MAP]
    # The primary type maps directly; a primary outside CASIE's five subtypes (e.g. malware)
    # falls back to the best-ranked type that has a CASIE counterpart.
    pred["incident_type"] = TYPE_MAP.get(inc["incident_type"]) or (mapped[0] if mapped else "Other")
    pred["incident_types"] = list(dict.fromkeys(mapped))
    related = inc.get("related_incidents") or []
    for ours, theirs in FIELD_MAP.items():
        pred[theirs] = [m["text"] for m in inc.get(ours, [])]
        for r in related:
            pred[theirs] += [m["text"] for m in r.get(ours, [])]
    return pred


def score(shared: Path, preds: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The scorer's result and the figures the project tracks."""
    casie = corpus.scorer(shared)
    gold = casie.load_gold_jsonl(str(shared / "data" / "casie" / "gold_dev.jsonl"))
    res = casie.score(gold, dict(preds))
    figures: dict[str, Any] = {
        "type_acc": round(res["incident_type"]["accuracy"], 4),
        "types_f1": round(res["incident_types"]["f1"], 4),
        "fields_core_micro_f1": round(res["fields_core_micro"]["f1"], 4),
    }
    for f, x in res["fields"].items():
        figures[f] = round(x["f1"], 4)
    return {"figures": figures, "result": res}


def examples_by_article(articles: Sequence[corpus.GoldArticle], shared: Path) -> dict[str, dict[str, list[Example]]]:
    """Every trainer's examples, per article (computed once: features do not depend on models)."""
    matcher = corpus.Matcher(shared)
    out: dict[str, dict[str, list[Example]]] = {t.name: {} for t in TRAINERS}
    for a in articles:
        ctx, _ = prepare(a.article)
        for t in TRAINERS:
            out[t.name][a.id] = t.examples(a, ctx, matcher)
    return out


def train(examples: Mapping[str, Mapping[str, list[Example]]], ids: Iterable[str]) -> list[Model]:
    keep = set(ids)
    return [t.fit([e for aid, ex in examples[t.name].items() if aid in keep for e in ex]) for t in TRAINERS]


def predict(articles: Iterable[corpus.GoldArticle], models: ModelSet) -> dict[str, IncidentSummary]:
    return {a.id: summarize_article(a.article, models=models) for a in articles}


def cv_predictions(
    shared: Path, k: int = corpus.FOLDS, *, progress: bool = True, untitled: bool = False
) -> tuple[dict[str, dict[str, Any]], int]:
    """Every dev article's scorer record, each summarized by models trained on the other folds,
    and how many were recognised as incidents. ``untitled``: the held-out articles are summarized
    without their headlines (as text pasted into Slack often comes)."""
    articles = corpus.load(shared)
    by_id = {a.id: a for a in articles}
    examples = examples_by_article(articles, shared)
    preds: dict[str, dict[str, Any]] = {}
    recognised = 0
    for n, fold in enumerate(corpus.folds(articles, k), 1):
        held = set(fold)
        models = ModelSet(train(examples, (a.id for a in articles if a.id not in held)))
        held_out = (by_id[i] for i in fold)
        if untitled:
            held_out = (replace(a, title="") for a in held_out)
        for aid, summary in predict(held_out, models).items():
            preds[aid] = to_casie(aid, summary.model_dump(mode="json"))
            recognised += summary.is_incident
        if progress:
            print(f"fold {n}/{k}: {len(fold)} articles", file=sys.stderr)
    return preds, recognised


def cross_validate(
    shared: Path, k: int = corpus.FOLDS, *, progress: bool = True, untitled: bool = False
) -> dict[str, Any]:
    """k-fold cross-validated predictions of every dev article (``cv_predictions``), scored
    together; ``untitled`` shows how much the scorers lean on headlines."""
    preds, recognised = cv_predictions(shared, k, progress=progress, untitled=untitled)
    scored = score(shared, preds)
    scored["figures"]["incident_recall_casie"] = round(recognised / len(preds), 4)
    return scored


def whole_dev(shared: Path, models: ModelSet | None = None) -> dict[str, Any]:
    """Every dev article summarized with ``models`` (default: the shipped ones, trained on all of
    dev: an in-sample figure, reported beside the cross-validated one, never instead of it)."""
    articles = corpus.load(shared)
    summaries = predict(articles, models or _shipped())
    return score(shared, {aid: to_casie(aid, s.model_dump(mode="json")) for aid, s in summaries.items()})


def _shipped() -> ModelSet:
    from bot.extraction.learned import shipped

    return shipped()
