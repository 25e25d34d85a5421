"""The terminal card: the headline is read whole at any width, and the facts are on it."""

from __future__ import annotations

import datetime as dt

import pytest
from rich.console import Console

from bot.extraction.pipeline import summarize_article
from bot.extraction.schema import Article, IncidentSummary
from bot.render.terminal import card

TEXT = (
    "Harbourside Community Credit Union was hit by a ransomware attack on Monday that encrypted its "
    "loan servers, the credit union said. The attackers, a group calling itself Velvet Kestrel, "
    "demanded a ransom of 30 bitcoin and claimed to have stolen the account numbers of 12,000 members."
)


def _summary(text: str) -> IncidentSummary:
    return summarize_article(Article(text=text, published=dt.date(2024, 5, 8)))


def _rendered(summary: IncidentSummary, width: int) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(card(summary))
    return console.export_text()


@pytest.mark.parametrize("width", [40, 60, 100])
def test_headline_is_never_cut_at_the_border(width: int) -> None:
    summary = _summary(TEXT)
    shown = _rendered(summary, width)
    words = " ".join(line.strip("│ ╭╮╰╯─") for line in shown.splitlines()).split()
    assert " ".join(summary.title.split()) in " ".join(words)


def test_card_carries_the_facts() -> None:
    shown = _rendered(_summary(TEXT), 100)
    assert "Harbourside Community Credit Union" in shown
    assert "Velvet Kestrel" in shown
    assert "12,000" in shown
    assert "30 bitcoin" in shown


def test_not_an_incident_says_so_under_its_title() -> None:
    text = "The city council approved a new budget for parks and libraries on Tuesday after a long debate."
    shown = _rendered(_summary(text), 60)
    assert "No security incident found" in shown
