"""Status of an incident from what the article says (texts written for these tests)."""

from __future__ import annotations

import pytest

from bot.extraction.assess import assess_status
from bot.extraction.schema import IncidentType, Status
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
