"""Counts and amounts, pinned feature by feature (found by mutation testing, see docs/testing.md).

The learned scorers read these features by name, so a renamed, dropped or mis-bounded feature
changes what the bot reports: each case below spells out every feature of a candidate, reasoned
from the rule that sets it (the sentence's position, the noun's class, the cue words within
fifty characters left and right, the nearest cue before, the previous sentence's cues)."""

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
from bot.extraction.schema import IncidentType, Money
from bot.extraction.scoring import Scored
from bot.extraction.text import Doc


def _ctx(text: str, title: str = "") -> Context:
    return Context(doc=Doc(text=text, title=title), types=[IncidentType.RANSOMWARE])


def _features(candidates: list[Scored]) -> list[tuple[str, object, dict[str, float]]]:
    return [(c.mention.text, c.mention.value, c.features) for c in candidates]


# --- parsing ---------------------------------------------------------------------------------


def test_parse_number_words() -> None:
    assert parse_number("dozen") == 12
    assert parse_number("a dozen") == 12
    assert parse_number("a million") == 1_000_000
    assert parse_number("a thousand") == 1_000
    assert parse_number("an") == 1
    assert parse_number("5 customers") == 5  # words that are not numbers are passed over
    assert parse_number("records") is None


# --- counts ----------------------------------------------------------------------------------

_COUNTS = (
    "Hackers stole 1,200 customer records. It said 7 of its hotels were affected. Two users were hit. "
    "The breach exposed the files of 5 nurses. Attackers also encrypted 30 servers."
)
_COUNT_TITLE = "Breach at Kestrel Bank exposes 20,000 customers"


def test_every_feature_of_each_count() -> None:
    got = _features(count_candidates(_ctx(_COUNTS, title=_COUNT_TITLE)))
    base = {"bias_count": 1.0}
    assert got == [
        # the headline; the body has cued counts of its own (body_counts)
        ("20,000", 20_000, {**base, "noun:customer": 1.0, "pos:title": 1.0, "class:people": 1.0, "mag:4": 1.0,
                            "cued": 1.0, "rule_count": 1.0, "body_counts": 1.0,
                            "s:breach": 1.0, "s:exposed": 1.0, "l:breach": 1.0, "l:exposed": 1.0, "nl:exposed": 1.0}),
        # sentence 0, the lead; the nearest cue before is "stole"
        ("1,200", 1_200, {**base, "noun:customer": 1.0, "pos:lead": 1.0, "class:people": 1.0, "mag:3": 1.0,
                          "cued": 1.0, "rule_count": 1.0,
                          "s:hack": 1.0, "s:theft": 1.0, "l:hack": 1.0, "l:theft": 1.0, "nl:theft": 1.0}),
        # "of its hotels": an of-phrase of three words; the cue is to the right
        ("7", 7, {**base, "noun:hotel": 1.0, "pos:lead": 1.0, "class:org": 1.0, "mag:0": 1.0, "of_phrase": 1.0,
                  "gap_words": 1.0, "cued": 1.0, "rule_count": 1.0, "s:affected": 1.0, "r:affected": 1.0}),
        # sentence 2 is still the lead; a word number below five, in a sentence without a breach cue
        ("Two", 2, {**base, "noun:user": 1.0, "pos:lead": 1.0, "class:people": 1.0, "mag:0": 1.0, "small": 1.0,
                    "word_number": 1.0, "s:attack": 1.0, "r:attack": 1.0}),
        # sentence 3 is the body; five is not small and is enough for the rule; nurses are no listed class
        ("5", 5, {**base, "noun:nurse": 1.0, "pos:body": 1.0, "class:other": 1.0, "mag:0": 1.0, "cued": 1.0,
                  "rule_count": 1.0, "s:breach": 1.0, "s:exposed": 1.0, "l:breach": 1.0, "l:exposed": 1.0,
                  "nl:exposed": 1.0}),
        # machines are counted but never by the rule; "encrypted" is no count cue
        ("30", 30, {**base, "noun:server": 1.0, "pos:body": 1.0, "class:machine": 1.0, "mag:1": 1.0,
                    "s:attack": 1.0, "l:attack": 1.0, "nl:attack": 1.0}),
    ]  # fmt: skip
    keys = [c.key for c in count_candidates(_ctx(_COUNTS, title=_COUNT_TITLE))]
    assert keys == ["0:000000031", "1:000000014", "1:000000046", "1:000000077", "1:000000129", "1:000000164"]


def test_cue_words_count_within_fifty_characters_and_not_inside_the_count() -> None:
    text = (
        "Hackers, according to a lengthy statement released late on Friday evening, stole 900 stolen records "
        "that the company later said were sold online to buyers in several countries, as investigators who "
        "tracked the breach said."
    )
    ((_, value, features),) = _features(count_candidates(_ctx(text)))
    assert value == 900
    assert features == {
        "bias_count": 1.0, "noun:record": 1.0, "pos:lead": 1.0, "class:record": 1.0, "mag:2": 1.0,
        "gap_words": 1.0, "cued": 1.0, "rule_count": 1.0,
        # in the sentence: all four; "Hackers" is too far left and "breach" too far right to be near,
        # and "stolen" is inside the count ("900 stolen records"), neither left nor right of it
        "s:hack": 1.0, "s:theft": 1.0, "s:sold": 1.0, "s:breach": 1.0,
        "l:theft": 1.0, "nl:theft": 1.0, "r:sold": 1.0,
    }  # fmt: skip


def test_an_of_phrase_of_two_words_has_no_gap_words() -> None:
    ((_, value, features),) = _features(count_candidates(_ctx("The breach affected 8 of staff.")))
    assert value == 8
    assert ("of_phrase" in features, "gap_words" in features) == (True, False)
    ((_, _, features),) = _features(count_candidates(_ctx("The breach affected 8 contract staff.")))
    assert ("of_phrase" in features, "gap_words" in features) == (False, True)


def test_a_headline_count_is_marked_only_when_the_body_has_cued_counts() -> None:
    (title,) = count_candidates(_ctx("Details are scarce.", title="Breach exposes 20,000 voters"))
    assert "body_counts" not in title.features
    uncued = count_candidates(_ctx("The firm has 300 employees.", title="Breach exposes 20,000 voters"))
    assert [("body_counts" in c.features, c.mention.value) for c in uncued] == [(False, 20_000), (False, 300)]


def test_the_headline_count_is_left_out_when_the_body_has_its_own() -> None:
    got = extract_affected_counts(_ctx("Hackers stole 19,800 voter records.", title="Breach exposes 20,000 voters"))
    assert [(m.evidence.source, m.value) for m in got] == [("text", 19_800)]


def test_a_rejected_number_does_not_end_the_search_and_one_is_a_count() -> None:
    text = "Hackers stole the data of 0 customers, then of 2019 patients, then of one customer and of 900 patients."
    assert [c.mention.value for c in count_candidates(_ctx(text))] == [1, 900]
    # a percent word elsewhere in the text rejects nothing
    assert [c.mention.value for c in count_candidates(_ctx("Percentages aside, hackers stole 900 records."))] == [900]


def test_at_most_fifty_counts_are_reported_and_five_hundred_considered() -> None:
    many = " ".join(f"Hackers stole {1000 + i} records." for i in range(60))
    assert [m.value for m in extract_affected_counts(_ctx(many))] == [1000 + i for i in range(50)]
    flood = " ".join(f"Hackers stole {1000 + i} records." for i in range(600))
    assert len(count_candidates(_ctx(flood))) == 500


# --- amounts ---------------------------------------------------------------------------------

_MONEY = (
    "Ransomware hit Wrenfield Clinic on Monday. The attackers demanded 3 BTC (about $24,000) to unlock the files. "
    "The clinic lost \u00a31.5 million in the attack, its insurer said. Thieves took $0.50 and 10 ETH."
)
_MONEY_TITLE = "Clinic pays $40,000 ransom"


def test_every_feature_of_each_amount() -> None:
    got = _features(money_candidates(_ctx(_MONEY, title=_MONEY_TITLE)))
    base = {"bias_money": 1.0}
    demand = {"s:crypto": 1.0, "s:decrypt": 1.0, "s:demand": 1.0, "s:estimate": 1.0, "r:decrypt": 1.0}
    assert got == [
        # the headline: one cue before it (so the nearest one is the first), none of a previous sentence
        ("$40,000", Money(amount=40_000, currency="USD"),
         {**base, "pos:title": 1.0, "mag:4": 1.0, "cur:USD": 1.0, "extortion_sentence": 1.0, "rule_ransom": 1.0,
          "s:pay": 1.0, "s:ransom": 1.0, "l:pay": 1.0, "nl:pay": 1.0, "r:ransom": 1.0}),
        # sentence 1: the previous one says "Ransomware"
        ("3 BTC", Money(amount=3, currency="BTC"),
         {**base, "pos:lead": 1.0, "mag:0": 1.0, "cur:BTC": 1.0, "crypto": 1.0, "extortion_sentence": 1.0,
          "rule_ransom": 1.0, **demand, "l:demand": 1.0, "nl:demand": 1.0, "r:estimate": 1.0,
          "extortion_prev": 1.0, "p:ransom": 1.0}),
        ("$24,000", Money(amount=24_000, currency="USD"),
         {**base, "pos:lead": 1.0, "mag:4": 1.0, "cur:USD": 1.0, "extortion_sentence": 1.0, "rule_ransom": 1.0,
          **demand, "l:crypto": 1.0, "l:demand": 1.0, "l:estimate": 1.0, "nl:estimate": 1.0,
          "extortion_prev": 1.0, "p:ransom": 1.0}),
        # sentence 2, still the lead: a loss, and no ransom word in its own sentence
        ("\u00a31.5 million", Money(amount=1_500_000, currency="GBP"),
         {**base, "pos:lead": 1.0, "mag:6": 1.0, "cur:GBP": 1.0, "rule_loss": 1.0, "s:loss": 1.0, "s:recover": 1.0,
          "l:loss": 1.0, "nl:loss": 1.0, "r:recover": 1.0,
          "extortion_prev": 1.0, "p:crypto": 1.0, "p:decrypt": 1.0, "p:demand": 1.0, "p:estimate": 1.0}),
        # sentence 3, the body: half a dollar is below magnitude 0
        ("$0.50", Money(amount=0.5, currency="USD"),
         {**base, "pos:body": 1.0, "mag:-1": 1.0, "cur:USD": 1.0, "s:theft": 1.0, "l:theft": 1.0, "nl:theft": 1.0,
          "p:loss": 1.0, "p:recover": 1.0}),
        ("10 ETH", Money(amount=10, currency="ETH"),
         {**base, "pos:body": 1.0, "mag:1": 1.0, "cur:ETH": 1.0, "crypto": 1.0, "s:theft": 1.0, "l:theft": 1.0,
          "nl:theft": 1.0, "p:loss": 1.0, "p:recover": 1.0}),
    ]  # fmt: skip


def test_the_first_sentence_has_no_previous_one() -> None:
    ((_, _, features),) = _features(money_candidates(_ctx("The firm lost $5,000. Ransom demands followed.")))
    assert features == {
        "bias_money": 1.0, "pos:lead": 1.0, "mag:3": 1.0, "cur:USD": 1.0, "rule_loss": 1.0,
        "s:loss": 1.0, "l:loss": 1.0, "nl:loss": 1.0,
    }  # fmt: skip


def test_an_amount_right_after_a_bracket_dash_or_comma_is_parenthetical() -> None:
    text = "($5,000 was lost.) It lost (\u00a32,000), then - $3,000, then , \u20ac4,000 and so $6,000 in the scam."
    got = {c.mention.text: "paren" in c.features for c in money_candidates(_ctx(text))}
    assert got == {"$5,000": True, "\u00a32,000": True, "$3,000": True, "\u20ac4,000": True, "$6,000": False}


def test_a_loss_is_no_rule_loss_beside_the_word_ransom_or_in_a_cryptocurrency() -> None:
    def rule_loss(text: str) -> list[bool]:
        return ["rule_loss" in c.features for c in money_candidates(_ctx(text))]

    assert rule_loss("The firm lost $5,000 in the theft.") == [True]
    assert rule_loss("The firm lost $5,000 to the ransom gang.") == [False]
    assert rule_loss("The exchange lost 5 BTC in the theft.") == [False]
    assert rule_loss("The firm paid $5,000 to the gang.") == [False]


def test_magnitudes_from_one_up_to_the_cap() -> None:
    text = "They stole $1 first, then $9, then $10, then $50 trillion."
    got = [[k for k in c.features if k.startswith("mag:")] for c in money_candidates(_ctx(text))]
    assert got == [["mag:0"], ["mag:0"], ["mag:1"], ["mag:10"]]


def test_currencies_by_prefix_and_by_word() -> None:
    text = "It lost A$5,000, then 500 US dollars, then 20 euros, then NZ$7 and 9 yuan."
    assert [c.mention.value for c in money_candidates(_ctx(text))] == [
        Money(amount=5_000, currency="AUD"),
        Money(amount=500, currency="USD"),
        Money(amount=20, currency="EUR"),
        Money(amount=7, currency="NZD"),
        Money(amount=9, currency="CNY"),
    ]


def test_a_zero_amount_is_skipped_and_the_search_goes_on() -> None:
    got = [c.mention.value for c in money_candidates(_ctx("The firm lost $0, then $1, then $500 in the breach."))]
    assert got == [Money(amount=1, currency="USD"), Money(amount=500, currency="USD")]


def test_five_hundred_amounts_are_considered() -> None:
    flood = " ".join(f"The firm lost ${1000 + i}." for i in range(600))
    assert len(money_candidates(_ctx(flood))) == 500


def test_each_tie_to_extortion_on_its_own() -> None:
    def tied(text: str) -> list[str]:
        return [c.mention.text for c in ransom_candidates(_ctx(text))]

    assert tied("The gang demanded $9,000.") == ["$9,000"]  # an extortion word in the sentence
    assert tied("The gang sent a ransom note. The firm paid $7,000.") == ["$7,000"]  # ... in the one before
    assert tied("The thieves took $5,000 in bitcoin from the exchange.") == ["$5,000"]  # a cryptocurrency word
    assert tied("The exchange sent 10 ETH to the thieves.") == ["10 ETH"]  # a cryptocurrency amount
    assert tied("The thieves took $5,000 from the exchange.") == []


def test_reported_amounts_are_in_text_order_headline_first_up_to_fifty() -> None:
    got = extract_ransom_demands(
        _ctx(
            "The gang demanded a ransom of $20,000 in bitcoin to unlock the files.",
            title="Hackers demand $50,000 ransom from Acme",
        )
    )
    assert [(m.evidence.source, m.value) for m in got] == [
        ("title", Money(amount=50_000, currency="USD")),
        ("text", Money(amount=20_000, currency="USD")),
    ]
    many = " ".join(f"The firm lost ${1000 + i} in the theft." for i in range(60))
    assert [m.value for m in extract_financial_losses(_ctx(many))] == [
        Money(amount=1000 + i, currency="USD") for i in range(50)
    ]
