"""The main incident first: facts about other incidents an article mentions for context move off the
card into ``related_incidents``.

News about one incident often recalls others: an earlier breach of the same company, a comparison
with a famous ransomware outbreak, another victim of the same group, what a different hospital
paid. Those facts are real and annotated (CASIE annotates every event), but they are not this
incident's: put on the card they make another hospital's payment this victim's ransom.

How a fact is recognised as context (general knowledge of how news copy recalls other events, not
fitted to any article):

- its sentence recalls or compares: "last year", "previously", "in 2015" (two years or more
  before the article's own), "similar to", "unlike", "not connected to", "the same group was also
  behind", "another hospital", "only demanded" …;
- and the fact itself is not one of the main incident's anchors (a chosen victim, or a name the
  main sentences also state), so "Acme, hit again after its 2017 breach" keeps Acme on the card.

Context facts that sit in neighbouring sentences form one related incident, named after the name
it is about (a tool, an attacker or a victim), typed by the cue words of its sentences, with the
first sentence as evidence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

from bot.extraction.candidates import CandidateFinder
from bot.extraction.mentions import key as mention_key
from bot.extraction.schema import Evidence, IncidentType, Mention, RelatedIncident
from bot.extraction.text import Doc, Sentence

# Phrases by which news copy turns to another incident: a comparison, a denial of a link, another
# victim, what the same attackers did before.
_OTHER = re.compile(
    r"\b(?:similar to|similarly|unlike|compared (?:with|to)|reminiscent of|not (?:connected|related|linked|tied)"
    r"(?: to| with)?|no (?:connection|link|evidence linking)|(?:was|were|is|are|has been) (?:also )?(?:behind|blamed"
    r" for|responsible for|linked to)|another (?:hospital|company|firm|bank|organi[sz]ation|city|county|school"
    r"|university|retailer|victim|attack|breach|incident)|other (?:victims|companies|hospitals|organi[sz]ations"
    r"|firms|banks|attacks|breaches)|(?:infamous|notorious|massive|high-profile) (?:[\w-]+ ){0,2}(?:attacks?"
    r"|breach(?:es)?|outbreak|campaign)|only (?:demanded|asked for|stole))\b",
    re.IGNORECASE,
)
# Phrases that recall the past: the main incident's own history is told this way too ("the breach,
# which began last year"), so they move only who-and-how-much facts, never its dates or data.
_PAST = re.compile(
    r"\b(?:last (?:year|spring|summer|autumn|fall|winter)|previous(?:ly)?(?! (?:unknown|undisclosed|unreported"
    r"|unseen|unpatched|undocumented|unidentified))|earlier (?:this|last) year|in the past|years? (?:ago|earlier"
    r"|before)|history of)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19[89]\d|20[0-4]\d)\b")
# Fields a recollection of the past moves: who and how much.
MOVED_BY_PAST = frozenset({"victims", "attackers", "tools", "affected_counts", "financial_losses", "ransom_demands"})
# Fields whose mentions can belong to another incident: every Mention list a related incident has
# (the card's type, severity and status are the main incident's by construction).
MOVABLE = tuple(name for name, f in RelatedIncident.model_fields.items() if f.annotation == list[Mention])
# Context sentences at most this far apart make one related incident.
_GAP = 1


def _reference_year(doc: Doc, reference: dt.date | None) -> int | None:
    if reference is not None:
        return reference.year
    lead = " ".join(s.text for s in doc.sentences[:3])
    years = [int(y) for y in _YEAR.findall(lead)]
    return max(years) if years else None


# A year this much before the article's own marks a recollection; a report often comes out early
# in the year after its incident, so the year before is not enough.
_OLD_YEARS = 2


def _context(sent: Sentence, year: int | None) -> str | None:
    """ "other" when the sentence turns to another incident, "past" when it recalls the past (a
    recall phrase, or a year two or more before the article's own), else None."""
    if _OTHER.search(sent.norm):
        return "other"
    if _PAST.search(sent.norm):
        return "past"
    if year is not None and any(int(y) <= year - _OLD_YEARS for y in _YEAR.findall(sent.norm)):
        return "past"
    return None


def _sentence_of(doc: Doc, m: Mention) -> Sentence | None:
    if m.evidence.source == "correction":  # a person's fact: in no sentence of the article
        return None
    return doc.sentence_at(m.evidence.source, m.evidence.start)


def _type_of(text: str) -> IncidentType:
    """The type a related incident's sentences speak of (cue words; a short text has little else)."""
    low = text.lower()
    for pattern, t in _TYPE_WORDS:
        if pattern.search(low):
            return t
    return IncidentType.OTHER


_TYPE_WORDS: tuple[tuple[re.Pattern[str], IncidentType], ...] = (
    (
        re.compile(r"ransom|extort|encrypt|demanded \S*\d|paid\b[^.]{0,40}\b(?:attackers|hackers|criminals)"),
        IncidentType.RANSOMWARE,
    ),
    (re.compile(r"phish|spoof|scam"), IncidentType.PHISHING),
    (re.compile(r"breach|stole|stolen|leak|expos|exfiltrat"), IncidentType.DATA_BREACH),
    (re.compile(r"ddos|denial[- ]of[- ]service"), IncidentType.DDOS),
    (re.compile(r"vulnerab|flaw|bug|cve-"), IncidentType.VULNERABILITY),
    (re.compile(r"malware|virus|worm|trojan|botnet"), IncidentType.MALWARE),
    (re.compile(r"hack|attack|compromis"), IncidentType.OTHER),
)


def split_related(
    doc: Doc,
    fields: Mapping[str, Sequence[Mention]],
    *,
    anchors: Sequence[Mention],
    reference: dt.date | None,
) -> tuple[dict[str, list[Mention]], list[RelatedIncident], frozenset[tuple[str, int]]]:
    """The fields with context facts taken out, those facts grouped into related incidents, and
    the sentences they came from (source, index).

    ``anchors`` are the main incident's own names (its chosen victims): never moved, and a fact
    with the same name as one stays too."""
    year = _reference_year(doc, reference)
    anchor_keys = {mention_key(a.text) for a in anchors}
    # A name also stated in a sentence that does not recall or compare is the main story's.
    main_keys: set[str] = set()
    moved: dict[str, list[tuple[Sentence, Mention]]] = {}
    kept: dict[str, list[Mention]] = {}
    # One reading per sentence: many facts can share one (long) sentence.
    memo: dict[tuple[str, int], str | None] = {}

    def context(sent: Sentence) -> str | None:
        k = (sent.source, sent.index)
        if k not in memo:
            memo[k] = _context(sent, year)
        return memo[k]

    for mentions in fields.values():
        for m in mentions:
            sent = _sentence_of(doc, m)
            if sent is None or sent.source == "title" or context(sent) is None:
                main_keys.add(mention_key(m.text))
    for field, mentions in fields.items():
        kept[field] = []
        for m in mentions:
            sent = _sentence_of(doc, m)
            k = mention_key(m.text)
            why = context(sent) if sent is not None and sent.source == "text" else None
            if (
                sent is not None
                and field in MOVABLE
                and (why == "other" or (why == "past" and field in MOVED_BY_PAST))
                and k not in anchor_keys
                and k not in main_keys
            ):
                moved.setdefault(field, []).append((sent, m))
            else:
                kept[field].append(m)
    sources = frozenset((s.source, s.index) for pairs in moved.values() for s, _ in pairs)
    return kept, _group(doc, moved, anchor_keys | main_keys), sources


_NAME_FIELDS = ("tools", "attackers", "victims", "affected_products", "cves")


def _first_name(doc: Doc, sents: Sequence[Sentence], exclude: set[str]) -> str | None:
    """The first name the sentences write that is not the main incident's (the company an
    earlier breach hit, when no extracted fact names it)."""
    finder = doc.memo("candidate_finder", lambda: CandidateFinder(doc))
    for sent in sents:
        for c in finder.names_in(sent):
            if c.key and c.key not in exclude and not c.initial:
                return c.norm
    return None


def _group(doc: Doc, moved: Mapping[str, list[tuple[Sentence, Mention]]], exclude: set[str]) -> list[RelatedIncident]:
    """Context facts form related incidents: a sentence that names something (a tool, an attacker,
    a victim) other than the incident being collected starts a new one; one that names nothing
    joins the incident of the sentence just before it."""
    by_sentence: dict[int, tuple[Sentence, dict[str, list[Mention]]]] = {}
    for field, pairs in moved.items():
        for sent, m in pairs:
            by_sentence.setdefault(sent.index, (sent, {}))[1].setdefault(field, []).append(m)
    groups: list[tuple[str | None, list[Sentence], dict[str, list[Mention]]]] = []
    last = -10
    for index in sorted(by_sentence):
        sent, facts = by_sentence[index]
        name = next((facts[f][0].text for f in _NAME_FIELDS if facts.get(f)), None)
        if groups and index - last <= _GAP and (name is None or groups[-1][0] in (None, name)):
            current_name, sents, merged = groups[-1]
            groups[-1] = (current_name or name, [*sents, sent], merged)
        else:
            groups.append((name, [sent], {}))
            merged = groups[-1][2]
        for field, ms in facts.items():
            merged.setdefault(field, []).extend(ms)
        last = index
    out: list[RelatedIncident] = []
    for named, sents, by_field in groups:
        text = " ".join(s.text for s in sents)
        years = _YEAR.findall(text)
        name = named or _first_name(doc, sents, exclude) or "An earlier incident"
        if years and years[0] not in name:
            name = f"{name} ({years[0]})"
        first = sents[0]
        out.append(
            RelatedIncident(
                name=name,
                incident_type=_type_of(text),
                evidence=Evidence(source="text", start=first.start, end=first.end, sentence=first.text),
                **by_field,
            )
        )
    return out
