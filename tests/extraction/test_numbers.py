"""Affected counts, financial losses and ransom demands."""

from __future__ import annotations

from bot.extraction.mentions import Context
from bot.extraction.numbers import (
    extract_affected_counts,
    extract_financial_losses,
    extract_ransom_demands,
    parse_number,
)
from bot.extraction.schema import Money
from bot.extraction.text import Doc


def _ctx(text: str, title: str = "") -> Context:
    return Context(doc=Doc(text=text, title=title))


def test_parse_number() -> None:
    assert parse_number("117 million") == 117_000_000
    assert parse_number("880,000") == 880_000
    assert parse_number("a dozen") == 12
    assert parse_number("148million") == 148_000_000
    assert parse_number("two billion") == 2_000_000_000


def test_counts_of_victims_and_records() -> None:
    text = (
        "Hackers stole 880,000 payment cards and the data of 3,000 patients was exposed. "
        "The breach affected 1.5 million Yahoo user accounts."
    )
    got = {m.text: m.value for m in extract_affected_counts(_ctx(text))}
    assert got == {"880,000": 880_000, "3,000": 3_000, "1.5 million": 1_500_000}


def test_counts_ignore_years_percentages_money_machines_and_uncued_sentences() -> None:
    text = (
        "In 2017 hackers breached 45% of customers. The firm lost $3 million to the breach. "
        "The attack encrypted 2,000 computers. The company has 40,000 employees."
    )
    assert extract_affected_counts(_ctx(text)) == []


def test_headline_count_only_as_fallback() -> None:
    (m,) = extract_affected_counts(_ctx("Details are scarce.", title="Breach exposes 20,000 voters"))
    assert m.evidence.source == "title"
    assert m.value == 20_000


def test_ransom_demands() -> None:
    text = "The attackers demanded 3 bitcoins, about $24,000, to unlock the files."
    got = {m.text: m.value for m in extract_ransom_demands(_ctx(text))}
    assert got == {
        "3 bitcoins": Money(amount=3, currency="BTC"),
        "$24,000": Money(amount=24_000, currency="USD"),
    }


def test_financial_losses() -> None:
    text = "The council lost \u00a3400,000 in the scam. It employs 300 staff."
    (m,) = extract_financial_losses(_ctx(text))
    assert m.text == "\u00a3400,000"
    assert m.value == Money(amount=400_000, currency="GBP")


def test_large_repetitive_input() -> None:
    # its speed is measured in bench/speed.py (worst-case inputs), not timed here
    text = ("Hackers stole 1,000 records and demanded $5,000 in ransom. " * 3000) + "9" * 200_000
    counts = extract_affected_counts(_ctx(text))
    ransoms = extract_ransom_demands(_ctx(text))
    assert [m.value for m in counts] == [1000]
    assert [m.value for m in ransoms][:1] == [Money(amount=5000, currency="USD")]
