"""End-to-end behaviour of the extraction core on articles written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.errors import EmptyInputError, InputTooLargeError
from bot.extraction import Article, IncidentSummary, summarize_article
from bot.extraction.schema import Evidence, IncidentType, Mention
from tests.conftest import example

EXAMPLES = ["ransomware-hospital.txt", "credential-leak.txt", "patch-release.txt", "payment-fraud.txt"]

SPORTS = Article(
    title="Late winner sends Harbour City into the cup final",
    text=(
        "Harbour City reached the cup final on Saturday after a late header from their captain beat "
        "Westmoor 2-1 in front of a sell-out crowd. The visitors had led at half-time through a penalty, "
        "but the home side pressed for the rest of the match and the winner arrived two minutes from time. "
        "The manager praised the supporters and said the squad would rest before the final next month."
    ),
)
ELECTION = Article(
    title="Turnout rises as polls close in the regional election",
    text=(
        "Voters in the northern province turned out in record numbers on Sunday to elect a new regional "
        "assembly. Officials said turnout passed 70 percent by late afternoon, well above the previous vote. "
        "The two main parties campaigned on housing and transport, and the first results are expected "
        "after midnight, when counting in the larger towns is finished."
    ),
)


def _all_evidence(s: IncidentSummary) -> list[tuple[str, str, Evidence]]:
    """(field, surface, evidence) for every fact in a summary."""
    out: list[tuple[str, str, Evidence]] = []
    for name in IncidentSummary.model_fields:
        value = getattr(s, name)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, Mention):
                    out.append((name, item.text, item.evidence))
    for st in s.statements:
        out.append(("statements.quote", st.quote.text, st.quote.evidence))
        if st.speaker:
            out.append(("statements.speaker", st.speaker.text, st.speaker.evidence))
    v = s.vulnerability
    if v is not None:
        singles = [("vulnerability.vendor", v.vendor), ("vulnerability.exploited", v.exploited_evidence)]
        lists = [
            ("vulnerability.products", v.products),
            ("vulnerability.affected_versions", v.affected_versions),
            ("vulnerability.fixed_versions", v.fixed_versions),
            ("vulnerability.cvss", v.cvss),
        ]
        out += [(f, m.text, m.evidence) for f, m in singles if m is not None]
        out += [(f, m.text, m.evidence) for f, ms in lists for m in ms]
    for r in s.related_incidents:
        for name in type(r).model_fields:
            value = getattr(r, name)
            if isinstance(value, list):
                out += [(f"related.{name}", m.text, m.evidence) for m in value if isinstance(m, Mention)]
    return out


PUBLISHED = dt.date(2024, 5, 2)
MENTION_FIELDS = [
    name
    for name, f in IncidentSummary.model_fields.items()
    if f.annotation == list[Mention]  # victims, attackers, dates, ... every list of Mentions
]


def _check_evidence(article: Article, summary: IncidentSummary) -> list[tuple[str, str, Evidence]]:
    facts = _all_evidence(summary)
    for field, surface, ev in facts:
        source = article.text if ev.source == "text" else (article.title or "")
        assert source[ev.start : ev.end] == surface, (field, surface, ev)
        assert surface in ev.sentence, (field, surface)
        assert ev.sentence in source, (field, ev.sentence)
    for ind in summary.indicators:
        source = article.text if ind.evidence.source == "text" else (article.title or "")
        assert ind.evidence.end > ind.evidence.start
        assert source[ind.evidence.start : ind.evidence.end] in ind.evidence.sentence
    return facts


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_fact_points_at_its_own_words(name: str) -> None:
    article = example(name).model_copy(update={"published": PUBLISHED})
    facts = _check_evidence(article, summarize_article(article))
    assert len(facts) >= 3, f"too few facts extracted from {name}: {facts}"


def test_the_examples_exercise_every_field() -> None:
    """The evidence check above is only as good as the fields it sees: together the examples
    must fill every Mention field, statements and indicators."""
    filled: set[str] = set()
    for name in EXAMPLES:
        summary = summarize_article(example(name).model_copy(update={"published": PUBLISHED}))
        filled |= {field for field, _, _ in _all_evidence(summary)}
        filled |= {"indicators"} if summary.indicators else set()
    expected = {*MENTION_FIELDS, "statements.quote", "statements.speaker", "indicators"}
    assert expected - filled == set()


def test_ransomware_example_reads_as_ransomware() -> None:
    s = summarize_article(example("ransomware-hospital.txt"))
    assert s.is_incident
    assert s.incident_type is IncidentType.RANSOMWARE
    assert s.severity.level.value in ("high", "critical")
    assert s.status.value == "investigating"
    assert any(m.value == 48_000 for m in s.affected_counts)
    quotes = [st for st in s.statements if st.speaker is not None]
    assert quotes
    assert "Helen Marsh" in quotes[0].speaker.text
    assert any("phishing" in m.text.lower() for m in s.attack_vector)
    assert 0 < len(s.summary) <= 600


def test_leak_example_names_the_company_that_left_its_data_open() -> None:
    # "Parcelo" is capitalized only at sentence starts in the body; the sentence-case headline
    # ("Fintech startup Parcelo exposes ...") is what shows it is a name
    s = summarize_article(example("credential-leak.txt"))
    assert s.incident_type is IncidentType.DATA_BREACH
    assert [m.text for m in s.victims] == ["Parcelo"]
    assert any(m.value == 2_300_000 for m in s.affected_counts)


def test_patch_example_has_cve_and_defanged_indicators() -> None:
    s = summarize_article(example("patch-release.txt"))
    assert s.incident_type in (IncidentType.PATCH, IncidentType.VULNERABILITY)
    assert [m.value for m in s.cves] == ["CVE-2024-21887"]
    values = {i.value for i in s.indicators}
    assert values == {"hXXp://update-check[.]example[.]net/gate[.]php"}
    # 203.0.113.45 is a documentation address (RFC 5737): never an indicator (bot/extraction/benign.py)
    assert all("203" not in v for v in values)
    # a vulnerability story has no victims or stolen data of its own
    assert s.victims == []
    assert s.compromised_data == []


@pytest.mark.parametrize("article", [SPORTS, ELECTION, example("not-an-incident.txt")])
def test_texts_that_are_not_incidents_say_so(article: Article) -> None:
    s = summarize_article(article)
    assert s.is_incident is False
    assert s.confidence < 0.3
    assert s.victims == []
    assert s.attackers == []
    assert s.compromised_data == []
    assert s.severity.level.value == "unknown"


def test_same_input_same_output() -> None:
    article = example("ransomware-hospital.txt")
    first = summarize_article(article).model_dump_json()
    assert all(summarize_article(article).model_dump_json() == first for _ in range(3))


def test_relative_dates_resolve_against_the_published_date() -> None:
    article = Article(
        title="Regional council confirms breach",
        text=(
            "Hackers broke into the email system of the Brookfield County Council last Friday and stole "
            "the personal details of 12,000 residents, the council said."
        ),
        published=dt.date(2024, 3, 13),  # a Wednesday
    )
    s = summarize_article(article)
    assert "2024-03-08" in [m.value for m in s.dates]


def test_json_round_trip_keeps_the_contract() -> None:
    s = summarize_article(example("credential-leak.txt"))
    data = s.model_dump(mode="json")
    assert data["schema_version"] == 1
    for key in (
        "title",
        "summary",
        "incident_type",
        "incident_types",
        "severity",
        "status",
        "is_incident",
        "confidence",
        "victims",
        "attackers",
        "dates",
        "locations",
        "compromised_data",
        "affected_counts",
        "financial_losses",
        "ransom_demands",
        "cves",
        "affected_products",
        "tools",
        "attack_vector",
        "statements",
        "indicators",
        "source",
    ):
        assert key in data
    assert IncidentSummary.model_validate_json(s.model_dump_json()) == s


def test_empty_text_is_a_typed_error() -> None:
    with pytest.raises(EmptyInputError):
        summarize_article(Article(text="   \n "))


def test_oversized_text_is_a_typed_error() -> None:
    with pytest.raises(InputTooLargeError):
        summarize_article(Article(text="word " * 500_000))


@pytest.mark.parametrize(
    "text",
    [
        "ransomware",
        "Les pirates ont volé les données de 10 000 clients de la banque, a annoncé la société lundi.",
        "<html><body><p>Hackers stole <b>customer data</b> from Acme Corp.</p><script>x()</script></body></html>",
        "<!channel> <@U012345> <http://evil.example|trusted.example> hackers breached Acme Corp &amp; stole data",
        "\x00\x01\x02\xff\xfe binary \x7f junk \x1b[31m" * 50,
        "a" * 200_000,
        "CVE-2024-0001 " * 10_000,
    ],
)
def test_odd_input_gives_a_result_not_a_crash(text: str) -> None:
    s = summarize_article(Article(text=text))
    assert isinstance(s, IncidentSummary)
    for _, surface, ev in _all_evidence(s):
        assert text[ev.start : ev.end] == surface
