"""What every learned field scorer shares: a candidate with its features, and ranking by a model."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.extraction.mentions import Context
from bot.extraction.schema import Mention


@dataclass(frozen=True)
class Scored:
    """A candidate with the features its scorer reads, and the mention shown when it is chosen.

    ``key`` identifies the thing the candidate names (two candidates with one key are one fact).
    Features never depend on another model's output: training computes them once per article."""

    key: str
    mention: Mention
    features: dict[str, float]


def accepted(ctx: Context, candidates: Iterable[Scored], model_name: str) -> list[tuple[float, Scored]]:
    """The candidates model ``model_name`` accepts, with their probabilities, most probable first
    (ties in key order, so the output is the same for the same input)."""
    model = ctx.models.linear(model_name)
    scored = [(model.probability(c.features), c) for c in candidates]
    return sorted(((p, c) for p, c in scored if p >= model.threshold), key=lambda pc: (-pc[0], pc[1].key))
