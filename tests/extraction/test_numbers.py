"""Affected counts, financial losses and ransom demands."""

from __future__ import annotations

from bot.extraction.mentions import Context
from bot.extraction.numbers import (
    count_candidates,
    extract_affected_counts,
    extract_financial_losses,
    extract_ransom_demands,
    money_candidates,
    parse_number,
    ransom_candidates,
)
from bot.extraction.pipeline import summarize_article
from bot.extraction.schema import Article, IncidentType, Money
from bot.extraction.text import Doc


def _ctx(text: str, title: str = "") -> Context:
    return Context(doc=Doc(text=text, title=title), types=[IncidentType.RANSOMWARE])


def test_parse_number() -> None:
    assert parse_number("117 million") == 117_000_000
    assert parse_number("880,000") == 880_000
    assert parse_number("a dozen") == 12
    assert parse_number("148million") == 148_000_000
    assert parse_number("two billion") == 2_000_000_000
    # a magnitude suffix belongs to its number
    assert parse_number("2M") == 2_000_000
    assert parse_number("1.5bn") == 1_500_000_000
    assert parse_number("two dozen") == 24


def test_parse_number_reads_ascii_digits_only() -> None:
    assert parse_number("\u0661\u0662\u0663") is None  # Arabic-Indic digits
    assert parse_number("\uff15\uff10") is None  # full-width digits


def test_count_candidates_are_never_years_phones_percents_or_money() -> None:
    text = (
        "In 2019 the breach exposed 555-0199 customers' data. Hackers stole records of 45 percent "
        "of users. The thieves stole $3,000 from 12 customers and posted wallet 1A9zQ7eP5 for 300 victims."
    )
    values = {c.mention.value for c in count_candidates(_ctx(text))}
    assert values == {12, 300}


def test_small_and_vague_counts_are_not_reported() -> None:
    # "two dozen" must not be read as two; counts under five are not an incident's size
    text = "Hackers stole the records of two dozen customers and the passwords of 3 users."
    assert extract_affected_counts(_ctx(text)) == []


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


def test_amounts_of_nothing_are_not_money() -> None:
    assert money_candidates(_ctx("The firm lost $0 and $0.00 in the breach.")) == []


def test_a_payment_to_a_fraudster_is_not_a_ransom() -> None:
    text = (
        "Kestrel Freight paid $1.9 million to criminals posing as one of its suppliers after a "
        "business email compromise. The money was wired to an account abroad."
    )
    assert ransom_candidates(_ctx(text)) == []
    assert extract_ransom_demands(_ctx(text)) == []
    assert [c.mention.value for c in money_candidates(_ctx(text))] == [Money(amount=1_900_000, currency="USD")]


def test_ransom_needs_an_extortion_cue_tied_to_the_amount() -> None:
    text = (
        "The gang demanded a ransom from Ortolan Clinic. It paid $30,000 in the end. The board met on $5,000 budgets."
    )
    got = [c.mention.text for c in ransom_candidates(_ctx(text))]
    assert got == ["$30,000"]


def test_another_victims_payment_is_not_this_ransom() -> None:
    text = (
        "Ransomware encrypted the servers of Wrenfield Hospital on Monday, and the attackers "
        "demanded $40,000 in bitcoin to unlock the files. Another hospital paid $55,000 last year "
        "to recover its data."
    )
    card = summarize_article(Article(text=text, title="Ransomware hits Wrenfield Hospital"))
    assert [m.value for m in card.ransom_demands] == [Money(amount=40_000, currency="USD")]


def test_large_repetitive_input() -> None:
    # its speed is measured in bench/speed.py (worst-case inputs), not timed here
    text = ("Hackers stole 1,000 records and demanded $5,000 in ransom. " * 3000) + "9" * 200_000
    counts = extract_affected_counts(_ctx(text))
    ransoms = extract_ransom_demands(_ctx(text))
    assert [m.value for m in counts] == [1000]
    assert [m.value for m in ransoms][:1] == [Money(amount=5000, currency="USD")]


def test_each_rejection_rule_of_counts_on_its_own() -> None:
    # one sentence per rule, so that dropping any one rule shows
    for text in (
        "Hackers stole the records of 2018 customers.",  # a year-shaped number
        "Hackers stole the records of 0 customers.",  # nothing counted
        "Hackers stole the records of 555-0199 customers.",  # a phone number
    ):
        assert count_candidates(_ctx(text)) == [], text
    assert [c.mention.value for c in count_candidates(_ctx("Hackers stole the records of 2,018 customers."))] == [2018]
