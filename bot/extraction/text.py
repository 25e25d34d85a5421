"""Text preparation for the extraction core: a same-length normalized copy and sentences with offsets.

Every rule works on ``Doc.norm`` (typographic quotes, dashes, odd spaces and control characters
folded to plain ASCII, one character for one character) so that regexes stay simple, while every
character offset still points into the article exactly as it was given: evidence spans are taken
from the original text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, TypeVar, cast

from bot.extraction.schema import Evidence

SourceName = Literal["text", "title"]
T = TypeVar("T")

# One character in, one character out: offsets must survive normalization.
_FOLD = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2033": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u00a0": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u202f": " ",
    "\u200b": " ",
    "\ufeff": " ",
    "\t": " ",
    "\r": "\n",
}
# C0/C1 control characters (binary junk, NULs) become spaces; newlines are kept as boundaries.
for _c in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)]:
    _FOLD[chr(_c)] = " "
_TABLE = str.maketrans(_FOLD)


def fold(text: str) -> str:
    """Same-length ASCII-ish normalization used by every rule."""
    return text.translate(_TABLE)


def lower_same_length(text: str) -> str:
    """Lower-case with offsets kept. Searching a lower-cased copy without re.IGNORECASE is several
    times faster for the long cue alternations the rules use; a few characters (e.g. U+0130) grow
    when lower-cased, and those are left as they are."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


# Abbreviations after which a period does not end a sentence. Written from general English usage
# and the honorifics/corporate suffixes common in news copy.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st inc ltd co corp plc llc gov sen rep gen col lt sgt capt no nos
    vs etc approx dept est fig jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k e.g i.e
    a.m p.m mt ft""".split()
)
# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) + whitespace, or at a
# blank line / line break (headlines and list items in pasted text have no final period).
# Linear: a run of . ! ? is tried once, from its first character (the lookbehind), and taken whole
# (possessive: giving characters back cannot help, the character after a shorter run is one of
# . ! ? or a closer, never the whitespace the lookahead needs). Without both, a run of 39,000 dots
# that no capital follows was re-scanned from each of its characters: 21 s.
_BOUNDARY = re.compile(r"(?<![.!?])[.!?]++[\"')\]]*+(?=\s++[\"'(\[]?[A-Z0-9])|\n+")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
# '"...!" Mr. Smith said.' is one sentence: a closing quote followed by its attribution.
_ATTRIBUTION = re.compile(
    r"\s+(?:(?:Mr|Mrs|Ms|Dr|Prof)\.\s+)?(?:[A-Z][\w.'-]*\s+){1,4}"
    r"(?:said|says|told|added|wrote|tweeted|asked|stated|explained|noted|warned|confirmed)\b"
)


@dataclass(frozen=True)
class Sentence:
    source: SourceName
    index: int
    start: int
    end: int
    text: str  # original characters
    norm: str  # folded characters, same length


def split_sentences(original: str, norm: str, source: SourceName) -> list[Sentence]:
    """Split into sentences with offsets; a rule-based splitter is enough for news prose."""
    out: list[Sentence] = []
    start = 0
    n = len(norm)

    def emit(a: int, b: int) -> None:
        while a < b and norm[a].isspace():
            a += 1
        while b > a and norm[b - 1].isspace():
            b -= 1
        if b > a:
            out.append(Sentence(source, len(out), a, b, original[a:b], norm[a:b]))

    for m in _BOUNDARY.finditer(norm):
        if m.group(0).endswith('"') and _ATTRIBUTION.match(norm, m.end()):
            continue
        if m.group(0)[0] == ".":
            wb = _WORD_BEFORE.search(norm, max(0, m.start() - 12), m.start() + 1)
            if wb and wb.group(1).lower().rstrip(".") in _ABBREVIATIONS:
                continue
            # single capital initial ("John F. Kennedy", "U.S.") is not a sentence end
            if (
                m.start() >= 1
                and norm[m.start() - 1].isupper()
                and (m.start() < 2 or not norm[m.start() - 2].isalnum())
            ):
                continue
        end = m.end() if m.group(0)[0] != "\n" else m.start()
        emit(start, end)
        start = m.end()
    emit(start, n)
    return out


@dataclass
class Doc:
    """An article prepared for the rules: title and body, both folded, split into sentences."""

    text: str
    title: str = ""
    norm: str = field(init=False)
    title_norm: str = field(init=False)
    _memo: dict[str, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.norm = fold(self.text)
        self.title_norm = fold(self.title)

    @cached_property
    def lower(self) -> str:
        """``norm`` lower-cased, same length: for case-insensitive cue searches."""
        return lower_same_length(self.norm)

    @cached_property
    def title_lower(self) -> str:
        return lower_same_length(self.title_norm)

    @cached_property
    def title_sentences(self) -> list[Sentence]:
        return split_sentences(self.title, self.title_norm, "title")[:1] if self.title.strip() else []

    @cached_property
    def sentences(self) -> list[Sentence]:
        return split_sentences(self.text, self.norm, "text")

    @cached_property
    def all_sentences(self) -> list[Sentence]:
        """Title first (it states the incident most directly), then the body."""
        return self.title_sentences + self.sentences

    def memo(self, key: str, build: Callable[[], T]) -> T:
        """Work that several extractors share (candidate names, attackers, money amounts), done
        once per document."""
        if key not in self._memo:
            self._memo[key] = build()
        return cast(T, self._memo[key])

    def original(self, source: SourceName) -> str:
        return self.title if source == "title" else self.text

    def evidence(self, sent: Sentence, start: int, end: int) -> Evidence:
        """Evidence for the absolute span [start, end) of ``sent``'s source."""
        return Evidence(source=sent.source, start=start, end=end, sentence=sent.text)

    def sentence_at(self, source: SourceName, pos: int) -> Sentence | None:
        sents = self.title_sentences if source == "title" else self.sentences
        lo, hi = 0, len(sents) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            s = sents[mid]
            if pos < s.start:
                hi = mid - 1
            elif pos >= s.end:
                lo = mid + 1
            else:
                return s
        return None
