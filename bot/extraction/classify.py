"""Is this text about a security incident, and of which types (ranked)?"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.extraction.schema import IncidentType
from bot.extraction.text import Doc

T = IncidentType

# Cue phrases per type with a weight. Written from general security-news vocabulary.
_CUES: dict[IncidentType, list[tuple[str, float]]] = {
    T.DATA_BREACH: [(r"data breach|breach(?:ed)?|leak(?:ed)?|exposed|stolen data|hack(?:ed)?", 1.0)],
    T.RANSOMWARE: [(r"ransom(?:ware)?|extort\w*|encrypt(?:ed)? (?:files|data|systems)", 1.5)],
    T.PHISHING: [(r"phish\w*|scam\w*|fraudulent e-?mails?|social engineering|impersonat\w*", 1.5)],
    T.VULNERABILITY: [(r"vulnerabilit\w*|flaw|bug|exploit\w*|zero-day|CVE-\d{4}", 1.0)],
    T.PATCH: [(r"patch(?:ed|es)?|security update|fix(?:ed|es)?|update[sd]? to version", 1.0)],
    T.ACCOUNT_COMPROMISE: [(r"account (?:was |were )?(?:hacked|compromised|hijacked)|takeover", 1.5)],
    T.MALWARE: [(r"malware|trojan|botnet|spyware|backdoor", 1.0)],
    T.DDOS: [(r"\bddos\b|denial[- ]of[- ]service", 2.0)],
}
_COMPILED = {t: [(re.compile(p, re.I), w) for p, w in cues] for t, cues in _CUES.items()}


@dataclass(frozen=True)
class Classification:
    types: list[IncidentType]
    is_incident: bool
    confidence: float
    scores: dict[IncidentType, float]


def classify(doc: Doc) -> Classification:
    """Score each type by its cues (title counts triple); no cue at all means not an incident."""
    scores: dict[IncidentType, float] = {}
    for t, cues in _COMPILED.items():
        s = 0.0
        for rx, w in cues:
            s += 3 * w * len(rx.findall(doc.title_norm)) + w * len(rx.findall(doc.norm))
        if s > 0:
            scores[t] = s
    ranked = sorted(scores, key=lambda t: (-scores[t], list(IncidentType).index(t)))
    total = sum(scores.values())
    is_incident = total >= 2.0
    confidence = min(0.95, total / 10) if is_incident else min(0.2, total / 10)
    return Classification(ranked or [T.OTHER], is_incident, round(confidence, 2), scores)
