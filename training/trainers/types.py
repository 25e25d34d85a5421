"""The incident model: does a text report a security incident (and how sure is that)?

Positives are the annotated dev articles (every one reports an incident), each also without its
headline (text pasted into Slack often has none). CASIE has no negatives, so they come from
texts written for this project (``training/data/not_incidents/``): job advertisements, course and
event announcements, product marketing, opinion and advice about security, market and company
news, and a few ordinary news texts. A separate set written the same way
(``tests/extraction/not_incidents/``) is never trained on: the tests measure rejection on it, and
the 60 general-news bodies of the shared data measure it too.

Why a logistic regression over a dozen dense features and not hashed words: with a few dozen
negatives, word weights would learn the written texts by heart; densities of genre word classes
(bot/extraction/classify.py) generalize. Classes are weighted to balance, so that the probability
(the card's confidence) weighs a real report and a written non-report alike; the threshold is set
for the recall the issue asks (see RECALL_TARGET), never above 0.5.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sklearn.linear_model import LogisticRegression

from bot.extraction.classify import INCIDENT_MODEL, incident_features
from bot.extraction.learned import LinearModel, Model
from bot.extraction.mentions import Context
from bot.extraction.text import Doc
from training.corpus import GoldArticle, Matcher
from training.fit import INNER_FOLDS, SEED, Example, matrix
from training.trainers.base import Trainer

NEGATIVES = Path(__file__).resolve().parents[1] / "data" / "not_incidents"
# Fixed, not chosen by inner CV: with this few negatives an inner split would pick C on a handful
# of texts. 1.0 is liblinear's default; CV recall and test-set rejection were checked at 0.3-3.
C = 1.0
# The issue asks that at least 98% of real incident reports be recognised. The threshold is the
# probability that keeps this share of the training articles' out-of-fold probabilities (an inner
# cross-validation over the training articles only, so it never sees the articles it is judged
# on), with a margin: 99%.
RECALL_TARGET = 0.99


def read_text(path: Path) -> tuple[str, str]:
    """(title, body) of a written text file; a first line starting with '# ' is its headline."""
    text = path.read_text(encoding="utf-8")
    if text.startswith("# "):
        title, _, body = text.partition("\n")
        return title[2:].strip(), body
    return "", text


def negatives(folder: Path = NEGATIVES) -> list[Example]:
    out: list[Example] = []
    for path in sorted(folder.glob("*.txt")):
        title, body = read_text(path)
        docs = [Doc(text=body, title=title)] + ([Doc(text=body)] if title else [])
        out.extend(Example(incident_features(d), 0, f"written:{path.stem}") for d in docs)
    return out


class IncidentTrainer:
    name = INCIDENT_MODEL

    def examples(self, article: GoldArticle, ctx: Context, matcher: Matcher) -> list[Example]:
        docs = [ctx.doc] + ([Doc(text=ctx.doc.text)] if ctx.doc.title else [])
        return [Example(incident_features(d), 1, article.id) for d in docs]

    def fit(self, examples: Sequence[Example]) -> Model:
        written = negatives()
        lr = _fit(examples, written)
        coef = lr.coef_[0]
        return LinearModel(
            name=self.name,
            weights={int(i): float(coef[i]) for i in coef.nonzero()[0]},
            bias=float(lr.intercept_[0]),
            threshold=_threshold(examples, written),
        )


def _fit(positives: Sequence[Example], written: Sequence[Example]) -> LogisticRegression:
    data = [*positives, *written]
    lr = LogisticRegression(
        C=C, solver="liblinear", class_weight="balanced", random_state=SEED, max_iter=1000, tol=1e-6
    )
    return lr.fit(matrix([e.features for e in data]), [int(e.label) for e in data])


def _threshold(positives: Sequence[Example], written: Sequence[Example]) -> float:
    """The out-of-fold probability below which only 1 - RECALL_TARGET of the articles fall."""
    ids = sorted({e.article for e in positives})
    oof: list[float] = []
    for k in range(INNER_FOLDS):
        held = set(ids[k::INNER_FOLDS])
        model = _fit([e for e in positives if e.article not in held], written)
        test = [e for e in positives if e.article in held]
        if test:
            oof.extend(model.predict_proba(matrix([e.features for e in test]))[:, 1].tolist())
    if not oof:
        return 0.5
    oof.sort()
    return min(0.5, oof[int((1.0 - RECALL_TARGET) * len(oof))])


TRAINERS: list[Trainer] = [IncidentTrainer()]
