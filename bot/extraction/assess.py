"""Severity (with its reason) and status of an incident, from the extracted facts and cue phrases."""

from __future__ import annotations

import re

from bot.extraction.schema import (
    IncidentType,
    Mention,
    Money,
    Severity,
    SeverityAssessment,
    Status,
)
from bot.extraction.text import Doc

T = IncidentType

# Thresholds follow the way breach notification regimes and news coverage grade impact: a
# million records makes national news, ten million is among the largest breaches of a year.
_HIGH_COUNT = 100_000
_CRITICAL_COUNT = 10_000_000
_HIGH_LOSS_USD = 1_000_000
_CRITICAL_LOSS_USD = 50_000_000

_SENSITIVE = re.compile(
    r"social security|passports?|medical|health|patient|card (?:numbers|details|data)|credit cards?|"
    r"bank account|passwords?|credentials|biometric",
    re.I,
)
_CRITICAL_INFRA = re.compile(
    r"hospitals?|power grid|electric\w*|water (?:utility|supply|treatment)|pipeline|nuclear|"
    r"air traffic|emergency services|911"
)
_EXPLOITED = re.compile(r"actively exploited|exploited in the wild|in-the-wild|zero-day|0-day|under active attack")
_CRITICAL_WORD = re.compile(r"\bcritical(?:-severity)? (?:vulnerabilit|flaw|bug|security)")


def _amount(m: Mention) -> float:
    if isinstance(m.value, Money):
        return m.value.amount if m.value.currency in ("USD", "EUR", "GBP") else 0.0
    return float(m.value) if isinstance(m.value, int | float) else 0.0


def _max_value(mentions: list[Mention]) -> float:
    return max((_amount(m) for m in mentions), default=0.0)


def _loss_reason(losses: list[Mention]) -> str:
    # As the article writes the amount ("$1.9M", "£2 million"): the bare number would drop the
    # currency the reader needs.
    largest = max(losses, key=_amount)
    return f"losses of {largest.text}"


def assess_severity(
    doc: Doc,
    *,
    is_incident: bool,
    types: list[IncidentType],
    affected_counts: list[Mention],
    financial_losses: list[Mention],
    compromised_data: list[Mention],
) -> SeverityAssessment:
    """Grade the impact; the reason names the fact that decided it."""
    if not is_incident:
        return SeverityAssessment(level=Severity.UNKNOWN, reason="not a security incident")
    count = _max_value(affected_counts)
    loss = _max_value(financial_losses)
    head = doc.title_lower + "\n" + doc.lower[:3000]
    if count >= _CRITICAL_COUNT:
        return SeverityAssessment(level=Severity.CRITICAL, reason=f"{int(count):,} affected")
    if loss >= _CRITICAL_LOSS_USD:
        return SeverityAssessment(level=Severity.CRITICAL, reason=_loss_reason(financial_losses))
    if T.RANSOMWARE in types[:2] and (m := _CRITICAL_INFRA.search(head)):
        return SeverityAssessment(level=Severity.CRITICAL, reason=f"ransomware hitting {m.group(0).lower()}")
    if (m := _EXPLOITED.search(head)) and types and types[0] in (T.VULNERABILITY, T.PATCH):
        return SeverityAssessment(level=Severity.HIGH, reason=f"flaw {m.group(0).lower()}")
    if count >= _HIGH_COUNT:
        return SeverityAssessment(level=Severity.HIGH, reason=f"{int(count):,} affected")
    if loss >= _HIGH_LOSS_USD:
        return SeverityAssessment(level=Severity.HIGH, reason=_loss_reason(financial_losses))
    if types and types[0] == T.RANSOMWARE:
        return SeverityAssessment(level=Severity.HIGH, reason="ransomware disrupts operations")
    for m2 in compromised_data:
        if _SENSITIVE.search(m2.text):
            return SeverityAssessment(level=Severity.HIGH, reason=f"sensitive data exposed: {m2.text}")
    if types and types[0] in (T.VULNERABILITY, T.PATCH):
        if _CRITICAL_WORD.search(head):
            return SeverityAssessment(level=Severity.HIGH, reason="flaw rated critical")
        return SeverityAssessment(level=Severity.MEDIUM, reason="flaw disclosed, no exploitation reported")
    if count or compromised_data:
        return SeverityAssessment(level=Severity.MEDIUM, reason="limited data or people affected")
    return SeverityAssessment(level=Severity.MEDIUM, reason="impact not stated")


# Cue patterns below are lower-case: they run on Doc.lower, which is faster than re.IGNORECASE.
# Ordered: the first status whose cue appears wins (resolution is reported after investigation).
_STATUS_CUES: list[tuple[Status, re.Pattern[str]]] = [
    (
        Status.RESOLVED,
        re.compile(
            r"has been (?:fixed|resolved|restored|patched)|have been (?:fixed|resolved|restored|patched)|"
            r"(?:fully )?restored|(?:released|issued|shipped|rolled out) (?:a |an )?(?:\w+ ){0,2}?(?:patch|fix|update)"
            r"|(?:patch|fix|update)(?:es|s)? (?:is|are|was|were) (?:now )?available"
            r"|\bpatch(?:es|ed) (?:a |the |an )?(?:\w+ ){0,2}?(?:flaw|bug|vulnerabilit|hole|zero-day)"
        ),
    ),
    (
        Status.CONTAINED,
        re.compile(
            r"\bcontained\b|regained (?:control|access)|secured (?:the|its)|taken offline|shut down the|"
            r"blocked (?:the )?(?:attack|access)|reset (?:the )?passwords"
        ),
    ),
    (
        Status.INVESTIGATING,
        re.compile(r"investigat\w*|looking into|working to (?:determine|understand)|forensic"),
    ),
    (
        Status.DISCLOSED,
        re.compile(r"disclosed|announced|notif(?:y|ied|ying)|confirmed|revealed|reported"),
    ),
]


def assess_status(doc: Doc, *, is_incident: bool, types: list[IncidentType]) -> Status:
    """The latest stage the article reports."""
    if not is_incident:
        return Status.UNKNOWN
    head = doc.title_lower + "\n" + doc.lower[:5000]
    found = {status for status, rx in _STATUS_CUES if rx.search(head)}
    # An ongoing investigation is the news even when a fix for one part is mentioned, except for
    # patch stories, where the fix is the point.
    if types and types[0] != T.PATCH and Status.INVESTIGATING in found:
        return Status.INVESTIGATING
    for status, _ in _STATUS_CUES:
        if status in found:
            return status
    return Status.UNKNOWN
