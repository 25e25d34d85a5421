"""Fuzzing the pure core: any text gives a summary or a typed error, and evidence always holds."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import IncidentBotError
from bot.extraction import Article, summarize_article
from bot.extraction.schema import Mention

# Words that steer the text into the extractors' paths, mixed with arbitrary characters.
_WORDS = st.sampled_from(
    [
        "hackers",
        "stole",
        "ransomware",
        "breach",
        "Acme",
        "Corp",
        "said",
        "Tuesday",
        "2024",
        "million",
        "$5",
        "records",
        "CVE-2023-1234",
        "phishing",
        "patched",
        "vulnerability",
        "\u201c",
        "\u201d",
        ".",
        "<!channel>",
        "<@U123>",
        "&amp;",
        "1.2.3[.]4",
        "hxxp://x[.]com",
        "the",
        "of",
        "in",
        "London",
        "\n",
        "\x00",
        "bitcoin",
        "customers",
        "passwords",
        "Lazarus",
        "Group",
        "last",
        "Friday",
    ]
)
_TEXT = st.one_of(
    st.text(max_size=3000),
    st.lists(st.one_of(_WORDS, st.text(max_size=8)), max_size=400).map(" ".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, title=st.one_of(st.none(), st.text(max_size=200)))
def test_core_never_crashes_and_evidence_holds(text: str, title: str | None) -> None:
    try:
        s = summarize_article(Article(text=text, title=title))
    except IncidentBotError:
        return
    assert len(s.summary) <= 600
    for name in type(s).model_fields:
        value = getattr(s, name)
        if not isinstance(value, list):
            continue
        for m in value:
            if isinstance(m, Mention):
                src = text if m.evidence.source == "text" else (title or "")
                assert src[m.evidence.start : m.evidence.end] == m.text
