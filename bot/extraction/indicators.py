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
# Linear (each start position does bounded work, or is skipped because it cannot end differently):
# * an e-mail's local part is at most 64 characters (RFC 5321) and is taken whole: possessive,
#   since the character after a shorter one is in the class, never the @ that must follow (so
#   only the 64 characters before an @ can reach it); its domain has at most 32 labels;
# * a domain is not tried after a hyphen inside a label: from there its labels are a suffix of the
#   ones the label's own start tried, so it would fail too; its labels are taken whole
#   (possessive, as above) and at most 32 are tried, beyond any real name.
# Unbounded, each start in a 39,000-character run of hyphens, "CVE-", "a+" or "x[.]" re-scanned
# the rest of the run: 26 s.
_CANDIDATE = re.compile(
    r"(?<![\w@.\[])(?:h(?:xx|tt)ps?(?:://|\[://\])\S+"  # URLs, fanged or defanged
    r"|[\w.+-]{1,64}+(?:@|\[@\]|\[at\])[\w-]++(?:(?:\.|\[\.\]|\(\.\)|\[dot\])[\w-]+){1,32}"  # emails
    r"|(?<!-)(?:[\w-]++(?:\.|\[\.\]|\(\.\)|\[dot\])){1,32}[A-Za-z]{2,24}(?:/\S*)?"  # domains
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
# ioc-finder costs about 0.5 ms a call plus ~30 us a character (more on long URLs), so what it is
# given is bounded: a candidate longer than any real indicator is skipped, and validation stops
# after a number of candidates or characters. Real articles stay far inside: on the 600 CASIE dev
# articles and the 60 link-benchmark pages at most 21 candidates, 84 characters the longest.
# Without a bound, 200,000 characters of "hxxp://x[.]yy " made ~14,000 calls: 7 s.
_MAX_CANDIDATE_CHARS = 2_000
_MAX_VALIDATED = 200
_MAX_VALIDATED_CHARS = 10_000
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
    validated = validated_chars = 0
    for m in _CANDIDATE.finditer(doc.norm):
        raw = m.group(0).rstrip(".,;:)")
        if "." not in raw.replace("[.]", ".") and "@" not in raw and not re.fullmatch(r"[A-Fa-f0-9]+", raw):
            continue
        if len(raw) > _MAX_CANDIDATE_CHARS:
            continue
        validated += 1
        validated_chars += len(raw)
        if validated > _MAX_VALIDATED or validated_chars > _MAX_VALIDATED_CHARS:
            break
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
