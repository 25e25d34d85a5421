"""The ATT&CK mapping (bot/extraction/attack.py) on sentences written for it
(tests/extraction/attack_cases.py): its figures, and each rule it keeps."""

from __future__ import annotations

import pytest

from bench.attack_eval import figures, found
from bot.extraction import summarize_article as summarize
from bot.extraction.attack import TABLE
from bot.extraction.schema import Article, IncidentSummary
from tests.extraction.attack_cases import CASES, HELD_OUT


def test_enough_sentences_and_every_technique_is_exercised() -> None:
    assert len(CASES) + len(HELD_OUT) >= 40
    expected = {t for _, want in CASES for t in want}
    assert expected == {e.id for e in TABLE}


@pytest.mark.parametrize(("cases", "min_precision", "min_recall"), [(CASES, 0.95, 0.95), (HELD_OUT, 0.9, 0.5)])
def test_precision_and_recall_stay_where_docs_say(
    cases: tuple[tuple[str, frozenset[str]], ...], min_precision: float, min_recall: float
) -> None:
    tp, predicted, expected, _ = figures(cases)
    assert tp / max(1, predicted) >= min_precision
    assert tp / max(1, expected) >= min_recall


@pytest.mark.parametrize(
    "text",
    [
        "There is no evidence that the attackers exfiltrated any files.",
        "The vulnerability could allow a remote attacker to exploit the device.",
        "The company denied that its servers were encrypted.",
        "The guide explains how to avoid phishing emails.",
    ],
)
def test_a_denied_or_supposed_act_is_no_technique(text: str) -> None:
    assert found(text) == set()


def test_the_same_words_after_a_full_stop_count() -> None:
    # the denial belongs to the first sentence only
    assert found("The bank saw no fraud. Later, hackers exfiltrated its customer list.") == {"T1041"}


def test_a_sub_technique_replaces_its_parent_and_each_comes_once() -> None:
    text = (
        "The phishing email carried a malicious attachment. A second phishing email carried another "
        "malicious attachment."
    )
    assert found(text) == {"T1566.001"}


def test_each_technique_carries_the_words_and_sentence_that_state_it() -> None:
    text = (
        "Northwind Clinic said on Monday that ransomware had disrupted appointments. "
        "The attackers exfiltrated patient files before they encrypted the clinic's servers."
    )
    summary = summarize(Article(text=text, title="Northwind Clinic hit by ransomware"))
    by_id = {t.id: t for t in summary.attack_techniques}
    assert "T1041" in by_id
    assert by_id["T1041"].mention.text == "exfiltrated"
    assert by_id["T1041"].tactic == "exfiltration"
    sentence = by_id["T1041"].mention.evidence.sentence
    assert sentence.startswith("The attackers exfiltrated patient files")
    evidence = by_id["T1041"].mention.evidence
    assert text[evidence.start : evidence.end] == "exfiltrated"


def test_a_stored_summary_without_techniques_still_loads() -> None:
    summary = summarize(Article(text="Hackers encrypted the servers of Alder Mills, the company said on Monday."))
    data = summary.model_dump(mode="json")
    data.pop("attack_techniques")
    assert IncidentSummary.model_validate(data).attack_techniques == []


def test_the_docs_quote_the_current_figures() -> None:
    from tests.conftest import ROOT

    docs = (ROOT / "docs" / "exports.md").read_text()
    assert f"{len(TABLE)} techniques and sub-techniques" in docs
    for cases in (CASES, HELD_OUT):
        tp, predicted, expected, _ = figures(cases)
        assert f"precision {tp / max(1, predicted):.3f}  recall {tp / max(1, expected):.3f}" in docs


def test_the_word_prefilter_never_hides_a_technique() -> None:
    """Each entry's ``needs`` words are a cheap first check; searching every sentence for every
    technique must find nothing more, on every written sentence and example article."""
    from bot.extraction.attack import extract_techniques
    from bot.extraction.pipeline import prepare
    from tests.conftest import ROOT

    texts = [t for t, _ in (*CASES, *HELD_OUT)] + [p.read_text() for p in sorted((ROOT / "examples").glob("*.txt"))]
    for text in texts:
        ctx, _ = prepare(Article(text=text))
        assert extract_techniques(ctx) == extract_techniques(ctx, prefilter=False), text
