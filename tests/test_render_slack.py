"""Block Kit rendering: escaping of everything article-derived, and every Block Kit limit."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.digest_schedule import DigestItem, build_digest
from bot.extraction import Article, summarize_article
from bot.extraction.schema import (
    Evidence,
    IncidentSummary,
    IncidentType,
    Mention,
    RelatedIncident,
    Severity,
    SeverityAssessment,
    Status,
)
from bot.render.facts import fact_rows
from bot.render.slack import (
    MAX_BLOCKS,
    MAX_HEADER_CHARS,
    MAX_SECTION_CHARS,
    CardContext,
    Judged,
    ListedIncident,
    already_reported_blocks,
    card,
    digest_blocks,
    escape,
    evidence_blocks,
    home_view,
    incident_list_blocks,
    truncate,
)
from tests.conftest import EXAMPLES, example

HOSTILE = (
    "<!channel> <!here> <@U0123ABC> hackers breached <http://evil.example|Acme Bank> &amp; stole the "
    "passwords of 40,000 customers of Acme Bank, the bank said on Monday."
)


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                out.append(node["text"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(blocks)
    return out


@given(st.text())
def test_escape_leaves_no_control_characters(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped
    assert ">" not in escaped
    assert re.sub(r"&(amp|lt|gt);", "", escaped).count("&") == 0


@given(st.text(min_size=1), st.integers(min_value=2, max_value=200))
def test_truncate_respects_the_limit(text: str, limit: int) -> None:
    out = truncate(escape(text), limit)
    assert len(out) <= limit
    assert not re.search(r"&[a-z]*\u2026$", out)  # never cuts an escape in half


def test_hostile_article_cannot_ping_or_disguise_links() -> None:
    summary = summarize_article(Article(title="<!channel> Acme Bank <@U0123ABC> breach", text=HOSTILE))
    blocks, fallback = card(summary, CardContext(incident_id="42", evidence_key="42:1", requested_by="U777"))
    rendered = [*_texts(blocks), fallback]
    for text in rendered:
        assert "<!channel>" not in text
        assert "<!here>" not in text
        assert "<@U0123ABC>" not in text
        assert "<http://evil.example" not in text
    # the only live mention is the requester the bot itself added
    assert re.findall(r"<@(\w+)>", json.dumps(blocks)) == ["U777"]


def test_huge_article_fits_block_kit_limits() -> None:
    base = example("ransomware-hospital.txt")
    long_title = "Ransomware " * 40
    text = (base.text + "\n\n") * 60
    # a made headline is short; a long one (the article's own, when nothing made one) must still fit
    summary = summarize_article(Article(title=long_title, text=text)).model_copy(update={"title": long_title})
    blocks, fallback = card(summary, CardContext(incident_id="x" * 3000, evidence_key="y" * 3000))
    assert len(blocks) <= MAX_BLOCKS
    header = blocks[0]["text"]["text"]
    assert len(header) <= MAX_HEADER_CHARS
    assert header.endswith("\u2026")
    for b in blocks:
        if b["type"] == "section" and "text" in b:
            assert len(b["text"]["text"]) <= MAX_SECTION_CHARS
        for f in b.get("fields", []):
            assert len(f["text"]) <= 2000
        assert len(b.get("fields", [])) <= 10
        for e in b.get("elements", []):
            assert len(e.get("value", "")) <= 2000
    assert 0 < len(fallback) <= 3000 * 5 // 4  # escaping can only grow what was cut at 3000


def test_card_shows_the_key_facts_and_button() -> None:
    summary = summarize_article(example("ransomware-hospital.txt"))
    blocks, fallback = card(
        summary,
        CardContext(
            incident_id="17",
            evidence_key="17:3",
            already_reported=True,
            first_report_link="https://acme.slack.com/archives/C1/p1",
        ),
    )
    text = "\n".join(_texts(blocks))
    assert "Northbridge Regional Hospital" in text
    assert "Already reported" in text
    assert "https://acme.slack.com/archives/C1/p1" in text
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert buttons
    assert buttons[0]["value"] == "17:3"
    assert buttons[0]["action_id"] == "show_evidence"
    assert "RANSOMWARE" in fallback.upper()


def test_not_an_incident_card_is_one_polite_line() -> None:
    summary = summarize_article(example("not-an-incident.txt"))
    blocks, fallback = card(summary)
    assert len(blocks) == 1
    assert fallback.startswith("No security incident found")


def test_evidence_view_quotes_sentences_escaped() -> None:
    summary = summarize_article(Article(text=HOSTILE))
    blocks = evidence_blocks(summary)
    joined = "\n".join(_texts(blocks))
    assert "<!channel>" not in joined
    assert len(blocks) <= MAX_BLOCKS


def test_vulnerability_facts_and_related_incidents_are_escaped() -> None:
    # every new row of a flaw card (vendor, versions, CVSS, exploitation) and the related-incident
    # line come from the article: markup in them must reach Slack as text
    hostile = "<!channel> Quillon <@U0123ABC> <http://evil.example|Labs>"
    base = summarize_article(example("patch-release.txt"))
    assert base.vulnerability is not None
    vendor = base.vulnerability.vendor
    assert vendor is not None
    bad = vendor.model_copy(update={"text": hostile})
    summary = base.model_copy(
        update={
            "vulnerability": base.vulnerability.model_copy(
                update={"vendor": bad, "affected_versions": [bad], "fixed_versions": [bad], "cvss": [bad]}
            ),
            "related_incidents": [
                RelatedIncident(
                    name=hostile, incident_type=IncidentType.DATA_BREACH, evidence=bad.evidence, victims=[bad]
                )
            ],
        }
    )
    blocks, fallback = card(summary)
    rendered = json.dumps(blocks)
    assert "Quillon" in rendered  # the rows are there
    for text in [*_texts(blocks), fallback]:
        assert "<!channel>" not in text
        assert "<@U0123ABC>" not in text
        assert "<http://evil.example" not in text


def _mention(text: str, sentence: str, start: int) -> Mention:
    return Mention(text=text, evidence=Evidence(source="text", start=start, end=start + len(text), sentence=sentence))


def _written(**facts: Any) -> IncidentSummary:
    return IncidentSummary(
        title="Ferrow Dairy hit by ransomware",
        summary="Ferrow Dairy was hit by ransomware.",
        incident_type=IncidentType.RANSOMWARE,
        incident_types=[IncidentType.RANSOMWARE],
        severity=SeverityAssessment(level=Severity.HIGH, reason="test"),
        status=Status.INVESTIGATING,
        is_incident=True,
        confidence=0.9,
        **facts,
    )


def test_evidence_view_quotes_each_sentence_once_with_the_facts_it_gives() -> None:
    one = "Ferrow Dairy said the Quarry Wolves gang stole payroll files of 900 staff."
    two = "The intrusion began on 3 May."
    summary = _written(
        victims=[_mention("Ferrow Dairy", one, 100)],
        attackers=[_mention("Quarry Wolves", one, 120)],
        compromised_data=[_mention("payroll files", one, 150)],
        affected_counts=[_mention("900 staff", one, 167)],
        dates=[
            Mention(text="3 May", value="2026-05-03", evidence=Evidence(source="text", start=20, end=25, sentence=two))
        ],
    )
    blocks = evidence_blocks(summary)
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(sections) == 2  # two sentences, each quoted once
    assert sections[0].startswith("> _The intrusion began on 3 May._")  # the article's order
    assert "*When:* 3 May" in sections[0]
    assert sections[1].count("Ferrow Dairy said") == 1
    for fact in ("*Victims:* Ferrow Dairy", "*Attackers:* Quarry Wolves", "*Data:* payroll files", "*Affected:* 900"):
        assert fact in sections[1]


def test_a_name_is_shown_once_across_attackers_and_tools() -> None:
    s = "Ferrow Dairy blamed LockBit; the LockBit ransomware and Cobalt Strike were found."
    summary = _written(
        victims=[_mention("Ferrow Dairy", s, 0)],
        attackers=[_mention("LockBit", s, 20), _mention("lockbit", s, 40)],
        tools=[_mention("LockBit ransomware", s, 40), _mention("Cobalt Strike", s, 63), _mention("LockBit", s, 20)],
    )
    rows = dict(fact_rows(summary))
    assert [m.text for m in rows["Attackers"]] == ["LockBit"]
    assert [m.text for m in rows["Tools"]] == ["Cobalt Strike"]
    text = "\n".join(_texts(card(summary)[0]))
    assert text.count("LockBit") == 1


def test_lists_say_when_it_happened_and_when_it_was_first_seen() -> None:
    s = "The intrusion began on 3 May."
    dated = _written(
        dates=[Mention(text="3 May", value="2026-05-03", evidence=Evidence(source="text", start=0, end=5, sentence=s))]
    )
    undated = _written()
    blocks, _ = incident_list_blocks(
        [ListedIncident(1, dated, dt.date(2026, 5, 6), 1), ListedIncident(2, undated, dt.date(2026, 5, 7), 2)],
        heading="Latest",
        empty="none",
    )
    text = "\n".join(_texts(blocks))
    assert "happened 2026-05-03 · first seen 2026-05-06" in text
    assert "first seen 2026-05-07 · 2 sources" in text
    digest, _ = digest_blocks(
        build_digest(
            period="today",
            start=dt.datetime(2026, 5, 6, tzinfo=dt.UTC),
            end=dt.datetime(2026, 5, 7, tzinfo=dt.UTC),
            items=[DigestItem(1, dated, None, dt.date(2026, 5, 6))],
            previous_total=None,
        )
    )
    assert "happened 2026-05-03 · first seen 2026-05-06" in "\n".join(_texts(digest))


def test_already_reported_is_one_line_with_the_first_report() -> None:
    blocks, fallback = already_reported_blocks(
        _written(), incident_id="7", first_report_link="https://acme.slack.com/archives/C1/p1", requested_by="U9"
    )
    assert len(blocks) == 1
    text = blocks[0]["text"]["text"]
    assert "*Already reported*: Ferrow Dairy hit by ransomware" in text
    assert "<https://acme.slack.com/archives/C1/p1|first report>" in text
    assert "`#7`" in text
    assert "<@U9>" in text
    assert fallback.startswith("Already reported")


def test_the_home_tab_says_how_people_judged_the_cards() -> None:
    judged = Judged(cards=40, rated=20, accurate=12, corrected=3, per_field={"victims": 2, "incident_type": 1})
    view = home_view([], [], judged)
    text = "\n".join(_texts(view["blocks"]))
    assert "Marked accurate: 12 of 20 (60%) rated" in text
    assert "corrected: 3 of 40 (8%) — victims 5%, incident type 2%" in text
    assert "How accurate" not in "\n".join(_texts(home_view([], [], Judged(0, 0, 0, 0, {}))["blocks"]))


def test_a_corrected_card_says_who_and_the_evidence_view_says_what_a_person_set() -> None:
    summary = summarize_article(example("ransomware-hospital.txt"))
    from bot.domain.corrections import apply

    fixed = apply(summary, {"victims": ["Northbridge Regional Hospital", "Northbridge Health Trust"]})
    blocks, _ = card(fixed, CardContext(incident_id="4", corrected_by="U0FIX"))
    text = "\n".join(_texts(blocks))
    assert "corrected by <@U0FIX>" in text
    elements = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [e["text"]["text"] for e in elements if e["type"] == "button"] == ["Edit", "Accurate", "Something's wrong"]
    (menu,) = [e for e in elements if e["type"] == "overflow"]
    assert [o["value"] for o in menu["options"]] == ["4:stix", "4:misp", "4:csv"]
    assert [o["text"]["text"] for o in menu["options"]] == [
        "Export as STIX 2.1",
        "Export as MISP event",
        "Export as CSV",
    ]
    evidence = "\n".join(_texts(evidence_blocks(fixed)))
    assert "Set by a person" in evidence
    assert "Northbridge Health Trust" in evidence
    # the view Slack shows: a report's own summary, with what people set on the incident after it
    from_report = "\n".join(_texts(evidence_blocks(summary, fixed)))
    assert from_report.count("Northbridge Health Trust") == 1
    assert from_report.index("Set by a person") > from_report.index("was hit by a ransomware attack")
    assert "Set by a person" not in "\n".join(_texts(evidence_blocks(summary, summary)))


def test_a_link_preview_is_compact_and_escaped() -> None:
    from bot.render.unfurl import unfurl_blocks

    hostile = _written(victims=[_mention("<!channel> Ferrow *Dairy*", "x", 0)]).model_copy(
        update={"title": "<http://evil.example|Bank> hit"}
    )
    blocks = unfurl_blocks(hostile, incident_id=9)
    assert len(blocks) == 2
    text = "\n".join(_texts(blocks))
    assert "<!channel>" not in text
    assert "<http://evil.example|Bank>" not in text
    assert "ransomware · :large_orange_circle: high · victim:" in text
    assert "incident `#9`" in text
    assert "not stored" in "\n".join(_texts(unfurl_blocks(hostile, incident_id=None)))


def test_alert_card_says_why_and_escapes_names() -> None:
    from bot.domain.watchlist import Hit
    from bot.render.slack import alert_blocks

    summary = summarize_article(Article(text=(EXAMPLES / "ransomware-hospital.txt").read_text()))
    blocks, text = alert_blocks(
        summary, incident_id=7, hits=[Hit("Okta", "victim", "<!channel> Okta & Co")], again=True
    )
    why = blocks[0]["text"]["text"]
    assert why.startswith(":bell: *Watchlist alert* — names *&lt;!channel&gt; Okta &amp; Co* (victim)")
    assert "severity rose to" in why
    assert "<!channel>" not in json.dumps(blocks)
    assert "<!channel>" not in text
    feed_blocks, _ = alert_blocks(summary, incident_id=7, hits=[])
    assert feed_blocks[0]["text"]["text"].startswith(":bell: *Feed alert*")
    assert "severity rose" not in feed_blocks[0]["text"]["text"]


def test_feed_line_says_why_a_feed_is_paused() -> None:
    from bot.render.slack import FeedLine, feed_line

    line = FeedLine(3, "C1", "https://a.test/f?x=1|y", "Desk <b>", "every 15 min", 12, 4, 8, True, "404 at a.test")
    shown = feed_line(line, with_channel=True)
    assert shown.startswith("<#C1> `3` <https://a.test/f?x=1%7Cy|Desk &lt;b&gt;>")
    assert "*paused* after 8 failed reads: 404 at a.test" in shown
    active = feed_line(FeedLine(3, "C1", "https://a.test/f", None, "every 15 min", 12, 4, 0, False, None))
    assert active.endswith("every 15 min · 12 entries read, 4 incidents")
