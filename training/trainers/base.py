"""The two kinds of trainer: a yes/no scorer of candidates, and anything else (e.g. the type model)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.extraction.learned import Model
from bot.extraction.mentions import Context
from bot.extraction.pipeline import prepare
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
    c: float | None = None  # inverse regularization strength (None: chosen by inner CV)
    # Also learn from each article without its headline: text pasted into Slack often has none,
    # and a scorer that only ever saw headlines leans on them (the copy keeps the article's id, so
    # it always sits in the same fold as the original).
    untitled_copies: bool = False
    # Also learn from the first ``lead_copies`` sentences alone, without the headline: what people
    # paste is often a paragraph, where a name is mentioned once and every count is small.
    lead_copies: int = 0

    def examples(self, article: GoldArticle, ctx: Context, matcher: Matcher) -> list[Example]:
        gold = article.mentions(self.gold_field)
        contexts = [ctx]
        if self.untitled_copies and article.title:
            contexts.append(prepare(article.article.model_copy(update={"title": None}), models=ctx.models)[0])
        if self.lead_copies:
            lead = ctx.doc.sentences[: self.lead_copies]
            if lead and len(lead) < len(ctx.doc.sentences):
                short = article.article.model_copy(update={"title": None, "text": ctx.doc.text[: lead[-1].end]})
                contexts.append(prepare(short, models=ctx.models)[0])
        return [
            Example(c.features, int(bool(gold) and matcher.matches(c.mention.text, gold, self.gold_field)), article.id)
            for one in contexts
            for c in self.candidates(one)
        ]

    def fit(self, examples: Sequence[Example]) -> Model:
        return fit_binary(self.name, examples, c=self.c)
