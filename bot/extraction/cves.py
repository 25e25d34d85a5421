"""CVE identifiers in canonical form."""

from __future__ import annotations

import re

from bot.extraction.mentions import MAX_FIELD_MENTIONS, Context, dedupe, mention
from bot.extraction.schema import Mention
from bot.extraction.text import Sentence

# "CVE-2017-0144", "CVE 2017-0144", "cve-2017 0144", and the typo "CVE2018-0986"/"CVE-201808115".
# The sequence number has 4-7 digits (MITRE's format since 2014); the lookarounds keep it from
# biting into longer digit runs. Linear: no nested quantifiers.
_CVE = re.compile(r"(?<![A-Za-z0-9])CVE[ -]?((?:19|20)\d\d)[ -]?(\d{4,7})(?!\d)", re.IGNORECASE)


def canonical_cve(year: str, number: str) -> str:
    """``CVE-YYYY-NNNN``: leading zeros beyond the minimum four digits dropped, as MITRE writes it."""
    return f"CVE-{year}-{str(int(number)).zfill(4)}"


def extract_cves(ctx: Context) -> list[Mention]:
    doc = ctx.doc
    found: list[Mention] = []
    sources: list[tuple[str, list[Sentence]]] = [
        (doc.title_norm, doc.title_sentences),
        (doc.norm, doc.sentences),
    ]
    for norm, sents in sources:
        if not sents or "cve" not in norm.lower():
            continue
        for m in _CVE.finditer(norm):
            sent = doc.sentence_at(sents[0].source, m.start())
            if sent is None:
                continue
            found.append(mention(doc, sent, m.start(), m.end(), canonical_cve(m.group(1), m.group(2))))
    return dedupe(found, limit=MAX_FIELD_MENTIONS)
