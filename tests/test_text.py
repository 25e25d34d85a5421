"""Text preparation: folding keeps offsets, sentences keep their place in the source."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.extraction.text import Doc, fold, split_sentences


@given(st.text())
def test_fold_keeps_every_offset(text: str) -> None:
    assert len(fold(text)) == len(text)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=2000))
def test_sentences_are_slices_of_the_source(text: str) -> None:
    doc = Doc(text=text, title="A title")
    last_end = 0
    for s in doc.sentences:
        assert text[s.start : s.end] == s.text
        assert doc.norm[s.start : s.end] == s.norm
        assert s.start >= last_end
        last_end = s.end


def test_splits_on_sentence_ends_but_not_abbreviations() -> None:
    text = (
        "Mr. Smith works at Acme Inc. in the U.S. and met Dr. Jones. The breach began on Jan. 5. "
        "Was data stolen? Nobody knows!\nA heading line\nAnother line."
    )
    parts = [s.text for s in split_sentences(text, fold(text), "text")]
    assert parts == [
        "Mr. Smith works at Acme Inc. in the U.S. and met Dr. Jones.",
        "The breach began on Jan. 5.",
        "Was data stolen?",
        "Nobody knows!",
        "A heading line",
        "Another line.",
    ]


def test_quote_and_its_attribution_stay_together() -> None:
    text = "\u201cWe were not hacked!\u201d Mr. Lee said on Friday. The firm agreed."
    parts = [s.text for s in split_sentences(text, fold(text), "text")]
    assert parts == ["\u201cWe were not hacked!\u201d Mr. Lee said on Friday.", "The firm agreed."]


def test_sentence_lookup_by_offset() -> None:
    doc = Doc(text="First one here. Second one there.")
    second = doc.sentences[1]
    assert doc.sentence_at("text", second.start + 3) == second
    assert doc.sentence_at("text", 10_000) is None
