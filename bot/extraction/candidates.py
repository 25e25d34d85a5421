"""Capitalized-phrase candidates: the names (organisations, groups, products, places) a text uses.

A candidate is a maximal run of name-like tokens ("Equifax", "Bank of America", "APT28",
"iCloud", "Windows 10") inside one sentence. Capitalization is trusted in the middle of a body
sentence; at the start of a sentence and in Title Case headlines a capitalized word counts as a
name only when the article never uses it in lower case (``Attack`` in "Orbitz Attack Impacts..."
is a common word because the body says "attack").

Everything here is linear: one tokenizing regex pass per sentence, constant work per token.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import accumulate

from bot.extraction.mentions import Context
from bot.extraction.text import Doc, Sentence

# Tokens: words with inner '-', '&', '.', digits ("U.S", "Wi-Fi", "AT&T", "APT28", "Mail.ru").
_TOKEN = re.compile(r"[^\W_$][\w&$]*(?:[.\-@][^\W_][\w&$]*)*")
_TOKEN_SPLIT = re.compile("(" + _TOKEN.pattern + ")")
_LOWER_WORD = re.compile(r"(?<![A-Za-z0-9.'\-])[a-z][a-z\-]+")

# Lower-case words allowed inside a name between two name tokens ("Bank of America",
# "University of California", "Department of Health", "Marks & Spencer").
_CONNECTORS = frozenset({"of", "for", "&", "de", "du", "la", "del", "von", "van", "der", "on"})

# Capitalized words that are never (the start of) a name: function words, titles, calendar words,
# and the words news copy capitalizes at the head of a sentence. Written from general English.
NEVER_NAME = frozenset(
    """the a an this that these those it its in on at to of for by with from as but and or nor so
    if when while after before since until because although though however meanwhile also then
    there here what which who whom whose how why where we they he she i you our their his her my
    your us them him me all any some many most more much several each every both either neither no
    not one two three four five six seven eight nine ten first second third last next latest
    according said says say told tells asked added update updated read more photo image video
    editor note source sources related share tweet comment comments click here subscribe
    advertisement sponsored monday tuesday wednesday thursday friday saturday sunday january
    february march april may june july august september october november december jan feb mar
    apr jun jul aug sep sept oct nov dec today yesterday tomorrow mr mrs ms dr prof sir ceo cto cio
    ciso cfo coo vp inc ltd llc corp co plc yes ok okay hi hello dear thanks thank please just
    only even still yet now once again despite during within without between among about above
    below under over into onto upon via per such other others another same own is are was were be
    been being has have had do does did will would shall should can could may might must let
    let's it's that's there's here's what's don't doesn't isn't aren't wasn't weren't can't won't
    breaking exclusive opinion analysis report reports hack hacks hacked hacking hacker hackers
    attack attacks attacked breach breached leak leaks leaked steal steals stolen hit hits target
    targets targeted targeting warn warns warning infect infects infected expose exposes exposed
    claim claims claimed confirm confirms confirmed reveal reveals revealed suffer suffers suffered
    affect affects affected fix fixes fixed patch patches patched compromise compromises compromised
    cyberattack ransomware malware phishing scam scams vulnerability
    vulnerabilities flaw flaws bug bugs users customers employees million billion thousand
    attacker attackers criminal criminals cybercriminals scammer scammers fraudsters crooks thieves
    researcher researchers expert experts analyst analysts officials victims investigators""".split()
)


# Names are looked for in the first 200 kB of the body only: a long news feature is ~60 kB, and
# who was hit / who did it is stated early; this bounds the cost of pasted multi-MB reports.
MAX_SCAN_CHARS = 200_000

# Words that mark a sentence as speaking of the incident itself (written from general knowledge
# of how security news words attacks).
INCIDENT_WORDS = re.compile(
    r"\b(?:breach|hack|attack|ransomware|compromis|stol[ea]n|theft|leak|expos|phish|malware|intrusion"
    r"|unauthori[sz]ed|incident|infect|encrypt|scam|fraud|cyber|extort|ransom|ddos|defac)"
)


@dataclass(frozen=True)
class Candidate:
    """One capitalized phrase occurrence, with absolute offsets into its sentence's source."""

    sent: Sentence
    start: int
    end: int
    norm: str  # folded surface text
    key: str  # lower-case, punctuation-free identity
    initial: bool  # first token is the sentence's first word
    possessive: bool  # followed by 's


_ARTICLE = re.compile(r"^(?:the|a|an)\s+")
_POSS = re.compile(r"'s$")
_NON_KEY = re.compile(r"[^a-z0-9$]+")


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """Lower-case identity of a name: no leading article, no possessive, punctuation as spaces."""
    t = _POSS.sub("", _ARTICLE.sub("", text.lower()))
    return _NON_KEY.sub(" ", t).strip()


def _is_cap(tok: str) -> bool:
    c = tok[0]
    if c.isupper():
        return True
    if c.islower():  # eBay, iPhone, iCloud
        return not tok.islower()
    return False


def _is_num(tok: str) -> bool:
    return tok[0].isdigit()


def _trim_to_body(c: Candidate, body_words: frozenset[str]) -> Candidate | None:
    """The longest run of a Title Case headline phrase whose words the body also capitalizes
    ("WikiLeaks Publishes Biggest" -> "WikiLeaks"), or None when it has none. (Keeping the whole
    phrase when any word was a body word, as before, lost on dev: victims F1 odd ids 0.437 vs
    0.444, even 0.443 vs 0.441; attackers 0.451 vs 0.460.)"""
    spans: list[tuple[int, int]] = []  # runs of body words, connectors allowed inside
    run_start = run_end = -1
    pending = False
    for m in _TOKEN.finditer(c.norm):
        words = name_key(m.group()).split()
        if words and all(w in body_words for w in words):
            if run_start < 0:
                run_start = m.start()
            run_end = m.end()
            pending = False
        elif run_start >= 0 and m.group().lower() in _CONNECTORS and not pending:
            pending = True
        else:
            if run_start >= 0:
                spans.append((run_start, run_end))
            run_start, pending = -1, False
    if run_start >= 0:
        spans.append((run_start, run_end))
    if not spans:
        return None
    s, e = max(spans, key=lambda se: se[1] - se[0])
    if (s, e) == (0, len(c.norm)):
        return c
    text = c.norm[s:e]
    return Candidate(
        c.sent, c.start + s, c.start + e, text, name_key(text), c.initial and s == 0, c.possessive and e == len(c.norm)
    )


def _title_case(text: str) -> bool:
    words = [t for t in _TOKEN.findall(text) if t[0].isalpha()]
    return bool(words) and sum(1 for t in words if t[0].isupper()) >= 0.6 * len(words)


def is_title_case(sent: Sentence) -> bool:
    """Is this headline Capitalized Like This (most words capitalized), so that a capital in it says
    nothing about a name? A sentence-case headline capitalizes only its first word and its names."""
    return _title_case(sent.norm)


# Where a headline's parts meet: "Site: Story", "Story | Outlet", "Story - Outlet".
_HEADLINE_PART = re.compile(r": | \| | [-\u2013\u2014] ")


class HeadlineParts:
    """A headline cut where its parts meet ("Site: Story", "Story | Outlet"), each part with its own
    Title Case verdict: computed once, then looked up for every candidate in the headline."""

    def __init__(self, sent: Sentence) -> None:
        norm = sent.norm
        self.starts: list[int] = []  # offsets into the headline sentence
        self.ends: list[int] = []
        self.title_case: list[bool] = []
        start = 0
        for m in [*_HEADLINE_PART.finditer(norm), None]:
            end = len(norm) if m is None else m.start()
            self.starts.append(start)
            self.ends.append(end)
            self.title_case.append(_title_case(norm[start:end]))
            if m is not None:
                start = m.end()

    def capital_tells(self, at: int) -> bool:
        """Does a capital at ``at`` (an offset into the headline sentence) say "name"? Only inside
        a sentence-case part and not at that part's first word ("Startup Parcelo exposes
        records": yes; "Boeing Notifies Employees Following Breach", "Abta website: Holidaymakers
        hit", "... | Healthcare IT News": no)."""
        i = bisect.bisect_right(self.starts, at) - 1
        if i < 0 or at >= self.ends[i]:
            return False
        return at > self.starts[i] and not self.title_case[i]


class CandidateFinder:
    """Finds candidates in a doc once; every entity extractor shares the result."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.lower_vocab: frozenset[str] = frozenset(_LOWER_WORD.findall(doc.norm))
        self._lower: dict[tuple[str, int], str] = {}
        self._incident: dict[tuple[str, int], bool] = {}

    def _common(self, tok: str) -> bool:
        """Is this capitalized word an ordinary word the article also writes in lower case?"""
        low = tok.lower()
        if low in NEVER_NAME:
            return True
        if not tok[0].isupper() or tok.isupper():
            return False
        v = self.lower_vocab
        if low in v:
            return True
        # inflected forms: "Compromises"/"compromised", "Hacker"/"hackers", "Targeting"/"target"
        forms = [low + "s", low + "es", low + "ed", low + "d", low + "ing"]
        if low.endswith("s"):
            forms += [low[:-1], low[:-1] + "ed", low[:-1] + "ing"]
        if low.endswith("es"):
            forms.append(low[:-2])
        if low.endswith("ed"):
            forms += [low[:-2], low[:-1], low[:-2] + "s"]
        if low.endswith("ing"):
            forms += [low[:-3], low[:-3] + "e", low[:-3] + "s"]
        return any(f in v for f in forms)

    def _name_word(self, tok: str, title_case: bool) -> bool:
        """Can this token be (part of) a name in the middle of a phrase?"""
        return _is_cap(tok) and tok.lower() not in NEVER_NAME and not (title_case and self._common(tok))

    def in_sentence(self, sent: Sentence, title_case: bool) -> list[Candidate]:
        norm = sent.norm
        base = sent.start
        # One C-level split gives tokens and the gaps between them: parts = [gap0, tok0, gap1,
        # tok1, ..., gapN]; gaps[i] precedes toks[i]. Offsets come from the running lengths.
        parts = _TOKEN_SPLIT.split(norm[:MAX_SCAN_CHARS])
        toks = parts[1::2]
        gaps = parts[0::2]
        n = len(toks)
        if n == 0:
            return []
        ends = list(accumulate(map(len, parts)))  # ends[2i + 1] = end of toks[i]
        out: list[Candidate] = []
        nxt = 0
        # only tokens that are not all lower case can start a name (most tokens are skipped here)
        for i in [i for i, t in enumerate(toks) if not t.islower()]:
            if i < nxt:
                continue
            tok = toks[i]
            initial = i == 0
            if not _is_cap(tok) or tok.lower() in NEVER_NAME or ((initial or title_case) and self._common(tok)):
                continue
            j = i + 1
            while j < n:
                gap, t2 = gaps[j], toks[j]
                if gap == " & " and self._name_word(t2, title_case):
                    # "Marks & Spencer", "Board of Water & Light"
                    j += 1
                    continue
                if gap != " ":
                    break
                if self._name_word(t2, title_case):
                    j += 1
                    continue
                if _is_num(t2) and len(t2) <= 12:
                    j += 1
                    continue
                if (
                    j + 1 < n
                    and t2.lower() in _CONNECTORS
                    and gaps[j + 1] == " "
                    and self._name_word(toks[j + 1], title_case)
                ):
                    j += 2
                    continue
                break
            s, end = ends[2 * i], ends[2 * j - 1]
            text = norm[s:end]
            poss = norm[end : end + 2] == "'s"
            out.append(Candidate(sent, base + s, base + end, text, name_key(text), initial, poss))
            nxt = j
        return out

    def lower(self, sent: Sentence) -> str:
        """The sentence's folded text in lower case (computed once per sentence)."""
        k = (sent.source, sent.index)
        low = self._lower.get(k)
        if low is None:
            low = self._lower[k] = sent.norm.lower()
        return low

    def incident(self, sent: Sentence) -> bool:
        """Does the sentence speak of an attack, breach, theft...? (computed once per sentence)"""
        k = (sent.source, sent.index)
        hit = self._incident.get(k)
        if hit is None:
            hit = self._incident[k] = bool(INCIDENT_WORDS.search(self.lower(sent)))
        return hit

    @cached_property
    def title(self) -> list[Candidate]:
        return self._join_possessives(self._raw_title)

    @cached_property
    def _raw_title(self) -> list[Candidate]:
        out: list[Candidate] = []
        for sent in self.doc.title_sentences:
            title_case = is_title_case(sent)
            cands = self.in_sentence(sent, title_case)
            if title_case:
                # A Title Case headline capitalizes everything: keep a phrase only when one of its
                # words is also capitalized as (part of) a name in the body.
                body_words = self.body_words
                cands = [t for c in cands if (t := _trim_to_body(c, body_words)) is not None]
            out.extend(cands)
        return out

    @cached_property
    def scanned_sentences(self) -> list[Sentence]:
        """Title and the body sentences that start within the scanned prefix."""
        return self.doc.title_sentences + [s for s in self.doc.sentences if s.start < MAX_SCAN_CHARS]

    @cached_property
    def body_words(self) -> frozenset[str]:
        return frozenset(w for c in self._raw_body for w in c.key.split())

    @cached_property
    def body(self) -> list[Candidate]:
        return self._join_possessives(self._raw_body)

    @cached_property
    def _standalone(self) -> frozenset[str]:
        """Keys of the names the article also writes without a possessive "'s"."""
        return frozenset(c.key for c in self._raw_body if not c.possessive) | frozenset(
            c.key for c in self._raw_title if not c.possessive
        )

    def _join_possessives(self, cands: list[Candidate]) -> list[Candidate]:
        """ "Scotty's Brewhouse", "Macy's Inc": a possessive name the article never writes on its
        own is the first half of a longer name, not an owner ("Google's Gmail" stays split when
        "Google" also stands alone)."""
        if not any(c.possessive for c in cands):
            return cands
        standalone = self._standalone
        out: list[Candidate] = []
        i, n = 0, len(cands)
        while i < n:
            c = cands[i]
            if c.possessive and i + 1 < n and c.key not in standalone and " " not in c.key:
                d = cands[i + 1]
                if d.sent is c.sent and d.start == c.end + 3:
                    text = c.sent.norm[c.start - c.sent.start : d.end - c.sent.start]
                    out.append(Candidate(c.sent, c.start, d.end, text, name_key(text), c.initial, d.possessive))
                    i += 2
                    continue
            out.append(c)
            i += 1
        return out

    @cached_property
    def _raw_body(self) -> list[Candidate]:
        out: list[Candidate] = []
        for sent in self.doc.sentences:
            if sent.start >= MAX_SCAN_CHARS:
                break
            out.extend(self.in_sentence(sent, False))
        return out

    @cached_property
    def all(self) -> list[Candidate]:
        return self.title + self.body

    @cached_property
    def _by_sentence(self) -> dict[tuple[str, int], list[Candidate]]:
        out: dict[tuple[str, int], list[Candidate]] = {}
        for c in self.all:
            out.setdefault((c.sent.source, c.sent.index), []).append(c)
        return out

    def names_in(self, sent: Sentence) -> list[Candidate]:
        """The candidates of one sentence, as ``all`` has them (found once per document: the
        summary and the related-incident split read every lead sentence's names)."""
        if sent.source == "text" and sent.start >= MAX_SCAN_CHARS:
            return []
        return self._by_sentence.get((sent.source, sent.index), [])


def finder(ctx: Context) -> CandidateFinder:
    """The doc's shared finder (built once per Context, cached on the Doc)."""
    return ctx.doc.memo("candidate_finder", lambda: CandidateFinder(ctx.doc))
