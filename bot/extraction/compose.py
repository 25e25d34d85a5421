"""Title and 1-3 sentence summary, chosen from the article's own sentences (never invented)."""

from __future__ import annotations

import re

from bot.extraction.schema import IncidentType, Mention
from bot.extraction.text import Doc, Sentence

SUMMARY_MAX_CHARS = 600
TITLE_MAX_CHARS = 200
# The lead of a news story carries who/what; facts further down are details. Only the first
# sentences compete for the summary (12 covers the lead and nut graf of typical security news).
_CANDIDATE_SENTENCES = 12
_TYPE_LABELS = {
    IncidentType.DATA_BREACH: "data breach",
    IncidentType.RANSOMWARE: "ransomware attack",
    IncidentType.PHISHING: "phishing campaign",
    IncidentType.ACCOUNT_COMPROMISE: "account compromise",
    IncidentType.MALWARE: "malware",
    IncidentType.DDOS: "DDoS attack",
    IncidentType.DEFACEMENT: "defacement",
    IncidentType.VULNERABILITY: "vulnerability",
    IncidentType.PATCH: "security update",
    IncidentType.INSIDER: "insider incident",
    IncidentType.SUPPLY_CHAIN: "supply-chain attack",
    IncidentType.ESPIONAGE: "espionage",
    IncidentType.FRAUD: "fraud",
    IncidentType.OUTAGE: "outage",
    IncidentType.OTHER: "security incident",
}
# A sentence after the lead joins the summary only if it states at least one weighted fact or
# reads as an incident sentence with some fact; pure colour ("the tweet that prompted…") does not.
_MIN_EXTRA_SCORE = 2.0
_INCIDENT_WORDS = re.compile(
    r"hack|breach|attack|ransom|phish|scam|stole|stolen|leak|expos|compromis|malware|vulnerab|flaw|"
    r"patch|exploit|fraud|unauthori[sz]ed|intrusion|cyber|access(?:ed|ing)?\b",
    re.I,
)


def type_label(t: IncidentType) -> str:
    return _TYPE_LABELS[t]


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "\u2026"


def make_title(doc: Doc, types: list[IncidentType], victims: list[Mention], is_incident: bool) -> str:
    """The article's title when it has one; otherwise 'Victim: type' or the first sentence."""
    if doc.title.strip():
        return _clip(doc.title, TITLE_MAX_CHARS)
    if is_incident and victims and types:
        return _clip(f"{victims[0].text}: {type_label(types[0])}", TITLE_MAX_CHARS)
    if doc.sentences:
        return _clip(doc.sentences[0].text, TITLE_MAX_CHARS)
    return "Untitled text"


def _covers(sent: Sentence, mentions: list[Mention]) -> int:
    return sum(1 for m in mentions if m.evidence.source == "text" and sent.start <= m.evidence.start < sent.end)


def make_summary(doc: Doc, facts: list[tuple[float, list[Mention]]]) -> str:
    """Pick up to three lead sentences that together state the most extracted facts (each field
    weighted by how much it says about who/what/how/impact)."""
    candidates = doc.sentences[:_CANDIDATE_SENTENCES]
    if not candidates:
        return _clip(doc.title, SUMMARY_MAX_CHARS) if doc.title.strip() else ""
    scored: list[tuple[float, Sentence]] = []
    for pos, sent in enumerate(candidates):
        if len(sent.text) < 25 or (sent.text.count('"') >= 2 and len(sent.text) < 80):
            continue  # captions, datelines and short quotes make poor summaries
        s = sum(weight * min(_covers(sent, f), 2) for weight, f in facts)
        incident_words = _INCIDENT_WORDS.search(sent.norm) is not None
        s += 1.5 if incident_words else 0.0
        # The lead of a news story states who and what: when it reads as an incident sentence it
        # always opens the summary; later sentences get a bonus fading with their position.
        s += 100.0 if pos == 0 and incident_words else max(0.0, 1.0 - pos * 0.15)
        scored.append((s, sent))
    if not scored:
        return _clip(candidates[0].text, SUMMARY_MAX_CHARS)
    scored.sort(key=lambda x: (-x[0], x[1].start))
    chosen: list[Sentence] = []
    length = 0
    for s, sent in scored:
        if len(chosen) == 3 or (chosen and s < _MIN_EXTRA_SCORE):
            break
        if length + len(sent.text) + 1 > SUMMARY_MAX_CHARS:
            if chosen:
                continue
        chosen.append(sent)
        length += len(sent.text) + 1
    chosen.sort(key=lambda x: x.start)
    return _clip(" ".join(c.text for c in chosen), SUMMARY_MAX_CHARS)
