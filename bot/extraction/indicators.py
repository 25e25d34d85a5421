"""Indicators of compromise (IPs, domains, URLs, hashes, emails), defanged for display.

A fast regex finds candidate tokens with their spans; ioc-finder (imported lazily, it costs about
0.4 s to import and ~15 ms per call on a whole article) validates and classifies each short
candidate, and ioc-fanger defangs the value so a card never shows a clickable malicious link.
"""

from __future__ import annotations

import re
from typing import Any, cast

from bot.extraction.mentions import Context
from bot.extraction.schema import Indicator

# Tokens that could be an indicator: contain a (possibly defanged) dot, an @, or are long hex.
_CANDIDATE = re.compile(
    r"(?<![\w@.\[])(?:h(?:xx|tt)ps?(?:://|\[://\])\S+"  # URLs, fanged or defanged
    r"|[\w.+-]+(?:@|\[@\]|\[at\])[\w-]+(?:(?:\.|\[\.\]|\(\.\)|\[dot\])[\w-]+)+"  # emails
    r"|(?:[\w-]+(?:\.|\[\.\]|\(\.\)|\[dot\]))+[A-Za-z]{2,24}(?:/\S*)?"  # domains
    r"|\d{1,3}(?:(?:\.|\[\.\]|\(\.\))\d{1,3}){3}"  # IPv4
    r"|[A-Fa-f0-9]{32}(?:[A-Fa-f0-9]{8}(?:[A-Fa-f0-9]{24})?)?)(?![\w@])"  # md5/sha1/sha256
)
_KINDS: list[tuple[str, str]] = [
    ("urls", "url"),
    ("email_addresses", "email"),
    ("ipv4s", "ipv4"),
    ("ipv6s", "ipv6"),
    ("sha256s", "sha256"),
    ("sha1s", "sha1"),
    ("md5s", "md5"),
    ("domains", "domain"),
]
# Domains that are just the names of well-known sites in prose ("Amazon.com") are not indicators
# unless they come as a full URL; news copy mentions them constantly.
_MAX_INDICATORS = 50
_DEFANGED = re.compile(r"\[\.\]|\(\.\)|\[dot\]|\[@\]|\[at\]|\(at\)")
# Words that make a plain domain or address an indicator when they stand within _CUE_WINDOW
# characters before it (written from how threat reports introduce indicators).
_CUE = re.compile(
    r"malicious|phishing|spoofed|fake|lookalike|look-alike|command[- ]and[- ]control|\bc2\b|c&c|"
    r"sent from|emails? from|sender|hosted (?:on|at)|registered|domain|indicators?|iocs?"
)
_CUE_WINDOW = 120


def _cue_near(lower: str, pos: int) -> bool:
    return _CUE.search(lower, max(0, pos - _CUE_WINDOW), pos) is not None


def _defang(value: str, kind: str) -> str:
    if kind in ("md5", "sha1", "sha256"):
        return value
    import ioc_fanger

    return cast(str, ioc_fanger.defang(value))


def extract_indicators(ctx: Context) -> list[Indicator]:
    """Indicators written in the article body, validated by ioc-finder, defanged for display."""
    doc = ctx.doc
    found: list[Indicator] = []
    seen: set[str] = set()
    for m in _CANDIDATE.finditer(doc.norm):
        raw = m.group(0).rstrip(".,;:)")
        if "." not in raw.replace("[.]", ".") and "@" not in raw and not re.fullmatch(r"[A-Fa-f0-9]+", raw):
            continue
        from ioc_finder import find_iocs

        iocs: dict[str, Any] = find_iocs(raw, included_ioc_types=[k for k, _ in _KINDS])
        for field_name, kind in _KINDS:
            values = iocs.get(field_name) or []
            if not values:
                continue
            value = str(values[0])
            if kind in ("domain", "email") and not _DEFANGED.search(raw) and not _cue_near(doc.lower, m.start()):
                # a plain "example.com" in prose is a site name, and a plain address at the end of
                # a story is the reporter's byline; only defanged ones, or ones the text calls
                # malicious, are indicators
                break
            if value in seen:
                break
            sent = doc.sentence_at("text", m.start())
            if sent is None:
                break
            seen.add(value)
            end = m.start() + len(raw)
            found.append(
                Indicator(
                    kind=kind,  # type: ignore[arg-type]
                    value=_defang(value, kind),
                    evidence=doc.evidence(sent, m.start(), end),
                )
            )
            break
        if len(found) >= _MAX_INDICATORS:
            break
    return found
