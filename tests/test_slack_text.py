"""Slack message text: unwrapping links and markup before anything is fetched or extracted."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.sources.slack_text import parse_submission, strip_leading_mentions, to_plain, unescape

ARTICLE_WORDS = " ".join(["Hackers stole customer records from Acme Corp last week, the company said."] * 6)


def test_markup_becomes_what_a_reader_sees() -> None:
    text = "Hi <@U123|ann>, see <https://a.example/x?a=1&amp;b=2|the story> in <#C1|security> &lt;now&gt; <!here>"
    assert to_plain(text) == "Hi @ann, see the story in #security <now> @here"


def test_leading_bot_mention_is_dropped() -> None:
    assert strip_leading_mentions("<@UBOT> <@U2> read this") == "read this"


def test_links_are_unwrapped_and_unescaped() -> None:
    sub = parse_submission("<@UBOT> <https://news.example/a?x=1&amp;y=2|label> and https://plain.example/b.")
    assert sub.pasted_text is None
    assert sub.links == ["https://news.example/a?x=1&y=2", "https://plain.example/b"]


def test_a_long_message_is_a_pasted_article_even_with_links() -> None:
    sub = parse_submission(f"<@UBOT> {ARTICLE_WORDS} More at <https://news.example/a>.")
    assert sub.links == []
    assert sub.pasted_text is not None
    assert sub.pasted_text.startswith("Hackers stole")
    assert "https://news.example/a" in sub.pasted_text


def test_an_empty_mention_asks_for_nothing() -> None:
    sub = parse_submission("<@UBOT>")
    assert sub.links == []
    assert sub.pasted_text is None


@given(st.text(max_size=500))
def test_parsing_never_fails_and_unescape_is_inverse_of_escaping(text: str) -> None:
    parse_submission(text)
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert unescape(escaped) == text
