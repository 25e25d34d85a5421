"""The card's headline and its 1-3 sentence summary, made from the extracted facts.

The headline says what happened ("Northfield Hospital hit by Ryuk ransomware; 40 bitcoin
demanded"): every part of it is the text of an extracted fact, so it can be traced to the sentence
that fact came from, and nothing is invented. Without a victim (or, for a flaw, a product or CVE)
to say it of, the article's own headline is kept.

The summary is extractive: the sentences that state the most of the main incident's facts (the
victim, how, what was taken, how many), the best one first — never the article's first sentence
merely for being first, and never a sentence that is about another incident.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.extraction.candidates import CandidateFinder, name_key
from bot.extraction.people import honorific_people, people_named
from bot.extraction.schema import IncidentType, Mention, VulnerabilityInfo
from bot.extraction.text import Doc, Sentence

T = IncidentType
SUMMARY_MAX_CHARS = 600
TITLE_MAX_CHARS = 200
# The lead of a news story carries who/what; facts further down are details. Only the first
# sentences compete for the summary (20 covers the lead and nut graf of typical security news).
_CANDIDATE_SENTENCES = 20
_TYPE_LABELS = {
    T.DATA_BREACH: "data breach",
    T.RANSOMWARE: "ransomware attack",
    T.PHISHING: "phishing campaign",
    T.ACCOUNT_COMPROMISE: "account compromise",
    T.MALWARE: "malware",
    T.DDOS: "DDoS attack",
    T.DEFACEMENT: "defacement",
    T.VULNERABILITY: "vulnerability",
    T.PATCH: "security update",
    T.INSIDER: "insider incident",
    T.SUPPLY_CHAIN: "supply-chain attack",
    T.ESPIONAGE: "espionage",
    T.FRAUD: "fraud",
    T.OUTAGE: "outage",
    T.OTHER: "security incident",
}
# A sentence joins the summary after the first only if it states at least this much (one strong
# fact, or an incident sentence with a weaker one); colour ("the tweet that prompted…") does not.
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


@dataclass(frozen=True)
class Facts:
    """The main incident's facts the headline and the summary are made of."""

    types: list[IncidentType]
    is_incident: bool
    victims: list[Mention] = field(default_factory=list)
    attackers: list[Mention] = field(default_factory=list)
    tools: list[Mention] = field(default_factory=list)
    vector: list[Mention] = field(default_factory=list)
    data: list[Mention] = field(default_factory=list)
    counts: list[Mention] = field(default_factory=list)
    losses: list[Mention] = field(default_factory=list)
    ransoms: list[Mention] = field(default_factory=list)
    cves: list[Mention] = field(default_factory=list)
    products: list[Mention] = field(default_factory=list)
    vulnerability: VulnerabilityInfo | None = None
    # sentences that recall other incidents (their facts went to related_incidents)
    context: frozenset[tuple[str, int]] = frozenset()


def _first(mentions: Sequence[Mention]) -> str | None:
    return " ".join(mentions[0].text.split()) if mentions else None


def _tool_phrase(f: Facts, noun: str) -> str:
    tool = _first(f.tools)
    if tool is None:
        return noun
    return tool if noun.split()[0].lower() in tool.lower() else f"{tool} {noun}"


def _flaw_subject(f: Facts) -> str | None:
    v = f.vulnerability
    product = _first(v.products) if v else None
    product = product or _first(f.products)
    vendor = _first([v.vendor]) if v and v.vendor else None
    if product and vendor and vendor.lower() not in product.lower():
        product = f"{vendor} {product}"
    return product or vendor


def headline(f: Facts) -> str | None:
    """What happened, in the words of the extracted facts; None when there is nothing to say it of."""
    if not f.is_incident or not f.types:
        return None
    t = f.types[0]
    victim = _first(f.victims)
    if t in (T.VULNERABILITY, T.PATCH):
        subject = _flaw_subject(f)
        cve = _first(f.cves)
        if subject is None and cve is None:
            return None
        what = f"{subject} vulnerability" if subject else cve or ""
        if subject and cve:
            what += f" ({cve})"
        v = f.vulnerability
        if t is T.PATCH:
            what = f"Patch released for {what}"
        if v is not None and v.exploited == "yes":
            what += ", exploited in the wild"
        return what
    if victim is None:
        return None
    if t is T.RANSOMWARE:
        text = f"{victim} hit by {_tool_phrase(f, 'ransomware')}"
        ransom = _first(f.ransoms)
        if ransom:
            text += f"; {ransom} demanded"
    elif t is T.DATA_BREACH:
        text = f"{victim} data breach"
        count, data = _first(f.counts), _first(f.data)
        if count and data:
            text += f" exposes {count} {data}" if len(data.split()) <= 3 else f" affects {count}; {data} exposed"
        elif count:
            text += f" affects {count}"
        elif data:
            text += f" exposes {data}"
    elif t is T.PHISHING:
        text = f"{victim} targeted by phishing"
    elif t is T.ACCOUNT_COMPROMISE:
        text = f"{victim} account compromised"
        how = _first(f.vector)
        if how:
            text += f" ({how})"
    elif t is T.MALWARE:
        text = f"{victim} infected by {_tool_phrase(f, 'malware')}"
    elif t is T.DDOS:
        text = f"{victim} hit by DDoS attack"
    elif t is T.DEFACEMENT:
        text = f"{victim} website defaced"
    else:
        text = f"{victim}: {type_label(t)}"
    loss = _first(f.losses)
    if loss and t is not T.RANSOMWARE:
        # what a fraud or a breach cost is the news a reader looks for first ("…; $1.9M lost")
        text += f"; {loss} lost"
    attacker = _first(f.attackers)
    tool = (_first(f.tools) or "").lower()
    if (
        attacker
        and attacker.lower() not in tool
        and tool not in attacker.lower()
        and t in (T.RANSOMWARE, T.DATA_BREACH, T.MALWARE, T.DDOS, T.DEFACEMENT, T.ESPIONAGE)
    ):
        text += f"; {attacker} blamed"
    return text


def make_title(doc: Doc, f: Facts) -> str:
    """The headline made from the facts, else the article's own, else its first sentence."""
    made = headline(f)
    if made:
        return _clip(made, TITLE_MAX_CHARS)
    if doc.title.strip():
        return _clip(doc.title, TITLE_MAX_CHARS)
    if doc.sentences:
        return _clip(doc.sentences[0].text, TITLE_MAX_CHARS)
    return "Untitled text"


def _covers(sent: Sentence, mentions: Sequence[Mention]) -> int:
    """How many of the facts the sentence states: where their evidence is, or in the same words
    (a fact whose evidence is the headline is often restated in the body)."""
    low = sent.text.lower()
    return sum(
        1
        for m in mentions
        if (m.evidence.source == "text" and sent.start <= m.evidence.start < sent.end) or m.text.lower() in low
    )


def _names_in(finder: CandidateFinder, sent: Sentence) -> set[str]:
    return {c.key for c in finder.names_in(sent)}


def _mentions_victim(names: set[str], victim_keys: Sequence[str]) -> bool:
    """Does the sentence name a victim, also by a clipped form or an acronym ("the Met")?"""
    for v in victim_keys:
        words = v.split()
        initials = "".join(w[0] for w in words)
        for n in names:
            if n == v or (n in v.split() and len(n) >= 3) or (len(words) > 1 and n == initials):
                return True
            if len(n) >= 3 and words and words[0].startswith(n.split()[0]):
                return True
    return False


def make_summary(doc: Doc, f: Facts) -> str:
    """Up to three sentences that together state the most of the main incident's facts, the one
    that states most first (weights: who was hit and how say most; what was taken and how many say
    the impact)."""
    weighted: list[tuple[float, Sequence[Mention]]] = [
        (1.0, f.attackers),
        (1.0, f.tools),
        (1.5, f.data),
        (1.5, f.counts),
        (1.0, f.losses),
        (1.0, f.ransoms),
        (2.0, f.vector),
        (1.0, f.cves),
        (1.0, f.products),
    ]
    finder = doc.memo("candidate_finder", lambda: CandidateFinder(doc))
    victim_keys = [name_key(v.text) for v in f.victims[:2]]
    people = honorific_people(finder, finder.all) | people_named(finder.body)
    scored: list[tuple[float, Sentence]] = []
    naming: set[int] = set()  # sentences that name the victim: the lead must be one of them
    for pos, sent in enumerate(doc.sentences[:_CANDIDATE_SENTENCES]):
        if len(sent.text) < 25 or (sent.text.count('"') >= 2 and len(sent.text) < 80):
            continue  # captions, datelines and short quotes make poor summaries
        if (sent.source, sent.index) in f.context:
            continue  # about another incident
        s = sum(weight * min(_covers(sent, ms), 2) for weight, ms in weighted)
        if _covers(sent, f.victims[:2]) or (victim_keys and _mentions_victim(_names_in(finder, sent), victim_keys)):
            s += 2.5  # the victim, by any of its names ("the Met", an acronym)
            naming.add(sent.index)
        if _INCIDENT_WORDS.search(sent.norm):
            s += 1.5
        first = next(iter(finder.names_in(sent)), None)
        last = first.key.split()[-1:] if first is not None else []
        if first is not None and first.start - sent.start <= 12 and last and last[0] in people:
            # a person's reaction or comment ("Mr. X said", "President X mocked"), not the event
            s -= 4.0
        s += max(0.0, 1.0 - pos * 0.1)  # the lead is where news states what happened
        scored.append((s, sent))
    if not scored:
        if doc.sentences:
            return _clip(doc.sentences[0].text, SUMMARY_MAX_CHARS)
        return _clip(doc.title, SUMMARY_MAX_CHARS) if doc.title.strip() else ""
    scored.sort(key=lambda x: (-x[0], x[1].start))
    lead = next((sent for _, sent in scored if sent.index in naming), scored[0][1])
    rest = list[Sentence]()
    length = len(lead.text)
    for s, sent in scored:
        if sent is lead:
            continue
        if len(rest) == 2 or s < _MIN_EXTRA_SCORE:
            break
        if length + len(sent.text) + 1 > SUMMARY_MAX_CHARS:
            continue
        rest.append(sent)
        length += len(sent.text) + 1
    rest.sort(key=lambda x: x.start)
    return _clip(" ".join(s.text for s in [lead, *rest]), SUMMARY_MAX_CHARS)
