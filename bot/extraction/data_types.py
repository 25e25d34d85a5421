"""What data or access was taken or exposed.

Candidates are built broadly: every data-type noun phrase ("Social Security numbers", "login
credentials", "patient records", "Instagram passwords") is found by its head noun and extended
leftwards over the modifiers that say whose or what kind of data it is. A list ("names, addresses
and dates of birth") yields one candidate per item, because each item has its own head. A
candidate is kept when its sentence says something happened to data (stolen, exposed, leaked,
accessed, "including" …) and the sentence is not advice.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from bot.extraction.mentions import Context, dedupe, key, mention
from bot.extraction.numbers import add_cues, cue_families
from bot.extraction.schema import IncidentType, Mention
from bot.extraction.scoring import Scored, accepted
from bot.extraction.text import Sentence

# The learned scorer that keeps or drops the data phrases (bot/extraction/learned.py).
DATA_MODEL = "data"
# More candidates than any news article has: a bound on the work a pasted text can cause.
_MAX_CANDIDATES = 500

# Head nouns of data-type phrases (lower case, separated by |, no groups inside an item; longer
# items are tried first so that the longest wins).
# Written from general knowledge of breach notifications and security news.
_SPECIFIC_HEADS = r"""
social security numbers? | ssns? | dates? of birth | birth ?dates? | birthdays? | phone numbers? |
telephone numbers? | mobile numbers? | card numbers? | account numbers? | routing numbers? |
passport numbers? | license numbers? | licence numbers? | insurance numbers? | tax ids? |
apple ids? | user ids? | ids | id cards? |
id numbers? | pins? | pin codes? | pin numbers? | security codes? | cvv2?s? | cvcs? | expiration dates? |
expiry dates? | sort codes? | security questions? | security answers? | e-?mail addresses |
e-?mail address | ip addresses | mac address | mac addresses | home addresses |
physical addresses | mailing addresses | street addresses | addresses | user ?names? | usernames? |
logins | log-ins | passwords | passcodes? | password hashes | credentials | names |
e-?mail accounts? | messages | sms messages | text messages | contacts |
contact lists | call logs? | chat logs? | address books? | e-?mails | purchase histories |
browsing histories | access tokens? | identities | biometrics | salts | last four digits | hacking tools |
cyber ?weapons | toolkits? | photos | photographs | recordings |
source code | intellectual property | trade secrets | blueprints | designs | diagnoses |
prescriptions | medical history | medical histories | tax returns? | w-?2s? | salary | salaries | payroll |
bank details | banking details | genders? | session tokens? |
private keys | api keys | encryption keys
"""
# Generic heads: fine with a modifier ("customer data"), or as a bare object of "stole".
_GENERIC_HEADS = r"""
data | information | info | details | records | files | documents | databases? | accounts? |
backups? | archives? | emails
"""


def _alt(block: str) -> str:
    items = [i.strip() for i in block.replace("\n", " ").split("|") if i.strip()]
    items.sort(key=len, reverse=True)
    return "|".join(i.replace(" ", r"\s") for i in items)


_HEAD = re.compile(r"\b(?:(?P<spec>" + _alt(_SPECIFIC_HEADS) + r")|(?P<gen>" + _alt(_GENERIC_HEADS) + r"))\b")
# Words that can stand before a head inside one data-type phrase. Written from general knowledge.
_MODIFIERS = frozenset(
    """personal sensitive private confidential financial medical health healthcare patient patients
    customer customers client clients user users member members employee employees staff student
    students voter voters subscriber subscribers account login log-in log in online banking bank
    card credit debit payment billing shipping contact home mobile email e-mail physical mailing
    encrypted unencrypted hashed salted plaintext plain-text internal corporate classified
    proprietary business government military tax insurance identity identifying security social
    full partial last first birth driver's drivers passport national personnel hr employment
    location biometric fingerprint behavioral behavioural browsing search call voice chat
    private-key cardholder cardholders player players gamer gamers user's customer's
    source company company's customer-facing consumer consumers citizen citizens
    healthcare-related account-related password identifiable pii phi protected stolen leaked
    collected compromised exposed hacked dumped""".split()
)
# Cues that something happened to the data. Written from general knowledge of breach reporting.
# Strong: a verb of taking or exposing; it must stand close to the phrase (lists included).
_STRONG_CUE = re.compile(
    r"\b(?:stole|stolen|steal\w*|theft|expos\w+|leak\w*|access\w*|compromis\w+|breach\w*|"
    r"obtain\w*|hack\w*|dump\w*|exfiltrat\w+|harvest\w*|grab\w*|swip\w+|siphon\w*|copied|"
    r"download\w*|posted|sold|sell\w*|selling|scrap\w+|intercept\w*|snoop\w*|divulg\w+|"
    r"hand(?:ed)? over|unauthori[sz]ed|phish\w*|collect\w*|captur\w+|viewed|acquired|lost)\b"
)
# Weak: the sentence is about the data involved ("including names ...", "records contained ...").
_WEAK_CUE = re.compile(
    r"\b(?:includ\w+|contain\w*|such as|affected|involv\w+|taken|took|revealed|exposure|"
    r"publish\w*|disclos\w+|held|stored|impacted|at risk)\b"
)
_STRONG_BEFORE = 60  # chars between a strong cue and the phrase; swept 40-150 on dev
_STRONG_AFTER = 60
_LOOT_ASIDE = frozenset({IncidentType.PHISHING, IncidentType.RANSOMWARE})
# The types of the annotated articles the data model learned from.
_MODEL_TYPES = frozenset(
    {
        IncidentType.DATA_BREACH,
        IncidentType.PHISHING,
        IncidentType.RANSOMWARE,
        IncidentType.VULNERABILITY,
        IncidentType.PATCH,
    }
)
# Advice or hypotheticals ("change your passwords", "never share your PIN"): not what was taken.
_ADVICE = re.compile(
    r"\b(?:should|change (?:your|their)|never|make sure|be sure|recommend\w*|advis\w+|"
    r"urged?|encourag\w+|protect (?:your|their)|tips?|if you)\b"
)
# A whole word: "2M customer records" must not make "M" a modifier (the magnitude suffix of a number).
_WORD_BEFORE = re.compile(r"(?<![\w'.,$-])([A-Za-z][\w'-]*)\s+$")
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_MAX_MODIFIERS = 3
# At most this many per article. Swept 6-25 on dev: F1 rises to 12 and is flat from 16 on.
_LIMIT = 16
# Names that are not data owners even when capitalised before a head ("The names").
_NOT_OWNER = frozenset("the a an all some any these those this that such other more most".split())


_PARTICIPLES = frozenset("stolen leaked collected compromised exposed hacked dumped".split())


def _flag(f: dict[str, float], name: str, on: bool) -> None:
    if on:
        f[name] = 1.0


def _extend_left(norm: str, start: int, floor: int) -> int:
    """Move ``start`` left over modifier words (and one capitalised owner name)."""
    used = 0
    owner = False
    participle = False  # the word just taken is "stolen", "leaked" ...: a verb's object may follow
    while used < _MAX_MODIFIERS:
        m = _WORD_BEFORE.search(norm, max(floor, start - 40), start)
        if not m:
            break
        word = m.group(1)
        lw = word.lower()
        if lw in _MODIFIERS or lw.rstrip("s") in _MODIFIERS:
            start = m.start(1)
            used += 1
            participle = lw in _PARTICIPLES
            continue
        if (
            not owner
            and not participle  # "API leaked records": the API leaked them, it does not own them
            and word[0].isupper()
            and _owner_ok(word)
            and lw not in _NOT_OWNER
            and m.start(1) > floor
            and norm[m.start(1) - 2 : m.start(1)] not in {". ", "\n"}
        ):
            start = m.start(1)
            owner = True
            used += 1
            break  # the owner starts the phrase ("Acme customer records")
        break
    return start


# After a head, the phrase must end: a head followed by another noun is a modifier ("login page",
# "email scam", "data center"). Written from general English.
_AFTER_OK = re.compile(
    r"\s*(?:[,.;:)\"'!?]|$|(?:and|or|of|were|was|is|are|had|have|has|been|be|from|to|in|on|for|with|"
    r"that|which|belonging|as|at|by|may|might|could|would|will|including|such|but|after|before|when|"
    r"while|among|into|online|via|stored|held|\w+ed|stolen|taken|they|it|through|over|about|"
    r"associated|linked|related|along|plus|etc|also)\b)"
)
# A bare generic head counts when it directly follows a verb of taking ("leaked its entire
# database", "stealing all the emails"). Written from general English.
_OBJECT = re.compile(
    r"\b(?:stole|stolen|steal\w*|leak\w*|exfiltrat\w+|dump\w*|download\w*|copied|access(?:ed)? to|"
    r"hack\w* into|obtain\w*|swip\w+|grabb?\w*)\s+(?:(?:the|a|an|its|their|his|her|all|entire|whole|"
    r"some|of|the|company's|users'|customers')\s+){0,3}$"
)
# Sentences about the lure of a phishing or spam campaign. Written from general knowledge.
_LURE = re.compile(r"\b(?:phish\w*|scam\w*|spam\w*|sent|send\w*|spoof\w*|fake|malicious|bogus|fraudulent)\b")
# Modifiers that describe what ransomware did to the files, not what was taken.
_NOT_TAKEN = frozenset({"encrypted", "locked"})


# Words of a data phrase's sentence, by family (the cues above, split by what they say, and words
# of sentences about something other than loot: a product, a policy, a lure). The model weighs them.
_DATA_FAMILIES = cue_families(
    theft=r"stole|stolen|steal\w*|theft|swip\w+|grab\w*|siphon\w*|harvest\w*|exfiltrat\w+|scrap\w+",
    exposed=r"expos\w+|leak\w*|dump\w*|posted|publish\w*|divulg\w+|at risk|exposure",
    accessed=r"access\w*|viewed|obtain\w*|acquired|copied|download\w*|intercept\w*|snoop\w*|captur\w+",
    breach=r"breach\w*|hack\w*|compromis\w+|unauthori[sz]ed",
    sold=r"sold|sell\w*|selling|for sale|dark web",
    collected=r"collect\w*|phish\w*|hand(?:ed)? over|lost",
    including=r"includ\w+|contain\w*|such as|involv\w+|like",
    affected=r"affected|impacted|taken|took|revealed|disclos\w+|held|stored",
    encrypted=r"encrypt\w*|locked|lock\w*|ransom\w*",
    protect=r"protect\w*|secur\w+|safe\w*|encourag\w+|remind\w*|monitor\w*|credit report\w*",
    negation=r"no|not|nor|neither|never|without",
)
# Heads that are generic ("data", "information", "records"): only a modifier says what data.
_MAX_MODS = 3


def _data_features(
    ctx: Context, sent: Sentence, m: re.Match[str], a: int, a2: int, low: str, strong: list[int], weak: bool, lure: bool
) -> dict[str, float]:
    """Features of the data phrase that head ``m`` (offsets within ``low``) ends, starting at ``a2``
    (absolute) where the head starts at ``a``."""
    head = m.group()
    f: dict[str, float] = {"bias_data": 1.0, f"head:{head}": 1.0, "spec" if m.group("spec") else "gen": 1.0}
    f["pos:title" if sent.source == "title" else "pos:lead" if sent.index < 3 else "pos:body"] = 1.0
    mods = ctx.doc.norm[a2:a].split() if sent.source == "text" else ctx.doc.title_norm[a2:a].split()
    f[f"mods:{min(len(mods), _MAX_MODS)}"] = 1.0
    for w in mods:
        f[f"mod:{w.lower()}"] = 1.0
    _flag(f, "not_taken", bool(mods) and mods[0].lower() in _NOT_TAKEN)
    k = bisect.bisect_left(strong, m.start() - _STRONG_BEFORE)
    _flag(f, "strong_near", k < len(strong) and strong[k] <= m.start() + _STRONG_AFTER)
    _flag(f, "strong_sentence", bool(strong))
    _flag(f, "weak_sentence", weak)
    _flag(f, "lure", lure)
    _flag(f, "object", _OBJECT.search(low, max(0, m.start() - 60), m.start()) is not None)
    _flag(f, "listed", low[max(0, m.start() - 2) : m.start()] == ", " or low[m.end() : m.end() + 1] == ",")
    f[f"type:{ctx.primary.value if ctx.primary else 'none'}"] = 1.0
    add_cues(f, _DATA_FAMILIES, low, sent, a2 - sent.start, m.end(), ctx.doc)
    return f


def _owner_ok(word: str) -> bool:
    """May a capitalised word before a data phrase name whose data it is? Not when it is a verb or
    noun of the incident itself (a headline's "Leaks", "Breach", "Hackers")."""
    return _STRONG_CUE.search(word.lower()) is None and _WEAK_CUE.search(word.lower()) is None


def candidates(ctx: Context) -> list[Scored]:
    """Every data-type phrase of the article that says what data (a specific head, or a generic
    one with a modifier), with the features the data model reads."""
    return ctx.doc.memo("data_candidates", lambda: list(_all_candidates(ctx)))


def _all_candidates(ctx: Context) -> Iterator[Scored]:
    n = 0
    for sent in ctx.doc.all_sentences:
        for a, b, feats in _sentence_candidates(ctx, sent):
            yield Scored(f"{0 if sent.source == 'title' else 1}:{a:09d}", mention(ctx.doc, sent, a, b), feats)
            n += 1
            if n >= _MAX_CANDIDATES:
                return


def _sentence_candidates(ctx: Context, sent: Sentence) -> Iterator[tuple[int, int, dict[str, float]]]:
    """Absolute spans of the data-type phrases of one sentence, with their features."""
    doc = ctx.doc
    norm = doc.title_norm if sent.source == "title" else doc.norm
    low = norm[sent.start : sent.end].translate(_LOWER)
    strong = [m.start() for m in _STRONG_CUE.finditer(low)]
    weak = _WEAK_CUE.search(low) is not None
    if _ADVICE.search(low):
        return  # advice or a hypothetical ("change your passwords"): not what was taken
    lure = _LURE.search(low) is not None
    weak_ok = ctx.primary not in _LOOT_ASIDE
    for m in _HEAD.finditer(low):
        if not _AFTER_OK.match(low, m.end()):
            continue  # a head followed by another noun is a modifier ("login page", "data center")
        a, b = sent.start + m.start(), sent.start + m.end()
        a2 = _extend_left(norm, a, sent.start)
        if m.group("gen") and a2 == a:
            continue  # bare "data" / "records": does not say what data
        # the earlier hand rule, as a feature (see the cue comments above)
        k = bisect.bisect_left(strong, m.start() - _STRONG_BEFORE)
        near = k < len(strong) and strong[k] <= m.start() + _STRONG_AFTER
        rule = (
            (near or (weak and weak_ok))
            and not (lure and m.group().startswith(("e", "mess", "text")))
            and not (m.group("gen") and low[a2 - sent.start : m.start()].split(" ", 1)[0] in _NOT_TAKEN)
        )
        feats = _data_features(ctx, sent, m, a, a2, low, strong, weak, lure)
        _flag(feats, "rule_data", rule)
        _flag(feats, "lure_mail", lure and m.group().startswith(("e", "mess", "text")))
        yield a2, b, feats


def extract_compromised_data(ctx: Context) -> list[Mention]:
    """Data types that the data model accepts (the article says they were taken, exposed or
    accessed), in text order, headline first."""
    pool = candidates(ctx)
    chosen = accepted(ctx, pool, DATA_MODEL)
    if ctx.primary is not None and ctx.primary not in _MODEL_TYPES:
        # The model learned from CASIE's five types only; for an account takeover or a defacement
        # what the earlier rule reads as taken ("its Twitter account was hijacked") is kept too.
        taken = {c.key for _, c in chosen}
        chosen += [(1.0, c) for c in pool if c.features.get("rule_data") and c.key not in taken]
    ranked = sorted(chosen, key=lambda pc: pc[1].key)
    found: list[Mention] = []
    seen: set[str] = set()
    for _, c in ranked:
        k = key(c.mention.text)
        if k in seen:
            continue
        seen.add(k)
        found.append(c.mention)
        if len(found) >= _LIMIT:
            break
    return dedupe(found)
