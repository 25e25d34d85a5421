"""Building Mentions from spans, and the small bookkeeping every field extractor shares."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.extraction.learned import ModelSet, shipped
from bot.extraction.schema import IncidentType, Mention, MentionValue
from bot.extraction.text import Doc, Sentence


@dataclass
class Context:
    """What the pipeline knows when it asks a field extractor for mentions."""

    doc: Doc
    published: dt.date | None = None
    types: list[IncidentType] = field(default_factory=list)
    # The learned scorers (bot/extraction/learned.py): the shipped ones, or one training fold's.
    models: ModelSet = field(default_factory=shipped)
    # When the text was handed over (Article.posted): the reference for relative dates when there
    # is no publication date.
    posted: dt.date | None = None

    @property
    def reference_date(self) -> dt.date | None:
        """What "on Tuesday" is counted from: the publication date, else the posting date."""
        return self.published or self.posted

    @property
    def primary(self) -> IncidentType | None:
        return self.types[0] if self.types else None


def mention(doc: Doc, sent: Sentence, start: int, end: int, value: MentionValue = None) -> Mention:
    """A Mention for the absolute span [start, end) of ``sent``'s source, trimmed of spaces/punctuation."""
    src = doc.original(sent.source)
    while start < end and src[start] in " \n\"'(,;:":
        start += 1
    while end > start and src[end - 1] in " \n\"'),;:.":
        end -= 1
    return Mention(text=src[start:end], value=value, evidence=doc.evidence(sent, start, end))


def key(text: str) -> str:
    """Loose identity of a surface form, for de-duplicating mentions of one thing."""
    t = re.sub(r"^(?:the|a|an)\s+", "", text.lower())
    t = re.sub(r"'s$", "", t)
    return re.sub(r"[^a-z0-9]+", " ", t).strip()


# At most this many mentions of one field (dates, counts, amounts, CVEs). Every mention carries its
# sentence, so without a cap 13,000 different CVE ids in one 200,000-character sentence made a
# summary of about 2.7 GB when serialized. Real articles stay far below (CASIE dev: at most 13).
MAX_FIELD_MENTIONS = 50


def dedupe(mentions: Iterable[Mention], limit: int | None = None) -> list[Mention]:
    """Keep the first mention of each distinct value/surface, in order, up to ``limit``."""
    out: list[Mention] = []
    seen: set[str] = set()
    for m in mentions:
        k = repr(m.value) if m.value is not None else key(m.text)
        if not k or k in seen:
            continue
        seen.add(k)
        out.append(m)
        if limit is not None and len(out) >= limit:
            break
    return out
