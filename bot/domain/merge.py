"""Pure: the summary of an incident re-derived from the summaries of all of its sources.

The rule is meant to be explained in one breath (docs/storage.md):
- headline (title, summary, source) from the most confident report, earliest on a tie;
- mentions: the union across sources, in order of submission, de-duplicated by text and value;
- severity: the most severe; status: the latest report that states one;
- primary type: the most frequent, earliest on a tie; types: the union;
- is_incident if any report says so; confidence: the highest;
- related incidents: the union by name; vulnerability facts: lists united, "exploited" if any
  report says so.
Each merged mention keeps the evidence of the report it came from; the per-source summaries stay
stored, so every fact can still be checked against its own article.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TypeVar

from bot.extraction.schema import (
    IncidentSummary,
    Indicator,
    Mention,
    Severity,
    Statement,
    Status,
    VulnerabilityInfo,
)

SEVERITY_RANK = {
    Severity.UNKNOWN: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}

_M = TypeVar("_M", Mention, Statement, Indicator)

_MENTION_FIELDS = (
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
)


def _key(item: Mention | Statement | Indicator) -> str:
    if isinstance(item, Mention):
        return f"{' '.join(item.text.casefold().split())}|{item.value!r}"
    if isinstance(item, Statement):
        return " ".join(item.quote.text.casefold().split())
    return f"{item.kind}|{item.value.casefold()}"


def _union(lists: Sequence[Sequence[_M]]) -> list[_M]:
    seen: set[str] = set()
    out: list[_M] = []
    for items in lists:
        for item in items:
            k = _key(item)
            if k not in seen:
                seen.add(k)
                out.append(item)
    return out


def merge_summaries(summaries: Sequence[IncidentSummary]) -> IncidentSummary:
    """Re-derive one incident's summary from its sources' summaries, oldest report first."""
    if not summaries:
        raise ValueError("an incident has at least one source")
    if len(summaries) == 1:
        return summaries[0]
    # max() keeps the first of equals, so ties go to the earliest report.
    lead = max(summaries, key=lambda s: (s.is_incident, s.confidence))
    severity = max((s.severity for s in summaries), key=lambda a: SEVERITY_RANK[a.level])
    stated = [s.status for s in summaries if s.status is not Status.UNKNOWN]
    counts = Counter(s.incident_type for s in summaries)
    top = max(counts.values())
    primary = next(s.incident_type for s in summaries if counts[s.incident_type] == top)
    types = list(dict.fromkeys([primary, *(t for s in summaries for t in s.incident_types)]))
    update: dict[str, object] = {field: _union([getattr(s, field) for s in summaries]) for field in _MENTION_FIELDS}
    update.update(
        incident_type=primary,
        incident_types=types,
        severity=severity,
        status=stated[-1] if stated else Status.UNKNOWN,
        is_incident=any(s.is_incident for s in summaries),
        confidence=max(s.confidence for s in summaries),
        statements=_union([s.statements for s in summaries]),
        indicators=_union([s.indicators for s in summaries]),
        attack_techniques=list({t.id: t for s in reversed(summaries) for t in s.attack_techniques}.values())[::-1],
    )
    update["related_incidents"] = list(
        {r.name.casefold(): r for s in reversed(summaries) for r in s.related_incidents}.values()
    )[::-1]
    update["vulnerability"] = _merge_vulnerability([s.vulnerability for s in summaries if s.vulnerability])
    return lead.model_copy(update=update)


def _merge_vulnerability(found: Sequence[VulnerabilityInfo]) -> VulnerabilityInfo | None:
    """One flaw's facts from several reports: lists united; exploited "yes" when any report says
    so (a later report often learns of attacks), else "no" when one says so, else unknown."""
    if not found:
        return None
    said = [v for v in found if v.exploited != "unknown"]
    verdict = next((v for v in said if v.exploited == "yes"), said[0] if said else None)
    return VulnerabilityInfo(
        vendor=next((v.vendor for v in found if v.vendor is not None), None),
        products=_union([v.products for v in found]),
        affected_versions=_union([v.affected_versions for v in found]),
        fixed_versions=_union([v.fixed_versions for v in found]),
        exploited=verdict.exploited if verdict else "unknown",
        exploited_evidence=verdict.exploited_evidence if verdict else None,
        cvss=_union([v.cvss for v in found]),
    )
