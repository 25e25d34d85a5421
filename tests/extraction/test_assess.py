"""Status of an incident from what the article says (texts written for these tests)."""

from __future__ import annotations

import pytest

from bot.extraction.assess import assess_severity, assess_status
from bot.extraction.schema import Evidence, IncidentType, Mention, Money, Severity, Status
from bot.extraction.text import Doc

T = IncidentType


@pytest.mark.parametrize(
    "text",
    [
        "Helix Networks has released security updates that fix the flaw in its VPN appliances.",
        "The vendor issued a patch for the bug on Tuesday.",
        "Quillon Labs patches a critical flaw in its router firmware.",
        "Fixes are now available for all supported versions.",
    ],
)
def test_a_released_fix_resolves_a_flaw(text: str) -> None:
    assert assess_status(Doc(text=text, title=""), is_incident=True, types=[T.PATCH]) is Status.RESOLVED


def test_an_investigation_is_the_news_of_an_attack_even_with_a_fix() -> None:
    doc = Doc(
        text="Police are investigating the attack on Harlow Freight. The firm released a patch for the hole.",
        title="",
    )
    assert assess_status(doc, is_incident=True, types=[T.DATA_BREACH]) is Status.INVESTIGATING


def test_no_stage_stated_is_unknown() -> None:
    doc = Doc(text="A flaw in the Heron gateway lets attackers run code.", title="")
    assert assess_status(doc, is_incident=True, types=[T.VULNERABILITY]) is Status.UNKNOWN
    assert assess_status(doc, is_incident=False, types=[T.VULNERABILITY]) is Status.UNKNOWN


def _loss(text: str, amount: float, currency: str) -> Mention:
    return Mention(
        text=text,
        value=Money(amount=amount, currency=currency),
        evidence=Evidence(source="text", sentence=text, start=0, end=len(text)),
    )


@pytest.mark.parametrize(
    ("losses", "level", "reason"),
    [
        ([("£3.2 million", 3_200_000, "GBP")], Severity.HIGH, "losses of £3.2 million"),
        ([("$40,000", 40_000, "USD"), ("$75 million", 75_000_000, "USD")], Severity.CRITICAL, "losses of $75 million"),
    ],
)
def test_a_loss_is_named_as_written_with_its_currency(
    losses: list[tuple[str, float, str]], level: Severity, reason: str
) -> None:
    doc = Doc(text="Fraudsters stole money from the firm.", title="")
    graded = assess_severity(
        doc,
        is_incident=True,
        types=[T.PHISHING],
        affected_counts=[],
        financial_losses=[_loss(*x) for x in losses],
        compromised_data=[],
    )
    assert (graded.level, graded.reason) == (level, reason)
