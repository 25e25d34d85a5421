"""CVE identifiers: surface as written, canonical value."""

from __future__ import annotations

from bot.extraction.cves import extract_cves
from bot.extraction.mentions import Context
from bot.extraction.text import Doc


def _cves(text: str, title: str = "") -> list[tuple[str, object]]:
    return [(m.text, m.value) for m in extract_cves(Context(doc=Doc(text=text, title=title)))]


def test_canonical_forms_and_dedupe() -> None:
    text = "The bug (cve-2017-0144) and CVE 2018 8120 were fixed; CVE-2017-0144 was exploited."
    assert _cves(text) == [("cve-2017-0144", "CVE-2017-0144"), ("CVE 2018 8120", "CVE-2018-8120")]


def test_leading_zeros_and_long_numbers() -> None:
    assert _cves("See CVE-2018-1002105 and CVE2018-0986.") == [
        ("CVE-2018-1002105", "CVE-2018-1002105"),
        ("CVE2018-0986", "CVE-2018-0986"),
    ]


def test_title_evidence() -> None:
    (m,) = extract_cves(Context(doc=Doc(text="No id here.", title="Patch CVE-2019-0708 now")))
    assert m.evidence.source == "title"
    assert m.value == "CVE-2019-0708"


def test_not_inside_other_tokens() -> None:
    assert _cves("XCVE-2017-0144 and CVE-2017-01") == []
