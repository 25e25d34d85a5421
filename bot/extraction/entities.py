"""Victims and attackers: named organisations, people and groups chosen by role cues.

Candidates are the article's capitalized phrases (``bot.extraction.candidates``). Each occurrence
is scored by the words around it (patterns in ``bot.extraction.role_cues``: "X was hacked",
"customers of X", "X's systems" for victims; "attributed to X", "X hacking group", a known
threat-actor name for attackers); scores are summed per name over the article, with the headline
and the opening sentences weighing most. Names that are known not to be victims (news outlets,
security firms quoted as experts, malware families, threat actors, places) are filtered out of the
victims, and so are people quoted or titled ("Mr. X", "principal X": ``bot.extraction.people``)
unless a strong cue names them, the brand a phishing lure impersonates (unless its users are meant:
"Gmail users"), a platform named as someone's ("X's Twitter account"), and words capitalized only
because they start a sentence. Lists of names a cue introduces, and groups named by nationality or
by place and kind ("German companies", "an Ohio hospital"), are victims too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bot.extraction import lexicons as lx
from bot.extraction.candidates import MAX_SCAN_CHARS, Candidate, CandidateFinder, finder, name_key
from bot.extraction.mentions import Context, mention
from bot.extraction.people import honorific_people, lone_initials, people_named, speakers
from bot.extraction.places import is_country_key, is_place_key
from bot.extraction.role_cues import (
    A_LEFT_CUES,
    A_RIGHT_CUES,
    DEMONYM_ATTACKER,
    DEMONYM_VICTIM,
    HYPHEN_TAIL,
    MALWARE_NAMED_RIGHT,
    NO_CUES,
    NOT_NAME,
    NOT_VICTIM_RIGHT,
    ORG_HEAD,
    PRODUCT_RIGHT,
    SOURCE_LEFT,
    SOURCE_RIGHT,
    V_LEFT_CUES,
    V_RIGHT_CUES,
    VICTIM_NATIONS,
    WINDOW,
    Cues,
    cue_names,
    cue_score,
    lower_sent,
    strip_trailing_numbers,
)
from bot.extraction.schema import Mention
from bot.extraction.scoring import Scored, accepted
from bot.extraction.text import Doc, Sentence

# Legal-form suffixes folded away so "Acme Inc." and "Acme" are one name.
_SUFFIX = re.compile(r"\s+(?:inc|corp|corporation|ltd|llc|plc|co|limited)\.?$", re.IGNORECASE)


def _canon(key: str) -> str:
    return _SUFFIX.sub("", key).strip()


@dataclass
class _Agg:
    """Everything the article says around one name: what the learned scorer's features are made of."""

    key: str
    score: float = 0.0
    cue: float = 0.0
    count: int = 0
    in_title: bool = False
    best: Candidate | None = None
    best_cue: float = -1.0
    blocked: int = 0
    tool: int = 0
    group: int = 0  # occurrences written as a group of people ("Android users")
    source: int = 0  # quoted as a source ("said X", "X researchers")
    owned: int = 0  # the owner of a platform named right after it ("X's Twitter account")
    impersonated: int = 0  # a brand a phishing lure pretends to be
    incident: int = 0  # occurrences in sentences that speak of the incident
    first: int = 1_000_000  # index of the first sentence naming it (-1: the headline)
    right: str = ""  # the cue right after the best occurrence (a role_cues name)
    left: str = ""  # the cue right before it
    kind: str = "name"  # name | group (nationality or place + kind of organisation)
    listed: int = 0  # occurrences in a list of names
    list_cue: float = 0.0  # the strongest cue a list it is in has
    bare: int = 0  # occurrences without a possessive 's
    initial: int = 0  # occurrences as a sentence's first word (a capital that may only be positional)
    seen: int = 0  # occurrences of any kind
    cued: int = 0  # occurrences with a role cue of their own (not just an incident sentence)
    located: int = 0  # occurrences after "in" ("a clinic in Dayton"): where the victim is
    malware: int = 0  # occurrences naming it as malware ("the X ransomware"): never the victim


_IMPERSONATED_KEYS = frozenset(name_key(k) for k in lx.IMPERSONATED_BRANDS)
_AGENCY_KEYS = frozenset(name_key(k) for k in lx.AGENCIES)
_VENDOR_KEYS = frozenset(name_key(k) for k in lx.BIG_VENDORS)
_PLATFORM_KEYS = frozenset(name_key(k) for k in lx.PLATFORMS)
_ACTOR_KEYS = frozenset(name_key(k) for k in lx.THREAT_ACTORS)
_SECURITY_FIRM_KEYS = frozenset(name_key(k) for k in lx.SECURITY_FIRMS)
_NEWS_KEYS = frozenset(name_key(k) for k in lx.NEWS_OUTLETS)
_MALWARE_KEYS = frozenset(name_key(k) for k in lx.MALWARE)

# Position weights of a cue (features: the model learns how much they matter): the headline and
# the lead state the incident.
_TITLE_MULT = 2.0
_LEAD_MULT = 1.5
_LEAD_SENTENCES = 3


def _position_mult(c: Candidate) -> float:
    if c.sent.source == "title":
        return _TITLE_MULT
    return _LEAD_MULT if c.sent.index < _LEAD_SENTENCES else 1.0


def _full_org_name(key: str, pool: list[_Agg]) -> _Agg | None:
    """The organisation-shaped name a one-word name is the first word of ("Crosshouse" ->
    "Crosshouse Hospital"), when the article writes it: a headline often clips the name that the
    body gives in full."""
    prefix = key + " "
    longer = [a for a in pool if a.best is not None and a.count and a.key.startswith(prefix) and ORG_HEAD.search(a.key)]
    return max(longer, key=lambda a: (a.count, a.key)) if longer else None


# Feature constants of a mention's cue weight (the victims model weighs what they add up to):
# every mention in a sentence that speaks of the incident adds _INCIDENT_BASE even without a role
# cue, and a nationality group there ("German companies") adds _DEMONYM_BASE.
_INCIDENT_BASE = 0.25
_DEMONYM_BASE = 1.0


_GENERIC_KEYS = frozenset(name_key(k) for k in lx.GENERIC_CAPS) | frozenset(lx.DEMONYMS)


_LIST_SEP = re.compile(r"(?:,| and|, and|,? or| &) (?:the )?$")
_GROUP_NOUN = re.compile(
    r" (?:state |city |county |government |hospital )?(?:officials|employees|staff|residents|users"
    r"|customers|patients|students|players|members|workers|athletes|voters|fans|gamers|subscribers"
    r"|clients|consumers|shoppers|guests|passengers|travell?ers|cardholders|account holders"
    r"|policyholders|donors|investors|taxpayers|applicants|owners)\b"
)
# A count before a group of people ("143 million U.S. consumers", "over 180 Indian companies",
# "two US-based firms"): the people counted are the ones affected. A year ("2016 Yahoo users")
# is no count.
_COUNT_LEFT = re.compile(
    r"(?<![\w$£€.,])(?:(?!(?:19|20)\d\d )\d[\d,.]*|two|three|four|five|six|seven|eight|nine|ten|dozens|hundreds"
    r"|thousands|millions)(?: (?:hundred|thousand|million|billion|m|mn|bn|k))?(?: of)? (?:the )?$"
)
# A count before a group of people ("40,000 customers of X") is as strong a cue as a role verb.
_COUNT_CUE = 2.5
# A name listed next to a cued victim ("attacks on X, Y and Z") gets this share of its cue.
_LIST_SHARE = 0.7


def _count_cue(text: str, start: int) -> float:
    return _COUNT_CUE if _COUNT_LEFT.search(text, max(0, start - 30), start) else 0.0


def _propagate_lists(cands: list[Candidate], aggs: dict[str, _Agg]) -> list[list[Candidate]]:
    """Names coordinated in one list share the victim cue of the best-cued item. Returns the
    lists."""
    run: list[Candidate] = []
    lists: list[list[Candidate]] = []

    def flush() -> None:
        if len(run) < 2:
            return
        keys = [_canon(c.key) for c in run]
        lists.append(run)
        best = max((aggs[k].best_cue for k in keys if k in aggs), default=0.0)
        if best <= 0:
            return
        for c, k in zip(run, keys, strict=True):
            a = aggs.get(k)
            if a is not None and a.cue < _LIST_SHARE * best:
                a.cue = _LIST_SHARE * best
                if a.best is None:
                    a.best = c

    prev: Candidate | None = None
    for c in cands:
        if (
            prev is not None
            and prev.sent is c.sent
            and _LIST_SEP.match(c.sent.norm[prev.end - c.sent.start : c.start - c.sent.start])
            and c.start - prev.end <= 7
        ):
            run.append(c)
        else:
            flush()
            run = [c]
        prev = c
    flush()
    return lists


# A list of at least _LIST_MIN names ("breaches at X, Y and Z") shares the victim cue that
# introduces or closes it with every name in it (the list_cue feature).
_LIST_MIN = 3


def _list_cue(f: CandidateFinder, run: list[Candidate]) -> float:
    """The victim cue before a list's first name or after its last one."""
    text, s, _ = lower_sent(f, run[0])
    e = run[-1].end - run[-1].sent.start
    return max(cue_score(text, s, s, NO_CUES, V_LEFT_CUES), cue_score(text, e, e, V_RIGHT_CUES, NO_CUES))


def _initials(key: str) -> tuple[str, str]:
    words = key.split()
    return "".join(w[0] for w in words), "".join(w[0] for w in words if w not in ("of", "for", "and", "the"))


def _merge_aliases(aggs: dict[str, _Agg]) -> None:
    """Fold acronyms and clipped forms into the full name they stand for: "CDOT" counts for
    "Colorado Department of Transportation", "Met" for "Metropolitan Police Service". (Folding
    whole-word prefixes, "Cathay" into "Cathay Pacific", was tried and lost precision on dev.)"""
    long_keys = [k for k in aggs if " " in k]
    if not long_keys:
        return
    by_initials: dict[str, str] = {}
    by_head: dict[str, str] = {}
    for k in long_keys:
        for ini in _initials(k):
            if len(ini) >= 2:
                by_initials.setdefault(ini, k)
        head = k.split(" ", 1)[0]
        for n in range(3, min(len(head), 6)):
            by_head.setdefault(head[:n], k)
    for k in list(aggs):
        a = aggs[k]
        target: str | None = None
        if " " not in k and k in by_initials and len(k) >= 3:
            target = by_initials[k]
        elif " " not in k and k in by_head:
            # a clipped form: "the Met" for "the Metropolitan Police Service"
            target = by_head[k]
        if target is None or target not in aggs:
            continue
        t = aggs[target]
        if t.best is None or a.best_cue > t.best_cue:
            t.best, t.best_cue = a.best, a.best_cue
        t.cue += a.cue
        t.count += a.count
        t.blocked += a.blocked
        t.in_title = t.in_title or a.in_title
        a.cue = 0.0
        a.count = 0


# An organisation named by where it is and what it is ("An Indiana hospital said it paid", "a
# ransomware attack targeted an Austrian hotel"): group 1 must be a place or a nationality.
_PLACE_ORG = re.compile(
    r"\b(?:[Aa]n?|[Tt]he) ((?:[A-Z][\w.]*[ -]){0,2}[A-Z][\w.]*?)(?:-based)? "
    r"(?:(?!(?:cyber|infosec|security|anti-?virus|intelligence|spy|research|consulting|law)[\w-]*\b)[a-z-]+ ){0,2}"
    r"(?:hospital|city"
    r"|county|town|village|hotel|college|school|university|bank|company|firm|clinic|retailer|utility|district|council"
    r"|municipality|insurer|lender|chain|provider|organi[sz]ation|charity|business|operator|airline"
    r"|airport|manufacturer|maker|health system|hospital system|police department)\b"
)


def _group_victims(sent: Sentence) -> Iterator[tuple[re.Match[str], bool]]:
    """The nationality groups ("German companies", "Americans") and place-qualified organisations
    ("an Indiana hospital") of a sentence; the flag says whether a count may cue it."""
    groups: list[tuple[int, int]] = []
    for m in DEMONYM_VICTIM.finditer(sent.norm, 0, MAX_SCAN_CHARS):
        if m.group(1) is None:
            # "two Nigerians" are as often the suspects as the victims
            groups.append(m.span())
            yield m, False
        elif m.group(1).lower() in VICTIM_NATIONS:
            # "143 million U.S. consumers" are the victims
            groups.append(m.span())
            yield m, True
    for m in _PLACE_ORG.finditer(sent.norm, 0, MAX_SCAN_CHARS):
        place = m.group(1)
        if any(s < m.end() and m.start(1) < e for s, e in groups):
            continue  # "a German bank" is already a nationality group: one group, scored once
        if place.lower() in lx.DEMONYMS or is_place_key(name_key(place)):
            yield m, False


def _sighted(a: _Agg, c: Candidate) -> None:
    a.seen += 1
    a.bare += not c.possessive
    a.initial += c.initial


def _shown(doc: Doc, a: _Agg) -> Mention:
    """The mention a chosen name is shown as: with its "'s" when the article never writes it
    without one ("McDonald's", a brand, not "McDonald" owning something)."""
    c = a.best
    assert c is not None
    end = c.end + 2 if c.possessive and a.seen and not a.bare else c.end
    return mention(doc, c.sent, c.start, end)


def _note(a: _Agg, c: Candidate, w: float, text: str, s: int, e: int, right: Cues, left: Cues) -> None:
    """Record one occurrence's position and, when it is the best so far, its cues."""
    first = -1 if c.sent.source == "title" else c.sent.index
    a.first = min(a.first, first)
    if w > a.best_cue:
        a.best, a.best_cue = c, w
        a.right, a.left = cue_names(text, s, e, right, left)


def _add_groups(f: CandidateFinder, aggs: dict[str, _Agg]) -> None:
    """The groups of _group_victims as candidates: a nationality group or a place-qualified
    organisation, with its cue (a count before a group of people cues it too)."""
    for sent in f.scanned_sentences:
        incident = f.incident(sent)
        low = f.lower(sent)
        for m, counted in _group_victims(sent):
            cue = cue_score(low, m.start(), m.end(), V_RIGHT_CUES, V_LEFT_CUES)
            if counted:
                cue = max(cue, _count_cue(low, m.start()))
            start = m.start(1) if m.re is _PLACE_ORG else m.start()
            text = sent.norm[start : m.end()]
            k = text.lower()
            a = aggs.get(k)
            if a is None:
                a = aggs[k] = _Agg(k, kind="group")
            w = (_DEMONYM_BASE * incident + cue) * (
                _TITLE_MULT if sent.source == "title" else _LEAD_MULT if sent.index < _LEAD_SENTENCES else 1.0
            )
            a.cue += w
            a.count += 1
            a.cued += cue > 0
            a.group += 1
            a.incident += incident
            a.in_title = a.in_title or sent.source == "title"
            c = Candidate(sent, sent.start + start, sent.start + m.end(), text, k, start == 0, False)
            _note(a, c, w + 1e-9, low, m.start(), m.end(), V_RIGHT_CUES, V_LEFT_CUES)


# At most this many victims and attackers on a card: a long list of names is shown as its first few.
_V_LIMIT = 8
_A_LIMIT = 3


def _flag(features: dict[str, float], name: str, on: bool) -> None:
    if on:
        features[name] = 1.0


# Beyond these a name's cue sum and mention count say nothing more (the longest news articles name
# their victim a few dozen times).
_MAX_CUE_SUM = 40.0
_MAX_COUNT = 30


def _name_features(a: _Agg, f: dict[str, float]) -> None:
    """Features of the name itself and of where the article puts it (both roles)."""
    n = max(a.count, 1)
    key = a.key
    words = key.split()
    # Sums grow with the number of mentions; capped where news articles stop (a pasted text that
    # repeats a name thousands of times must not read as a thousand times more certain).
    f["cue"] = min(a.cue, _MAX_CUE_SUM)
    f["best_cue"] = max(a.best_cue, 0.0)
    f["log_count"] = math.log1p(min(a.count, _MAX_COUNT))
    f["incident_share"] = a.incident / n
    f[f"kind:{a.kind}"] = 1.0
    f[f"words:{min(len(words), 4)}"] = 1.0
    f["first:title" if a.first < 0 else "first:lead" if a.first < _LEAD_SENTENCES else "first:later"] = 1.0
    _flag(f, "in_title", a.in_title)
    _flag(f, "org_head", bool(ORG_HEAD.search(key)))
    _flag(f, "digit", any(ch.isdigit() for ch in key))
    _flag(f, "acronym", a.best is not None and a.best.norm.isupper() and len(a.best.norm) <= 6)
    _flag(f, "place", is_place_key(key))
    _flag(f, "country", is_country_key(key))
    _flag(f, "vendor", key in _VENDOR_KEYS)
    _flag(f, "agency", key in _AGENCY_KEYS)
    _flag(f, "platform", key in _PLATFORM_KEYS)
    _flag(f, "security_firm", key in _SECURITY_FIRM_KEYS)
    _flag(f, "news_outlet", key in _NEWS_KEYS)
    _flag(f, "malware", key in _MALWARE_KEYS)
    _flag(f, "threat_actor", key in _ACTOR_KEYS)
    _flag(f, "generic", key in _GENERIC_KEYS)
    _flag(f, "initial_only", a.seen > 0 and a.initial == a.seen)
    if a.right:
        f[f"right:{a.right}"] = 1.0
    if a.left:
        f[f"left:{a.left}"] = 1.0
    if words:
        f[f"last:{words[-1]}"] = 1.0


def _tops(pool: Iterable[_Agg]) -> tuple[float, float, int]:
    """The article's largest cue sum, best single cue and mention count (for relative features)."""
    live = [a for a in pool if a.best is not None and a.count]
    return (
        max((a.cue for a in live), default=0.0),
        max((a.best_cue for a in live), default=0.0),
        max((a.count for a in live), default=0),
    )


def _relative_features(a: _Agg, tops: tuple[float, float, int], f: dict[str, float]) -> None:
    """How a name compares with the article's other names: a short pasted text and a long feature
    have very different absolute sums, but the victim is the most-cued name in both."""
    top_cue, top_best, top_count = tops
    f["cue_rel"] = a.cue / top_cue if top_cue > 0 else 0.0
    f["best_rel"] = max(a.best_cue, 0.0) / top_best if top_best > 0 else 0.0
    f["count_rel"] = a.count / top_count if top_count else 0.0
    _flag(f, "top_cue", top_cue > 0 and a.cue >= top_cue)
    _flag(f, "strong_cue", a.best_cue >= 2.5)
    f["log_cue"] = math.log1p(min(max(a.cue, 0.0), _MAX_CUE_SUM))


def _victim_features(a: _Agg, *, person: bool, titled: bool, attacker_cue: float) -> dict[str, float]:
    f: dict[str, float] = {}
    _name_features(a, f)
    n = max(a.count, 1)
    f["blocked_share"] = a.blocked / (n + a.blocked)
    f["tool_share"] = a.tool / (n + a.tool)
    f["source_share"] = a.source / (n + a.source)
    f["group_share"] = a.group / n
    # A name the article never gives a role cue is only near the incident, not in it; one it only
    # names after "in" is where the victim is ("a clinic in Dayton, Ohio, was hit").
    f["cued_share"] = a.cued / n
    f["located_share"] = a.located / n
    f["owned"] = math.log1p(a.owned)
    f["attacker_cue"] = attacker_cue
    f["attacker_share"] = attacker_cue / (attacker_cue + a.cue + 1.0)
    f["list_cue"] = a.list_cue
    _flag(f, "listed", a.listed > 0)
    _flag(f, "person", person)
    _flag(f, "titled", titled)
    _flag(f, "impersonated", a.impersonated > 0)
    return f


def victim_candidates(ctx: Context) -> list[Scored]:
    """Every name or group that could be the victim, with the features the victims model reads.

    Three steps: each sighting of a name adds its evidence to the name's aggregate; names in
    lists share the list's cue; each aggregate becomes the features the model reads."""
    f = finder(ctx)
    aggs: dict[str, _Agg] = {}
    lone = lone_initials(f.all)
    prev: Candidate | None = None
    for c in f.all:
        owner, prev = prev, c
        k = _canon(strip_trailing_numbers(c.key))
        if not k or len(k) < 2 or k in lone:
            continue
        if HYPHEN_TAIL.search(c.norm) or NOT_NAME.search(c.norm):
            continue
        a = aggs.get(k)
        if a is None:
            a = aggs[k] = _Agg(k)
        _sighted(a, c)
        _victim_sighting(f, a, c, owner)
    _victim_lists(f, aggs)
    _merge_aliases(aggs)
    _add_groups(f, aggs)
    return _scored_victims(ctx, f, aggs)


def _victim_sighting(f: CandidateFinder, a: _Agg, c: Candidate, owner: Candidate | None) -> None:
    """What one sighting of a name says about it as a victim: a product, a tool, a source, an
    owned platform, a place, or a cued (or uncued) name in or near the incident."""
    k = a.key
    text, s, e = lower_sent(f, c)
    if e - s <= 0:
        return
    if PRODUCT_RIGHT.match(text, e):
        a.blocked += 1
        return
    if NOT_VICTIM_RIGHT.match(text, e):
        a.tool += 1
        a.malware += bool(MALWARE_NAMED_RIGHT.match(text, e))
        return
    if (
        SOURCE_RIGHT.match(text, e)
        or SOURCE_LEFT.search(text[max(0, s - WINDOW) : s])
        or (k in lx.STATE_ABBREVIATIONS and text[max(0, s - 2) : s] == ", ")
    ):
        a.source += 1
        return
    if owner is not None and owner.sent is c.sent and owner.possessive and owner.end == c.start - 3:
        # "the Met's Twitter account": the owner is the victim, not the platform
        a.owned += 1
        return
    if text[max(0, s - 4) : s] == " in ":
        # "a clinic in Dayton was hit": a place the victim is in, not the victim
        cue = cue_score(text, s, e, NO_CUES, V_LEFT_CUES)
        a.located += 1
    else:
        cue = cue_score(text, s, e, V_RIGHT_CUES, V_LEFT_CUES)
    incident = f.incident(c.sent)
    g = _GROUP_NOUN.match(text, e)
    if g:
        # "Colorado officials said", "Vermont state employees": the group is the victim
        c = Candidate(c.sent, c.start, c.start + (g.end() - s), c.norm, c.key, c.initial, False)
        cue = max(cue, cue_score(text, s, g.end(), V_RIGHT_CUES, V_LEFT_CUES), _count_cue(text, s))
        a.group += 1
    elif k in _IMPERSONATED_KEYS:
        # a brand phishing lures pretend to be (the model weighs it; its users are victims)
        a.impersonated += 1
    w = (cue + _INCIDENT_BASE * incident) * _position_mult(c)
    a.cue += w
    a.count += 1
    a.cued += cue > 0
    a.incident += incident
    if c.sent.source == "title":
        a.in_title = True
    _note(a, c, w, text, s, e, V_RIGHT_CUES, V_LEFT_CUES)


def _victim_lists(f: CandidateFinder, aggs: dict[str, _Agg]) -> None:
    """Names listed together ("Acme, Globex and Initech were hit") share the list's cue."""
    for run in _propagate_lists(f.all, aggs):
        cue = _list_cue(f, run) if f.incident(run[0].sent) else 0.0
        for c in run:
            a = aggs.get(_canon(c.key))
            if a is not None:
                a.listed += 1
                a.list_cue = max(a.list_cue, cue * (len(run) >= _LIST_MIN))


def _scored_victims(ctx: Context, f: CandidateFinder, aggs: dict[str, _Agg]) -> list[Scored]:
    """Each aggregate as the features the victims model reads (malware names are not victims)."""
    people = people_named(f.body) | speakers(f, f.all)
    titled = honorific_people(f, f.all)
    attacker_cues = _attackers(ctx)[2]
    out: list[Scored] = []
    pool = list(aggs.values())
    tops = _tops(pool)
    for a in pool:
        if a.best is None or not a.count or a.malware:
            continue
        shown = (_full_org_name(a.key, pool) if " " not in a.key and a.kind == "name" else None) or a
        assert shown.best is not None
        feats = _victim_features(
            a,
            person=a.key in people,
            titled=a.key in titled,
            attacker_cue=attacker_cues.get(a.key, 0.0),
        )
        _relative_features(a, tops, feats)
        out.append(Scored(a.key, _shown(ctx.doc, shown), feats))
    return out


def _choose(ctx: Context, scored: list[Scored], model_name: str, limit: int) -> list[Mention]:
    """The candidates the model accepts, most probable first, one name per entity."""
    ranked = accepted(ctx, scored, model_name)
    out: list[Mention] = []
    seen: list[str] = []
    for _, c in ranked:
        shown = name_key(c.mention.text)
        if any(_same_entity(k, s) for s in seen for k in (c.key, shown)):
            continue
        out.append(c.mention)
        seen += [c.key, shown]
        if len(out) >= limit:
            break
    return out


def _same_entity(a: str, b: str) -> bool:
    """Two name keys for one entity: one inside the other ("acme" / "acme bank"), the acronym of
    the other ("cdot" / "colorado department of transportation"), or a clipped form whose words the
    other has ("met police" / "metropolitan police service")."""
    if a in b or b in a:
        return True
    short, long_ = sorted((a, b), key=len)
    sw, lw = short.split(), long_.split()
    if len(sw) == 1 and len(sw[0]) >= 2 and sw[0] in _initials(long_):
        return True
    return len(sw[0]) >= 3 and lw[0].startswith(sw[0]) and set(sw[1:]) <= set(lw[1:]) and len(sw) <= len(lw)


def extract_victims(ctx: Context) -> list[Mention]:
    chosen = _choose(ctx, victim_candidates(ctx), "victims", _V_LIMIT)
    return chosen or _stated_victim(ctx)


# "X was hit by ransomware", "X lost $1.9M", "hackers breached X": in the headline or the lead,
# the organisation a harm is done to is the victim in any text. The learned scorer weighs how often
# and where a name recurs, so a short pasted paragraph that names its victim once or twice can
# leave the card without one; this says who it is only then, never beside the model's choice.
_HARMED_RIGHT = re.compile(
    r"(?:'s? [\w-]+(?: [\w-]+)?)? (?:was|were|has been|have been|had been|is being|got) (?:hit|hacked|breached|attacked"
    r"|compromised|targeted|infected|defrauded|scammed|tricked|struck|extorted|crippled)\b"
    r"| (?:lost|loses|suffered|suffers|fell victim|falls victim|paid (?:a |the )?ransom|pays (?:a |the )?ransom)\b"
    r"| (?:hit|struck|crippled) by\b"
)
_HARMED_LEFT = re.compile(
    r"\b(?:hackers|attackers|criminals|fraudsters|scammers|ransomware|cybercriminals|gang|group)"
    r" (?:hit|hits|breached|breach|attacked|attack|compromised|targeted|target|trick|tricked|defrauded|extorted)"
    r" (?:the )?$"
)


def _stated_victim(ctx: Context) -> list[Mention]:
    f = finder(ctx)
    attackers = {name_key(m.text) for m in extract_attackers(ctx)}
    for c in f.all:
        if c.sent.source != "title" and c.sent.index >= _LEAD_SENTENCES:
            continue
        if is_place_key(c.key) or any(_same_entity(c.key, k) for k in attackers):
            continue
        text, s, e = lower_sent(f, c)
        if _HARMED_RIGHT.match(text, e) or _HARMED_LEFT.search(text, max(0, s - 40), s):
            return [mention(ctx.doc, c.sent, c.start, c.end)]
    return []


def extract_attackers(ctx: Context) -> list[Mention]:
    chosen = _choose(ctx, _attackers(ctx)[0], "attackers", _A_LIMIT)
    named = _self_named(ctx)
    if not named:
        return chosen
    keys = {name_key(m.text) for m in named}
    rest = [m for m in chosen if not any(_same_entity(name_key(m.text), k) for k in keys)]
    return (named + rest)[:_A_LIMIT]


# "a criminal group calling itself X", "hackers known as X": the article names the attackers by
# the name they go by. That is what the construction means in any text, so it is not left to a
# model that saw it in a handful of articles.
_SELF_NAMED_LEFT = re.compile(
    r"(?:group|gang|hackers|hacker|collective|crew|actors?|outfit|operators|cybercriminals|criminals)"
    r",? (?:calling (?:itself|themselves)|that calls? (?:itself|themselves)|who call themselves"
    r"|known as|dubbed|going by(?: the name)?) (?:the )?$"
)


def _self_named(ctx: Context) -> list[Mention]:
    f = finder(ctx)
    out: list[Mention] = []
    seen: set[str] = set()
    for c in f.all:
        text, s, _ = lower_sent(f, c)
        if c.key in seen or not _SELF_NAMED_LEFT.search(text, max(0, s - 60), s):
            continue
        seen.add(c.key)
        out.append(mention(ctx.doc, c.sent, c.start, c.end))
    return out


def attacker_candidates(ctx: Context) -> list[Scored]:
    return _attackers(ctx)[0]


def _attackers(ctx: Context) -> tuple[list[Scored], dict[str, _Agg], dict[str, float]]:
    """The attacker candidates, their aggregates, and each name's attacker cue (computed once per
    doc: the victims read the cue too)."""
    return ctx.doc.memo("attackers", lambda: _attacker_candidates(ctx))


# Group names that are also English adjectives: followed by a lower-case word ("Anonymous hackers
# broke in") the word is the adjective, not the group ("the hacking collective Anonymous said").
_ADJECTIVE_NAMES = frozenset({"anonymous"})
_LOWER_WORD_AFTER = re.compile(r" [a-z]")


def _attacker_candidates(ctx: Context) -> tuple[list[Scored], dict[str, _Agg], dict[str, float]]:
    f = finder(ctx)
    doc = ctx.doc
    aggs: dict[str, _Agg] = {}
    for c in f.all:
        k = _canon(c.key)
        if not k or len(k) < 2:
            continue
        text, s, e = lower_sent(f, c)
        if k in _ADJECTIVE_NAMES and c.sent.norm.startswith(" ", e) and _LOWER_WORD_AFTER.match(c.sent.norm, e):
            continue
        cue = cue_score(text, s, e, A_RIGHT_CUES, A_LEFT_CUES, both=True)
        known = k in _ACTOR_KEYS
        if cue <= 0 and not known:
            continue
        a = aggs.get(k)
        if a is None:
            a = aggs[k] = _Agg(k)
        _sighted(a, c)
        incident = f.incident(c.sent)
        w = cue * _position_mult(c)
        a.cue += w
        a.count += 1
        a.incident += incident
        a.in_title = a.in_title or c.sent.source == "title"
        _note(a, c, w + 1e-9, text, s, e, A_RIGHT_CUES, A_LEFT_CUES)
    # "Russian hackers", "North Korean hacker group": a nationality is often all the article says.
    for sent in f.scanned_sentences:
        for m in DEMONYM_ATTACKER.finditer(sent.norm, 0, MAX_SCAN_CHARS):
            if m.group(1).lower() not in lx.DEMONYMS:
                continue
            k = m.group(0).lower()
            a = aggs.get(k)
            if a is None:
                a = aggs[k] = _Agg(k, kind="group")
            w = _TITLE_MULT if sent.source == "title" else _LEAD_MULT if sent.index < _LEAD_SENTENCES else 1.0
            a.cue += w
            a.count += 1
            a.group += 1
            a.incident += f.incident(sent)
            a.in_title = a.in_title or sent.source == "title"
            c = Candidate(sent, sent.start + m.start(), sent.start + m.end(), m.group(0), k, m.start() == 0, False)
            _note(a, c, w + 1e-9, f.lower(sent), m.start(), m.end(), A_RIGHT_CUES, A_LEFT_CUES)
    out: list[Scored] = []
    tops = _tops(aggs.values())
    for a in aggs.values():
        if a.best is None:
            continue
        feats: dict[str, float] = {}
        _name_features(a, feats)
        _relative_features(a, tops, feats)
        _flag(feats, "known_actor", a.key in _ACTOR_KEYS)
        out.append(Scored(a.key, _shown(doc, a), feats))
    return out, aggs, {k: a.cue for k, a in aggs.items()}
