"""Numbers: how many were affected, money lost, ransoms asked.

Every rule is a bounded regex over the folded text (``Doc.norm``) run once per article; the
candidates are then kept or dropped by cue words in their own sentence. Surface forms are kept as
written ("117 million", "880,000", "$1.2 million") and the normalized value is computed here.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from bot.extraction.mentions import MAX_FIELD_MENTIONS, Context, dedupe, mention
from bot.extraction.schema import Mention, Money
from bot.extraction.scoring import Scored, accepted
from bot.extraction.text import Doc, Sentence, lower_same_length

# ----------------------------------------------------------------------------- number parsing
# Written from general English usage.
_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "a": 1, "an": 1, "a dozen": 12, "dozen": 12, "a hundred": 100, "a thousand": 1000,
}  # fmt: skip
_SCALES = {
    "hundred": 1e2, "thousand": 1e3, "k": 1e3, "million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}  # fmt: skip

_WORDNUM = (
    r"(?:a\s+dozen|a\s+hundred|a\s+thousand|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|dozen)"
)
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_SCALE_WORD = r"(?:\s*(?:hundred|thousand|million|billion|trillion)\b|(?:mln|mn|bn|tn|m|b|k)\b)"
# A number as written: "880,000", "1.5 million", "148million", "100m", "a dozen", "two million".
# Word numbers may take a scale word only with a space ("two million"); "a million" counts too.
_NUMBER = (
    rf"(?:{_DIGITS}{_SCALE_WORD}?(?:\s*(?:-|to)\s*{_DIGITS}{_SCALE_WORD}?)?"
    rf"|(?:{_WORDNUM}|an?)(?:\s+(?:hundred|thousand|million|billion)\b)+|{_WORDNUM}\b)"
)
# ASCII digits only: float() also reads other scripts' digits, which the folded text never
# promises to be numbers of this article's language.
_NUM_TOKEN = re.compile(r"([0-9]+(?:\.[0-9]+)?)|([a-z]+)")


def parse_number(text: str) -> float | None:
    """Value of the (last) number in ``text``: "1.5 million" -> 1.5e6, "a dozen" -> 12.

    For ranges ("130-135 million", "550,000 to 1.1 million") the upper bound is returned, with the
    scale of the last part applied to a bare first part only when it has none of its own.
    """
    value: float | None = None
    for m in _NUM_TOKEN.finditer(text.lower().replace(",", "")):
        if m.group(1):
            value = float(m.group(1))
            continue
        word = m.group(2)
        if word in _SCALES and value is not None:
            value *= _SCALES[word]
        elif word == "dozen":
            value = (value or 1) * 12
        elif word in _UNITS:  # "a" and "an" are units too: "a million" is 1e6
            value = float(_UNITS[word])
    return value


def _as_int(v: float) -> int:
    return round(v)


# ----------------------------------------------------------------------------- features
# The learned scorers (bot/extraction/learned.py) that keep or drop the candidates of each field.
DAMAGE_MODEL = "damage"
RANSOM_MODEL = "ransom"
# Sentences 0-2 are the lead: news states the incident's own figures there.
_LEAD_SENTENCES = 3
# A cue this many characters from a number is "next to" it (about eight words).
_NEAR = 50
# More candidates than any news article has (the longest dev articles have a few dozen numbers):
# a bound on the work a pasted text of thousands of numbers can cause.
_MAX_CANDIDATES = 500


@dataclass(frozen=True)
class CueFamilies:
    """Cue words grouped in named families, found with one linear-time alternation."""

    name: str
    rx: re.Pattern[str]


def cue_families(**families: str) -> CueFamilies:
    """Families of cue words (lower-case regex alternatives), matched on whole words."""
    groups = "|".join(f"(?P<{name}>{alt})" for name, alt in families.items())
    return CueFamilies("|".join(families), re.compile(rf"\b(?:{groups})\b"))


def _sentence_lower(doc: Doc, sent: Sentence) -> str:
    """The sentence lower-cased (offsets kept), sliced once per sentence: a 200,000-character
    sentence of numbers must not be copied once per number."""
    memo: dict[tuple[str, int], str] = doc.memo("lower_sentences", dict)
    k = (sent.source, sent.index)
    low = memo.get(k)
    if low is None:
        low = memo[k] = lower_same_length(sent.norm)
    return low


def _cue_hits(fams: CueFamilies, low: str, sent: Sentence, doc: Doc) -> tuple[list[int], list[str]]:
    """Positions and families of the cue words of a sentence (found once per sentence)."""
    memo: dict[tuple[str, int], tuple[list[int], list[str]]] = doc.memo(f"cues:{fams.name}", dict)
    k = (sent.source, sent.index)
    hits = memo.get(k)
    if hits is None:
        found = [(m.start(), m.lastgroup or "") for m in fams.rx.finditer(low)]
        hits = memo[k] = ([p for p, _ in found], [g for _, g in found])
    return hits


def cue_set(fams: CueFamilies, low: str, sent: Sentence, doc: Doc) -> set[str]:
    """The families whose words the sentence has."""
    return set(_cue_hits(fams, low, sent, doc)[1])


def add_cues(f: dict[str, float], fams: CueFamilies, low: str, sent: Sentence, start: int, end: int, doc: Doc) -> None:
    """Features of the cue words around the span [start, end) of a sentence (offsets within it):
    the families in the sentence (``s:``), within _NEAR characters before (``l:``) and after it
    (``r:``), and the nearest one before it (``nl:``)."""
    pos, fam = _cue_hits(fams, low, sent, doc)
    for g in set(fam):
        f[f"s:{g}"] = 1.0
    lo = bisect.bisect_left(pos, start - _NEAR)
    hi = bisect.bisect_right(pos, end + _NEAR)
    for i in range(lo, hi):
        if pos[i] < start:
            f[f"l:{fam[i]}"] = 1.0
        elif pos[i] >= end:
            f[f"r:{fam[i]}"] = 1.0
    before = bisect.bisect_left(pos, start) - 1
    if before >= 0:
        f[f"nl:{fam[before]}"] = 1.0


def _previous(doc: Doc, sent: Sentence) -> Sentence | None:
    if sent.source != "text" or sent.index == 0:
        return None
    return doc.sentences[sent.index - 1]


def _flag(f: dict[str, float], name: str, on: bool) -> None:
    if on:
        f[name] = 1.0


def _order_key(sent: Sentence, start: int) -> str:
    """A candidate's key: its place in the article, headline first."""
    return f"{0 if sent.source == 'title' else 1}:{start:09d}"


def _in_text_order(ranked: list[tuple[float, Scored]]) -> list[Mention]:
    """The accepted mentions in text order (headline first), one per value, up to the field limit."""
    order = sorted(ranked, key=lambda pc: pc[1].key)
    return dedupe((c.mention for _, c in order), limit=MAX_FIELD_MENTIONS)


# ----------------------------------------------------------------------------- affected counts
# What can be counted as affected: people, records, accounts, devices, organisations. Written from
# general knowledge of breach reporting ("880,000 payment cards", "data of 3,000 patients").
_COUNT_NOUNS = (
    r"(?:customers?|users?|accounts?|records?|people|persons?|individuals?|patients?|employees?|"
    r"members?|students?|staff(?:ers)?|workers?|co-workers?|clients?|subscribers?|consumers?|"
    r"citizens?|residents?|voters?|taxpayers?|players?|gamers?|visitors?|shoppers?|guests?|"
    r"passengers?|travell?ers?|applicants?|candidates?|donors?|victims?|children|kids|adults|"
    r"members|veterans|servicemen|personnel|data|borrowers|policyholders|retirees|physicians|doctors|nurses|teachers|"
    r"cards?|card\s+numbers|card\s+details|numbers|details|credentials|passwords?|usernames?|"
    r"logins?|log-ins?|identities|profiles|files?|documents?|emails?|e-mails?|messages?|"
    r"addresses|photos?|images?|pictures?|videos?|recordings?|entries|rows|databases?|"
    r"devices?|computers?|machines?|PCs|hosts?|servers?|endpoints?|phones?|smartphones?|routers?|"
    r"cameras?|systems?|websites?|sites?|domains?|apps?|applications?|installations?|"
    r"companies|firms|businesses|organi[sz]ations?|hospitals?|clinics?|schools?|universities|"
    r"banks?|hotels?|stores?|restaurants?|locations?|branches|agencies|departments|municipalities|"
    r"institutions|entities|retailers|merchants|providers|networks?|homes|households|families)"
)
# Words that may stand between the number and the noun ("1.5 million Yahoo user accounts",
# "12 of its hotels"), but not words that start a new phrase.
_GAP_STOP = (
    r"(?:in|for|to|from|or|by|with|was|were|is|are|has|have|had|on|at|per|than|as|that|which|"
    r"who|of|since|after|before|during|when|while|over|into|about|percent|years?|months?|days?|weeks?|"
    r"hours?|minutes?|times)"
)
_GAP_WORD = rf"(?:(?!{_GAP_STOP}\b)[A-Za-z][\w'&.-]* {{1,2}})"
_COUNT = re.compile(
    rf"(?<![\w$£€¥.,/#-])(?P<num>{_NUMBER})(?![\w%]|\.\d|,\d)"
    rf"(?P<tail> {{1,2}}(?:of {{1,2}}(?:(?:the|its|their|his|her|our) {{1,2}})?)?{_GAP_WORD}{{0,3}}?"
    rf"{_COUNT_NOUNS}\b)",
    re.IGNORECASE,
)
_YEAR_LIKE = re.compile(r"(?:19|20)\d\d$")
_PHONE_LIKE = re.compile(r"\d{3}\s*-\s*\d{4}")
# A sentence must say that the counted things were taken, exposed or hit. Written from general
# knowledge of breach verbs; on the CASIE dev split a weaker list (adding "attack", "target",
# "access", "infect") halved precision for a few points of recall, so those were left out.
_COUNT_CUES = re.compile(
    r"breach|hack|stole|steal|theft|leak|expos|compromis|affect|impact|dump|sold|sell|for sale|"
    r"accessed|circulat|obtain|grab|harvest|scrap|exfiltrat|intercept|spill|put at risk|defraud|"
    r"swindl|scammed",
    re.IGNORECASE,
)
# Counted things that are not victims or records in the CASIE sense: machines, software, web
# properties. Counts of them ("2,000 computers were encrypted") describe the scale of an attack,
# not who or what was compromised; on the dev split none of 40 such counts was annotated.
_NON_VICTIM_NOUN = re.compile(
    r"(?:devices?|computers?|machines?|PCs|hosts?|servers?|endpoints?|phones?|smartphones?|"
    r"routers?|cameras?|systems?|websites?|sites?|domains?|apps?|applications?|installations?|"
    r"networks?|databases?)$",
    re.IGNORECASE,
)
# Small counts ("two people", "four digits") are almost never the size of an incident; swept the
# floor over 2/5/10/20 on the dev split: F1 .660/.675/.673/.660, so 5.
_MIN_COUNT = 5
# Numbers that are about something else: percentages, ages.
_COUNT_REJECT_AFTER = re.compile(r"\s*(?:%|percent|per\s?cent|years?\s+old|-year)", re.IGNORECASE)


def _sources(doc: Doc) -> Iterator[tuple[str, list[Sentence]]]:
    if doc.title_sentences:
        yield doc.title_norm, doc.title_sentences
    if doc.sentences:
        yield doc.norm, doc.sentences


def _sentence_has(rx: re.Pattern[str], sent: Sentence, memo: dict[tuple[str, int], bool]) -> bool:
    """Does ``rx`` occur in the sentence? Asked once per sentence, not once per number in it: a
    sentence of 10,000 amounts and no cue word was otherwise searched whole for each (quadratic:
    47 s for a 20,000-character headline of "$5(")."""
    k = (sent.source, sent.index)
    hit = memo.get(k)
    if hit is None:
        hit = memo[k] = rx.search(sent.norm) is not None
    return hit


# Words of a count's sentence, by family: what the sentence says happened to the counted things
# (the cues above), and words of sentences that count something else (a workforce, a customer
# base). Written from general knowledge of breach reporting; the model weighs each family.
_COUNT_FAMILIES = cue_families(
    breach=r"breach\w*",
    hack=r"hack\w*",
    theft=r"stole|stolen|steal\w*|theft|thie\w*",
    leak=r"leak\w*|dump\w*|spill\w*|posted|publish\w*",
    exposed=r"expos\w+|put at risk|at risk",
    compromised=r"compromis\w+",
    affected=r"affect\w*|impact\w*",
    sold=r"sold|sell\w*|for sale",
    accessed=r"access\w*|obtain\w*|grab\w*|harvest\w*|scrap\w+|exfiltrat\w+|intercept\w*|circulat\w*",
    fraud=r"defraud\w*|swindl\w*|scam\w*|fraud\w*",
    attack=r"attack\w*|target\w*|infect\w*|encrypt\w*|hit",
    notified=r"notif\w+|letters?|alert\w*|warn\w*",
    phish=r"phish\w*|e-?mails? (?:sent|to)",
    base=r"employ\w*|serv(?:e|es|ing)|enrol\w*|population|workforce|base|nationwide|worldwide|annual\w*|every|each|per",
    comparison=r"largest|biggest|another|other|previous\w*|last year|compared|similar",
    estimate=r"up to|more than|over|nearly|almost|about|around|approximately|roughly|estimat\w*|some|at least",
)
_PEOPLE_NOUN = re.compile(
    r"(?:customers?|users?|people|persons?|individuals?|patients?|employees?|members?|students?|"
    r"staff\w*|workers?|clients?|subscribers?|consumers?|citizens?|residents?|voters?|taxpayers?|"
    r"players?|gamers?|visitors?|shoppers?|guests?|passengers?|travell?ers?|applicants?|donors?|"
    r"victims?|children|kids|adults|veterans|personnel|borrowers|policyholders|retirees)$"
)
_RECORD_NOUN = re.compile(
    r"(?:accounts?|records?|data|cards?|numbers|details|credentials|passwords?|usernames?|logins?|"
    r"identities|profiles|entries|rows|addresses|emails?|e-mails?)$"
)
_ORG_NOUN = re.compile(
    r"(?:companies|firms|businesses|organi[sz]ations?|hospitals?|clinics?|schools?|universities|"
    r"banks?|hotels?|stores?|restaurants?|locations?|branches|agencies|departments|municipalities|"
    r"institutions|entities|retailers|merchants|providers|homes|households|families)$"
)
# Magnitude buckets of a count or an amount: a handful, hundreds, thousands, ... (log10).
_MAX_MAGNITUDE = 10


def _magnitude(value: float) -> int:
    return min(max(int(math.log10(value)), 0), _MAX_MAGNITUDE) if value >= 1 else -1


def _position(sent: Sentence) -> str:
    if sent.source == "title":
        return "title"
    return "lead" if sent.index < _LEAD_SENTENCES else "body"


def _count_features(doc: Doc, m: re.Match[str], sent: Sentence, value: float, low: str) -> dict[str, float]:
    tail = m.group("tail").split()
    noun = tail[-1].lower()
    f: dict[str, float] = {"bias_count": 1.0, f"noun:{noun.rstrip('s')}": 1.0, f"pos:{_position(sent)}": 1.0}
    f[
        "class:people"
        if _PEOPLE_NOUN.match(noun)
        else "class:record"
        if _RECORD_NOUN.match(noun)
        else "class:org"
        if _ORG_NOUN.match(noun)
        else "class:machine"
        if _NON_VICTIM_NOUN.match(noun)
        else "class:other"
    ] = 1.0
    f[f"mag:{_magnitude(value)}"] = 1.0
    _flag(f, "small", value < _MIN_COUNT)
    _flag(f, "of_phrase", len(tail) > 1 and tail[0].lower() == "of")
    _flag(f, "gap_words", len(tail) > 2 or (len(tail) == 2 and tail[0].lower() != "of"))
    _flag(f, "word_number", not m.group("num")[0].isdigit())
    cued = _sentence_has(_COUNT_CUES, sent, doc.memo("count_cues", dict))
    _flag(f, "cued", cued)
    # the earlier hand rule, as a feature: a cued count of at least _MIN_COUNT victims or records
    _flag(f, "rule_count", cued and value >= _MIN_COUNT and not _NON_VICTIM_NOUN.match(noun))
    add_cues(f, _COUNT_FAMILIES, low, sent, m.start() - sent.start, m.end() - sent.start, doc)
    return f


def count_candidates(ctx: Context) -> list[Scored]:
    """Every number that counts people, records, accounts or organisations, with the features the
    counts model reads. Numbers that are not counts at all (years, phone numbers, percentages,
    ages, amounts of money) are not candidates."""
    doc = ctx.doc
    return doc.memo("count_candidates", lambda: _count_candidates(doc))


def _count_candidates(doc: Doc) -> list[Scored]:
    out: list[Scored] = []
    for norm, sents in _sources(doc):
        for m in _COUNT.finditer(norm):
            num = m.group("num")
            if _YEAR_LIKE.match(num) or _PHONE_LIKE.fullmatch(num) or _COUNT_REJECT_AFTER.match(norm, m.end("num")):
                continue
            value = parse_number(num)
            sent = doc.sentence_at(sents[0].source, m.start())
            if value is None or value <= 0 or sent is None:
                continue
            feats = _count_features(doc, m, sent, value, _sentence_lower(doc, sent))
            shown = mention(doc, sent, m.start("num"), m.end("num"), _as_int(value))
            out.append(Scored(_order_key(sent, m.start()), shown, feats))
            if len(out) >= _MAX_CANDIDATES:
                return out
    # A headline's count is nearly always restated in the body, rounded ("1 Million Users"): the
    # model learns how much a headline count is worth when the body has cued counts of its own.
    if any("rule_count" in c.features for c in out if c.mention.evidence.source == "text"):
        for c in out:
            if c.mention.evidence.source == "title":
                c.features["body_counts"] = 1.0
    return out


def extract_affected_counts(ctx: Context) -> list[Mention]:
    """Counts of affected people, records, accounts: cued counts of the body first; the headline's
    only as a fallback (a headline count is nearly always restated in the body, where the sentence
    around it says more, and headlines round: "1 Million Users").

    The candidates carry features for a learned scorer, but one trained on them scored below this
    rule by 5-fold cross-validation (F1 0.711 against 0.723), so the rule decides."""
    cued = [c for c in count_candidates(ctx) if "rule_count" in c.features]
    body = [c for c in cued if c.mention.evidence.source == "text"]
    return dedupe((c.mention for c in body or cued), limit=MAX_FIELD_MENTIONS)


# ----------------------------------------------------------------------------- money
# Currency symbols and codes as news copy writes them; written from general knowledge.
_SYMBOLS = {
    "us$": "USD", "usd": "USD", "$": "USD", "a$": "AUD", "au$": "AUD", "c$": "CAD", "ca$": "CAD",
    "nz$": "NZD", "hk$": "HKD", "s$": "SGD", "r$": "BRL", "£": "GBP", "€": "EUR", "¥": "JPY",
    "₹": "INR", "rs": "INR", "rs.": "INR", "eur": "EUR", "gbp": "GBP", "inr": "INR",
}  # fmt: skip
_AFTER_WORDS = {
    "dollars": "USD", "dollar": "USD", "usd": "USD", "euros": "EUR", "euro": "EUR", "eur": "EUR",
    "pounds": "GBP", "gbp": "GBP", "rupees": "INR", "yen": "JPY", "rubles": "RUB", "roubles": "RUB",
    "yuan": "CNY", "bitcoins": "BTC", "bitcoin": "BTC", "btc": "BTC", "monero": "XMR", "xmr": "XMR",
    "ether": "ETH", "eth": "ETH", "ethereum": "ETH", "dash": "DASH",
}  # fmt: skip
_PREFIX = r"(?:US\$|AU\$|A\$|CA\$|C\$|NZ\$|HK\$|S\$|R\$|\$|£|€|¥|₹|USD\s?|EUR\s?|GBP\s?|INR\s?|Rs\.?\s?)"
_MONEY_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_SUFFIX_CUR = (
    r"(?:US\s+dollars|dollars|USD|euros?|EUR|pounds(?:\s+sterling)?|GBP|rupees|yen|r[ou]bles|yuan|"
    r"bitcoins?|BTC|monero|XMR|ether(?:eum)?|ETH|dash)"
)
_MONEY = re.compile(
    rf"(?<![\w.])(?P<pre>{_PREFIX})\s?(?P<num>{_MONEY_DIGITS}{_SCALE_WORD}?)(?![\w%]|\.\d|,\d)"
    rf"(?:\s?(?P<post1>USD|US dollars)\b)?"
    rf"|(?<![\w$£€.,])(?P<num2>{_MONEY_DIGITS}{_SCALE_WORD}?|{_WORDNUM}(?:\s+(?:hundred|thousand|million))?)"
    rf"\s+(?:(?:units|worth)\s+of\s+(?:the\s+)?(?:digital\s+|crypto)?(?:currency\s+)?)?(?P<post>{_SUFFIX_CUR})\b",
    re.IGNORECASE,
)


def _currency(m: re.Match[str]) -> str:
    if m.group("pre"):
        return _SYMBOLS.get(m.group("pre").strip().lower(), "USD")
    word = re.sub(r"\s+", " ", m.group("post").lower())
    if word.startswith("us "):
        return "USD"
    return _AFTER_WORDS.get(word.split()[0], "USD")


def _money(doc: Doc) -> list[tuple[Sentence, int, int, str, str]]:
    """Every money amount (number as written, currency) with its sentence, found once per document
    (losses and ransoms both read it)."""
    return doc.memo("money", lambda: list(_find_money(doc)))


def _find_money(doc: Doc) -> Iterator[tuple[Sentence, int, int, str, str]]:
    for norm, sents in _sources(doc):
        for m in _MONEY.finditer(norm):
            sent = doc.sentence_at(sents[0].source, m.start())
            if sent is None:
                continue
            yield sent, m.start(), m.end(), m.group("num") or m.group("num2"), _currency(m)


@lru_cache(maxsize=4096)
def _amount(num: str) -> float | None:
    return parse_number(num)


# Ransom cues; written from general knowledge of ransomware reporting.
_RANSOM_CUES = re.compile(
    r"ransom|demand|extort|pay|paid|asking|asked|in exchange|decrypt|unlock|bitcoin|btc|monero|"
    r"cryptocurrenc|worth of|restore",
    re.IGNORECASE,
)
# Loss cues: what the incident cost its victims.
_LOSS_CUES = re.compile(
    r"\blos[st]|losses|cost|damage|stole|steal|theft|defraud|swindl|fraudulent|transferr?|wired|"
    r"siphon|drain|fine[sd]?\b|penalt|settle|compensat|recover|embezzl|scam",
    re.IGNORECASE,
)
# Words of an amount's sentence, by family: a demand for a ransom, a payment, a loss, a theft, a
# fine; and words of amounts that are about something else (revenue, a bounty, a price per item,
# a supplier's invoice). Written from general knowledge of security and business news.
_MONEY_FAMILIES = cue_families(
    ransom=r"ransom\w*",
    extort=r"extort\w*|blackmail\w*",
    demand=r"demand\w*|ask(?:ed|ing|s)?|sought|seek\w*|want\w*",
    pay=r"pa(?:y|id|ys|ying|yment|yments)",
    exchange=r"in exchange|in return|return of|release of",
    decrypt=r"decrypt\w*|unlock\w*|restor\w*|keys?",
    crypto=r"bitcoins?|btc|monero|cryptocurrenc\w*|ether\w*|wallet\w*",
    loss=r"los[st]|losses|losing",
    cost=r"cost\w*|expens\w*|spent|spend\w*",
    damage=r"damage\w*",
    theft=r"stole|stolen|steal\w*|theft|thie\w*|rob\w*|heist|loot\w*",
    fraud=r"fraud\w*|defraud\w*|swindl\w*|scam\w*|embezzl\w*|launder\w*",
    transfer=r"transfer\w*|wire[ds]?|wiring|siphon\w*|drain\w*|divert\w*|sent",
    fine=r"fine[sd]?|penalt\w*|settle\w*|compensat\w*|lawsuit\w*|sued|damages",
    recover=r"recover\w*|reimburs\w*|refund\w*|insur\w*",
    business=r"revenue\w*|profit\w*|sales|valu\w*|market\w*|invest\w*|fund\w*|budget\w*|"
    r"rais(?:ed|ing)|earn\w*|salar\w*|income|shares?|stock",
    bounty=r"bount\w*|reward\w*|prize\w*",
    sale=r"sell\w*|sold|for sale|price[sd]?|dark web|forum\w*|offer\w*",
    vendor=r"vendor\w*|supplier\w*|invoice\w*|contractor\w*|ceo|executive\w*|business e-?mail|bec",
    unit=r"per|each|a (?:month|year|day|record|card|account)",
    estimate=r"up to|more than|over|nearly|almost|about|around|approximately|roughly|estimat\w*|"
    r"could|may|at least",
    comparison=r"another|other|previous\w*|last year|compared|similar|average",
)
# Cue words that tie an amount to extortion: without one the amount is not a ransom, however much
# the story says was paid (a payment to a fraudster posing as a supplier is a loss, not a ransom).
_EXTORTION = re.compile(r"ransom|extort|blackmail|demand|decrypt|unlock|in exchange|in return")
_CRYPTO = frozenset({"BTC", "XMR", "ETH", "DASH"})


def _sentence_flags(doc: Doc, sent: Sentence) -> frozenset[str]:
    """Whole-sentence cues of an amount, searched once per sentence (not once per amount in it)."""
    memo: dict[tuple[str, int], frozenset[str]] = doc.memo("money_sentence_flags", dict)
    k = (sent.source, sent.index)
    flags = memo.get(k)
    if flags is None:
        low = _sentence_lower(doc, sent)
        found = {"extortion": _EXTORTION.search(low) is not None, "loss": _LOSS_CUES.search(low) is not None}
        found["ransom_cue"] = _RANSOM_CUES.search(low) is not None
        found["ransom_word"] = "ransom" in low
        flags = memo[k] = frozenset(name for name, on in found.items() if on)
    return flags


def _money_features(doc: Doc, sent: Sentence, start: int, end: int, amount: float, currency: str) -> dict[str, float]:
    low = _sentence_lower(doc, sent)
    f: dict[str, float] = {"bias_money": 1.0, f"pos:{_position(sent)}": 1.0, f"mag:{_magnitude(amount)}": 1.0}
    f[f"cur:{currency}"] = 1.0
    _flag(f, "crypto", currency in _CRYPTO)
    a, b = start - sent.start, end - sent.start
    _flag(f, "paren", a > 0 and low[max(0, a - 2) : a].strip() in ("(", "-", ","))
    flags = _sentence_flags(doc, sent)
    _flag(f, "extortion_sentence", "extortion" in flags)
    # the earlier hand rules, as features: a loss cue (and no ransom) / a ransom cue in the sentence
    _flag(f, "rule_loss", "loss" in flags and "ransom_word" not in flags and currency not in _CRYPTO)
    _flag(f, "rule_ransom", "ransom_cue" in flags)
    add_cues(f, _MONEY_FAMILIES, low, sent, a, b, doc)
    prev = _previous(doc, sent)
    if prev is not None:
        _flag(f, "extortion_prev", "extortion" in _sentence_flags(doc, prev))
        for fam in cue_set(_MONEY_FAMILIES, _sentence_lower(doc, prev), prev, doc):
            f[f"p:{fam}"] = 1.0
    return f


def money_candidates(ctx: Context) -> list[Scored]:
    """Every money amount of the article (the first of each value and currency per sentence),
    with the features the losses and ransom models read."""
    doc = ctx.doc
    return doc.memo("money_candidates", lambda: list(_money_candidates(doc)))


def _money_candidates(doc: Doc) -> Iterator[Scored]:
    n = 0
    for sent, start, end, num, currency in _money(doc):
        amount = _amount(num)
        if amount is None or amount <= 0:
            continue
        feats = _money_features(doc, sent, start, end, amount, currency)
        shown = mention(doc, sent, start, end, Money(amount=amount, currency=currency))
        yield Scored(_order_key(sent, start), shown, feats)
        n += 1
        if n >= _MAX_CANDIDATES:
            return


def damage_candidates(ctx: Context) -> list[Scored]:
    return money_candidates(ctx)


def ransom_candidates(ctx: Context) -> list[Scored]:
    """Amounts tied to extortion: a ransom, extortion or decryption cue in their sentence or the one
    before, or a cryptocurrency (the idiom of ransom payments). A payment alone is no ransom: a
    company that wires money to a fraudster posing as its supplier has lost it, not ransomed it."""
    return [c for c in money_candidates(ctx) if _tied_to_extortion(c.features)]


def _tied_to_extortion(f: dict[str, float]) -> bool:
    return "extortion_sentence" in f or "extortion_prev" in f or "s:crypto" in f or "crypto" in f


def extract_financial_losses(ctx: Context) -> list[Mention]:
    """What the incident cost (stolen, lost, fined, spent on recovery) as the damage model judges."""
    return _in_text_order(accepted(ctx, damage_candidates(ctx), DAMAGE_MODEL))


def extract_ransom_demands(ctx: Context) -> list[Mention]:
    """Ransoms asked or paid, as the ransom model judges, among amounts tied to extortion."""
    return _in_text_order(accepted(ctx, ransom_candidates(ctx), RANSOM_MODEL))
