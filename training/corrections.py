"""People's corrections of cards (``incident-bot corrections export``) as labelled examples for
the span scorers: each name an article gave, in its sentence, marked right or wrong by a person.

Not yet mixed into ``python -m training.train``: the shipped figures are cross-validated on the
annotated corpus alone, and corrections come from other articles; a run that adds them must
report its figures with and without them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Labelled:
    field: str  # victims, attackers, … (the IncidentSummary field)
    text: str  # the name as the article gave it
    sentence: str  # the sentence it was found in
    right: bool  # kept by the person (True) or removed (False)


def labelled(lines: Iterable[str]) -> list[Labelled]:
    """The labelled names of an export's JSON lines; blank lines and rows without examples skipped."""
    out: list[Labelled] = []
    for line in lines:
        if not line.strip():
            continue
        row = json.loads(line)
        for ex in row.get("examples") or []:
            out.append(Labelled(row["field"], ex["text"], ex["sentence"], ex["label"] == "right"))
    return out
