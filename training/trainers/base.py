"""The two kinds of trainer: a yes/no scorer of candidates, and anything else (e.g. the type model)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.extraction.learned import Model
from bot.extraction.mentions import Context
from bot.extraction.scoring import Scored
from training.corpus import GoldArticle, Matcher
from training.fit import Example, fit_binary


class Trainer(Protocol):
    @property
    def name(self) -> str: ...

    def examples(self, article: GoldArticle, ctx: Context, matcher: Matcher) -> list[Example]: ...

    def fit(self, examples: Sequence[Example]) -> Model: ...


@dataclass(frozen=True)
class BinaryTrainer:
    """Model ``name`` accepts or rejects the candidates of a field; a candidate is right when its
    shown text matches a gold mention of ``gold_field`` (required or optional)."""

    name: str
    gold_field: str  # the CASIE scorer's field the labels come from
    candidates: Callable[[Context], Sequence[Scored]]
    c: float = 1.0  # inverse regularization strength of the logistic regression

    def examples(self, article: GoldArticle, ctx: Context, matcher: Matcher) -> list[Example]:
        gold = article.mentions(self.gold_field)
        return [
            Example(c.features, int(bool(gold) and matcher.matches(c.mention.text, gold, self.gold_field)), article.id)
            for c in self.candidates(ctx)
        ]

    def fit(self, examples: Sequence[Example]) -> Model:
        return fit_binary(self.name, examples, c=self.c)
