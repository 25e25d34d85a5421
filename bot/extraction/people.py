"""People an article names: quoted experts, spokespeople and titled officials, who are seldom the
victim, and one-word "names" that are only capitalized by their position in a sentence."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.extraction.candidates import Candidate, CandidateFinder, HeadlineParts
from bot.extraction.role_cues import ORG_HEAD, lower_sent

_PERSON_SHAPE = re.compile(
    r"(?:^| )(?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]\.(?:[A-Z]\.)?)(?: [A-Z]\.?)? (?:[A-Z]'|Mc|Mac)?[A-Z][a-z]+"
    r"(?:-[A-Z][a-z]+)?$"
)
_OF_ORG = re.compile(r" of .*$")


def people_named(cands: Iterable[Candidate]) -> set[str]:
    """Keys of the people an article names: a "First Last" name whose last word also stands alone
    elsewhere ("Victor Smith ... Smith said") - researchers and spokespeople, not victims."""
    full: dict[str, str] = {}
    singles: set[str] = set()
    for c in cands:
        if c.sent.source != "text":
            continue
        if " " not in c.key:
            singles.add(c.key)
            continue
        norm, key = c.norm, c.key
        if " of " in key:
            # "Ben Miller of Dragos": the person before the employer
            norm, key = _OF_ORG.sub("", norm), _OF_ORG.sub("", key)
        if " " in key and _PERSON_SHAPE.search(norm) and not ORG_HEAD.search(key):
            full[key] = key.rsplit(" ", 1)[1]
    out: set[str] = set()
    for k, last in full.items():
        if last in singles:
            out.add(k)
            out.add(last)
    return out


# A one-word name that only ever speaks ("Hunt said", "Hunt wrote", "Smith, however, advocated")
# is a person quoted, usually a researcher or an official. (Also requiring one person-only verb,
# "wrote", "believes", which a company seldom does, was tried: it kept more quoted people on both
# dev halves.)
_SPEECH_RIGHT = re.compile(
    r"(?:,[^,]{1,40},)? (?:(?:has|had|also|later|then) )?(?:wrote|writes|told|tells|explained|explains"
    r"|added|adds|noted|notes|believes|believed|thinks|thought|recommended|recommends|advised|advises"
    r"|advocated|acknowledged|criticized|criticised|argued|argues|asked|asks|suggested|suggests"
    r"|cautioned|recalled|continued|concluded|tweeted|blogged|emphasi[sz]ed"
    r"|said|says|claims|claimed|revealed|reveals|stated|states|warned|warns|commented"
    r"|confirmed|reported|responded|replied)\b"
)
_ONE_WORD_PERSON = re.compile(r"^(?:[A-Z][a-z]+|[A-Z][a-z]+[A-Z][a-z]+|Mc[A-Z][a-z]+|O'[A-Z][a-z]+)$")


def speakers(f: CandidateFinder, cands: Iterable[Candidate]) -> set[str]:
    """Keys of the one-word, person-shaped names every occurrence of which is in the body and
    followed by a speech verb."""
    seen: dict[str, list[int]] = {}
    for c in cands:
        if " " in c.key:
            continue
        st = seen.setdefault(c.key, [0, 0])  # occurrences, followed by a speech verb
        st[0] += 1
        if c.sent.source == "text" and _ONE_WORD_PERSON.match(c.norm):
            text, _, e = lower_sent(f, c)
            if _SPEECH_RIGHT.match(text, e):
                st[1] += 1
    return {k for k, (n, sp) in seen.items() if n == sp}


def lone_initials(cands: Iterable[Candidate]) -> set[str]:
    """Keys of one-word names seen only at the head of a sentence or where a headline's capitals
    say nothing ("Huge", "Fortunately", "Following"): ordinary words capitalized by position, not
    names. Acronyms, inner capitals and digits ("ESEA", "eBay", "R2Games") are kept. Inside a
    sentence-case headline part ("Startup Parcelo exposes records") a capital is as telling as in
    a body sentence; in a Title Case part, or as a part's first word, it says nothing."""
    lone: set[str] = set()
    seen_inside: set[str] = set()
    headlines: dict[int, HeadlineParts] = {}  # per headline sentence, computed once
    for c in cands:
        by_position = c.initial
        if not by_position and c.sent.source == "title":
            h = headlines.get(c.sent.index)
            if h is None:
                h = headlines[c.sent.index] = HeadlineParts(c.sent)
            by_position = not h.capital_tells(c.start - c.sent.start)
        if by_position:
            if " " not in c.key and c.norm[:1].isupper() and c.norm[1:].islower():
                lone.add(c.key)
        else:
            seen_inside.add(c.key)
    return lone - seen_inside


# Honorifics and titles that put a person's name after them ("Mr. Smith", "Mayor Jane Doe").
_PERSON_LEFT = re.compile(
    r"(?:\b(?:mr|mrs|ms|dr|prof|sir|president|mayor|governor|gov|senator|sen|rep|congressman"
    r"|congresswoman|minister|secretary|chancellor|premier|judge|ceo|chairman|chairwoman|principal"
    r"|spokes(?:man|woman|person)|director|researcher|analyst|officer|chief|manager|founder|professor"
    r"|superintendent|commissioner|attorney|lawyer|detective|sheriff|executive)\.? )$"
)


def honorific_people(f: CandidateFinder, cands: Iterable[Candidate]) -> set[str]:
    out: set[str] = set()
    for c in cands:
        text, s, _ = lower_sent(f, c)
        if s >= 3 and _PERSON_LEFT.search(text, max(0, s - 16), s):
            out.add(c.key)
            if " " in c.key:
                out.add(c.key.rsplit(" ", 1)[1])
    return out
