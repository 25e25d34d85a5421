"""Role cues: the words around a name that say what it is in the story.

Victim cues ("X was hacked", "customers of X", "breaches including X"), attacker cues ("attributed
to X", "the X hacking group"), and the patterns that say a name is something else: a quoted source
("said X", "X researchers"), a tool ("X ransomware"), a product ("X extensions"), a compound
modifier, an amount of money. ``entities`` scores candidates with them.
"""

from __future__ import annotations

import re

from bot.extraction import lexicons as lx
from bot.extraction.candidates import Candidate, CandidateFinder

# How far (characters) around a candidate the cue patterns look. Chosen to cover a short verb
# phrase ("has confirmed that it was hit by"); 60 vs 40/80 made little difference on dev.
WINDOW = 60


# --- victim cues -------------------------------------------------------------------------------
# (pattern, weight). Right cues are matched at the start of the text after the candidate, left
# cues at the end of the text before it. Weights written by hand (3 = says it outright, 2 = strong,
# 1 = weak) and adjusted on dev.
# What may stand between a name and its verb: an appositive (", the county's largest insurer,")
# or where it is (" in Leeds, England,").
_APPOS = r"(?:,[^,]{1,60},| in [a-z][\w .'-]{1,30}(?:, [a-z][\w .'-]{1,30})?,)?"
V_RIGHT: list[tuple[re.Pattern[str], float]] = [
    (
        re.compile(
            _APPOS + r" (?:(?:has|have|had|may have|might have) )?(?:also )?(?:been |was |were "
            r"|is |are |got |gets )?"
            r"(?:hacked|breached|hit|attacked|compromised|targeted|infected|struck|victimi[sz]ed|crippled"
            r"|paralyzed|knocked offline|held hostage|locked out|impacted|affected)\b"
        ),
        3.0,
    ),
    (
        re.compile(
            _APPOS + r" (?:(?:has|have|had) )?(?:suffer(?:s|ed|ing)?|experienc(?:es|ed)|fell victim"
            r"|falls victim|(?:was|were) locked out|lost (?:access|control)"
            r"|(?:was|were|is|are|became|become) (?:the )?(?:latest |newest |first |biggest )?victims?|paid|pays|paying|(?:agreed|refused|chose|decided|opted|declined) (?:not )?to pay"
            r"|is recovering|was forced"
            r"|has been forced"
            r"|shut down|took (?:its )?(?:systems|servers|computers) offline)\b"
        ),
        3.0,
    ),
    (
        re.compile(
            _APPOS + r" (?:(?:has|have|had) )?(?:(?:said|says|confirmed|confirms|disclosed"
            r"|discloses|announced"
            r"|announces|admitted|admits|acknowledged|revealed|reveals|reported|reports|warned|warns|notified"
            r"|notifies|notifying|alerts|informs|investigates|confirming|is notifying|began notifying"
            r"|started notifying|has begun notifying|learned|discovered|detected"
            r"|became aware|is investigating|was investigating|launched an investigation|is alerting|alerted"
            r"|informed|is informing|emailed|sent (?:an? )?(?:email|letter|notice))\b)"
        ),
        1.5,
    ),
    (
        re.compile(
            r"(?: (?:data|security|cyber|network|email|computer|system|ransomware|malware|phishing|card"
            r"|payment|customer|database))? (?:breach|breaches|hack|hacks|hacking|cyberattack|cyber-attack"
            r"|cyber attack|attack|incident|leak|compromise|intrusion|infection)\b"
        ),
        2.5,
    ),
    (
        re.compile(
            r"'s? (?:[\w-]+ ){0,2}(?:systems?|networks?|servers?|databases?|website|web site|site|computers?"
            r"|customers|users|patients|employees|staff|members|clients|students|subscribers|accounts?"
            r"|data|records|e-?mails?|infrastructure|twitter|facebook|payment|point-of-sale|customer|user"
            r"|patient|employee|breach|hack|network|files|cloud|it|emails|inbox|portal|app)\b"
        ),
        2.0,
    ),
    (re.compile(r" (?:customers|users|patients|employees|clients|members|account holders)\b"), 1.5),
    # An organisation that exposed its own data ("X exposes 2.3 million records", "X, a payments
    # startup, left a database open"): in a leak the holder of the data is the one breached.
    (
        re.compile(
            _APPOS + r" (?:(?:has|have|had|inadvertently|accidentally|mistakenly) )?(?:exposed|exposes|left|leaves)"
            r" (?:[\w.,-]+ ){0,4}(?:data|records|databases?|servers?|buckets?|files|information|details)\b"
        ),
        2.0,
    ),
]
V_LEFT: list[tuple[re.Pattern[str], float]] = [
    (
        re.compile(
            r"(?:customers|users|patients|employees|staff|members|clients|students|subscribers"
            r"|account holders"
            r"|guests|shoppers|visitors|workers|residents|policyholders|cardholders|donors|players"
            r"|systems|servers|networks?|computers|databases?|websites?|data|records|accounts?|twitter account"
            r"|social media accounts?|email accounts?|feeds?) (?:of|at"
            r"|from) (?:the )?$"
        ),
        2.5,
    ),
    (
        re.compile(
            r"(?:breach(?:es)?|hacks?|attacks?|intrusions?|compromises?|infections?|cyberattacks?|cyber-attacks?"
            r"|incidents?|outages?|leaks?|thefts?|ransomware|phishing|scams?|campaigns?) (?:at|of|on|against|affecting"
            r"|targeting|hitting"
            r"|involving|"
            r"that hit|that affected|that targeted|which hit) (?:the )?$"
        ),
        3.0,
    ),
    (
        re.compile(
            r"(?:hacked|breached|targeted|hit|attacked|compromised|infected|struck|crippled|paralyzed"
            r"|infiltrated|hijacked|defaced|victimi[sz]ed|extorted|disrupted|penetrated"
            r"|accessed) (?:into |at |against )?(?:the )?$"
        ),
        2.5,
    ),
    (
        re.compile(
            r"(?:attacks?|breach|hack|ransomware|incident|outage|malware|virus|cyberattack|cyber-attack)"
            r" (?:forces|forced|forcing|hits|hit|cripples|crippled|disrupts|disrupted|shuts down|shut down"
            r"|knocks out|knocked out|takes down|took down|paralyzes|paralyses|paralyzed|targets|targeted"
            r"|affects|affected|strikes|struck|on) (?:the )?$"
        ),
        3.0,
    ),
    (
        re.compile(
            r"(?:victims?|targets?) (?:include|included|including|were|was|is|are"
            r"|such as) (?:the )?$"
        ),
        2.0,
    ),
    (re.compile(r"(?:include|includes|included|including|such as|among them|like) (?:the )?$"), 1.0),
    # "breaches including X", "companies caught by the breach include X": the list names victims
    (
        re.compile(
            r"(?:breach(?:es)?|hacks?|attacks?|leaks?|incidents?|intrusions?|victims?|targets?)"
            r" (?:(?:also )?(?:include|includes|included|including)|such as|like) (?:the )?$"
            r"|(?:stolen|stole|taken|leaked|hacked|breached|targeted|attacked|hit) (?:[\w-]+ ){0,4}(?:companies|firms"
            r"|organi[sz]ations|businesses|banks|retailers|hospitals|sites|websites|services|networks|agencies|brands"
            r"|chains|providers|operators|studios|outlets),? (?:including|such as|like|among them) (?:the )?$"
            r"|(?:caught|affected|hit|impacted|exposed) (?:by|in) (?:the )?(?:[\w-]+ ){0,2}(?:breach|attack|hack|leak"
            r"|incident)s? (?:include|includes|included|including|are|were|such as) (?:the )?$"
        ),
        2.0,
    ),
    # "stole unreleased content from X", "data taken from X"
    (
        re.compile(
            r"(?:stolen|stole|steal|stealing|taken|took|leaked|exfiltrated|obtained|swiped|siphoned|dumped)"
            r" (?:[\w-]+ ){0,3}from (?:the )?$"
        ),
        2.0,
    ),
    (
        re.compile(
            r"(?:files|data|systems|computers|servers|records) (?:at|of|from"
            r"|belonging to) (?:the )?$"
        ),
        2.0,
    ),
    (
        re.compile(
            r"(?:hospitals?|company|firm|retailer|chain|giant|provider|agency|bank|university|district"
            r"|operator|insurer|maker|site|service|platform|network|organi[sz]ation|city"
            r"|county) (?:the )?$"
        ),
        0.5,
    ),
]
# An occurrence that is a quoted source, not a victim ("said X", "according to X", "X researchers").
SOURCE_LEFT = re.compile(
    r"(?<![a-z])(?:according to|said|says|told|reported by|researchers? (?:at|from|with)|experts? (?:at|from)"
    r"|analysts? (?:at|from)|spokes(?:man|woman|person) for|published by|report(?:ed)? (?:by|from)"
    r"|discovered by|found by|contacted by|via|from security firm|security (?:firm|company|vendor|researcher)"
    r"|researcher|cybersecurity (?:firm|company))\s(?:the\s)?$"
)
SOURCE_RIGHT = re.compile(
    r"(?:'s)? (?:researchers?|analysts?|experts?|security researchers?|threat intelligence|labs?|reported"
    r"|reports|report|first reported|told|wrote|writes|noted|explained|spokes\w+|founder|ceo|cto"
    r"|mocked|mocks|critici[sz]ed|critici[sz]es|slammed|blasted|ridiculed|praised|tweeted|joked"
    r"|responded|commented)\b"
    r"|, (?:a|an|the)? ?(?:[\w-]+ ){0,3}(?:spokes\w+|researcher|analyst|director|ceo|chief|head|founder"
    r"|professor"
    r"|president|manager|officer|expert|lead|engineer|consultant|reporter|journalist)\b"
)
# Nouns that type a name as malware, and what may not follow them for that: "X ransomware attack"
# is an attack on X.
_MALWARE_NOUNS = (
    r"ransomware|malware|trojan|botnet|virus|worm|variant|strain|spyware|backdoor|rootkit|wiper|keylogger"
    r"|dropper|loader"
)
_NOT_AN_EVENT = r"(?! (?:attack|infection|incident|outbreak|breach|hack)\b)"
# An occurrence that names a tool or an attacker, not a victim ("X ransomware", "X hackers").
NOT_VICTIM_RIGHT = re.compile(
    rf" (?:{_MALWARE_NOUNS}|exploit|hackers?|hacking group|gang|group of hackers|operators|authors|crew"
    rf"|phishing kit|rat|hacking (?:code|tools?|software))\b{_NOT_AN_EVENT}"
)
# A name the article itself calls a piece of malware ("the Grimlock ransomware"): that name is the
# tool, wherever else it appears.
MALWARE_NAMED_RIGHT = re.compile(rf" (?:{_MALWARE_NOUNS})\b{_NOT_AN_EVENT}")
# An occurrence that names a product, not its maker as a victim ("Chrome extensions", "PDF
# attachments", "Microsoft Office macros", "Plone CMS vulnerability"). "X's app" (a possessive)
# stays a victim cue.
PRODUCT_RIGHT = re.compile(
    r"(?: \d[\w.]*)? (?:extensions?|add-ons?|plugins?|plug-ins?|attachments?|macros?|packages?"
    r"|vulnerabilit(?:y|ies)|flaws?|bugs?|exploit|zero-days?|0-?days?|update|patch"
    r"|installations?|versions?)\b"
)
# "Malaysia-based", "WannaCry-like", "Online-credential": a compound modifier, not a name.
HYPHEN_TAIL = re.compile(r"-[a-z]+$")
ORG_HEAD = re.compile(
    r"\b(?:inc|corp|corporation|ltd|llc|plc|company|co|group|bank|hospital|health|healthcare|medical"
    r"|clinic|university|college|school|schools|district|county|city|council|department|police"
    r"|ministry|agency|authority|commission|services|systems|airlines?|airways|hotels?|resorts?|stores?"
    r"|insurance|financial|credit union|foundation|association|institute|center|centre|party|committee"
    r"|government|state|board|office|network|labs|technologies|software|games|entertainment|media)$"
)
# Attacker cues.
A_RIGHT: list[tuple[re.Pattern[str], float]] = [
    (
        re.compile(
            r"(?:,[^,]{1,60},)? (?:hacking|hacker|hacktivist|cyber ?espionage|espionage|cyber ?criminal"
            r"|criminal"
            r"|cybercrime|apt|threat|ransomware|extortion|state-sponsored|cyber) (?:group|gang|crew"
            r"|collective"
            r"|team|outfit|syndicate|actors?|operators?)\b"
        ),
        3.0,
    ),
    (re.compile(r" (?:hackers?|attackers?|operators|gang|crew|collective)\b"), 2.0),
    (
        re.compile(
            r"(?:,[^,]{1,60},)? (?:(?:has|have|had|reportedly|allegedly|also) )?(?:claimed|claims"
            r"|took credit|takes credit"
            r"|is behind|was behind|were behind|are behind|hacked|breached|stole|steals|leaked|leaks|dumped"
            r"|demanded|demands|threatened|threatens|hijacked|defaced|infiltrated|broke into|gained access"
            r"|exfiltrated|targeted|compromised|launched|orchestrated|carried out|posted|published the|sold"
            r"|is selling|was selling|offered)\b"
        ),
        1.5,
    ),
    (re.compile(r" group\b"), 1.0),
]
A_LEFT: list[tuple[re.Pattern[str], float]] = [
    (
        re.compile(
            r"(?:group|gang|crew|collective|hackers?|hacktivists?|outfit|actor|syndicate|operation)"
            r" (?:calling (?:itself|themselves)|that calls (?:itself|themselves)|who call themselves"
            r"|known as|dubbed|named|going by|which goes by) (?:the )?$"
        ),
        3.0,
    ),
    (
        re.compile(
            r"(?:attributed|attributes|attributing|blamed|blames|blaming|linked|tied|traced|pinned|connected)"
            r" (?:it |this |them |the (?:attacks?|hacks?|breach|campaign|intrusion|incident) )?(?:on "
            r"|to )(?:the )?$"
        ),
        3.0,
    ),
    (
        re.compile(
            r"(?:carried out|conducted|launched|orchestrated|perpetrated|claimed|committed|executed|developed"
            r"|operated|run|deployed|hacked|breached|compromised|stolen|leaked|targeted|attacked|hijacked"
            r"|defaced|infiltrated|behind|responsible) by (?:the )?$"
        ),
        2.5,
    ),
    (
        re.compile(
            r"(?:hacker|hackers|hacking group|hacker group|hacktivist group|hacktivists|group|gang|crew"
            r"|persona"
            r"|handle|alias|moniker|pseudonym|member of|members of|actor|threat actor|known as|calling itself"
            r"|calling themselves|dubbed|called|named|identified as|suspect|suspected) (?:the |as )?$"
        ),
        1.5,
    ),
    (
        re.compile(
            r"(?:charged|arrested|indicted|sentenced|convicted|extradited|accused"
            r"|suspects?) (?:the )?$"
        ),
        1.5,
    ),
]
# Nationality + attacker noun ("Russian hackers", "North Korean state-sponsored hacker group").
# Group 1 must be a demonym (checked against ``lexicons.DEMONYMS`` in code: one capitalized-word
# pattern is much faster than a regex alternation of every demonym).
DEMONYM_ATTACKER = re.compile(
    r"\b((?:Kremlin-backed|[A-Z][a-z]+(?: [A-Z][a-z]+)?))(?:[- ](?:state|government|military|nation)[- ]?"
    r"(?:sponsored|backed|linked|state))?"
    r" (?:state[- ]sponsored |government[- ]backed |military |intelligence |cyber ?)?"
    r"(?:hackers?|hacking groups?|hacker groups?|cyber ?criminals?|attackers?|threat actors?|spies"
    r"|cyber ?spies|operatives|intelligence|military intelligence|government|state|gang|man|woman"
    r"|national|nationals|teenager|citizen|group|gang|actors?)\b"
)
# Nationality + group noun ("German companies", "U.S. consumers"); group 1 checked in code.
DEMONYM_VICTIM = re.compile(
    r"\b(U\.S\.|US|UK|EU|[A-Z][a-z]+(?: [A-Z][a-z]+)?)(?:-based)?(?: [a-z]+)? (?:users|customers|companies"
    r"|businesses|banks|firms|organi[sz]ations|citizens|hospitals|government|agencies|institutions"
    r"|universities"
    r"|schools|retailers|consumers|voters|officials|military|troops|soldiers|athletes|veterans|taxpayers"
    r"|patients|residents|people|nationals|shoppers|players|utilities|entities|targets|victims|bank"
    r"|government agencies|defense contractors)\b"
    r"|\b(Indians|Americans|Brits|Britons|Canadians|Australians|Germans|Danes|Swedes|Norwegians|Israelis"
    r"|Russians|Ukrainians|Brazilians|Mexicans|Nigerians|Pakistanis|Iranians|Filipinos|Indonesians"
    r"|Koreans|Japanese|Chinese|Italians|Spaniards|Poles|Irish|Europeans)\b"
)
VICTIM_NATIONS = frozenset({"u.s.", "us", "uk", "eu"}) | frozenset(lx.DEMONYMS)
# Not a name: an amount of money ("RM26m", "HK$1.9", "US$100": a currency code or symbol glued to
# digits), or two words run together where a space was lost ("bugThe" from a scraped page: a
# lower-case word glued to a capitalized function word; "EmbedThis", capitalized, is a name).
NOT_NAME = re.compile(
    r"^(?:[A-Za-z]{0,3}\$|RM|Rs|INR|USD|EUR|GBP|CAD|AUD|HKD|SGD|NZD|CHF|JPY|CNY|RMB|KES|KSh|ZAR|NGN|PHP|IDR|THB"
    r"|MYR|BRL)\d[\d.,]*(?:m|mn|bn|b|k)?$"
    r"|^[a-z]{3,}(?:The|This|That|These|According|However)$"
)
_NUMBER_WORD = re.compile(r"\d[\w.]*")


def strip_trailing_numbers(key: str) -> str:
    r"""A name key without its trailing number words ("windows 10" -> "windows"; the first word
    always stays). Keys are single-spaced words (``candidates.name_key``), so this walks back word
    by word: the regex it replaces, ``(?:\s+\d[\w.]*)+$``, was tried from every space and re-read
    the whole run of numbers each time (quadratic: 2.9 s for "Acme 1 1 1 ... 1 Bank" of 20,000
    characters)."""
    words = key.split(" ")
    n = len(words)
    while n > 1 and _NUMBER_WORD.fullmatch(words[n - 1]):
        n -= 1
    return key if n == len(words) else " ".join(words[:n])


class Cues:
    """A list of (pattern, weight) cues compiled into one alternation, heaviest first, so that a
    single regex call finds the best cue (one search instead of one per pattern)."""

    def __init__(self, cues: list[tuple[re.Pattern[str], float]], word_start: bool = False) -> None:
        ordered = sorted(cues, key=lambda pw: -pw[1])
        self.names = [f"c{i}" for i in range(len(ordered))]
        self.weights = {n: w for n, (_, w) in zip(self.names, ordered, strict=True)}
        alts = "|".join(f"(?P<{n}>{p.pattern})" for n, (p, _) in zip(self.names, ordered, strict=True))
        # Left cues are searched for: starting them at a word start only is ~3x faster than
        # trying every position (and "xbreach at" is no cue anyway).
        self.pattern = re.compile(f"(?<![a-z])(?:{alts})" if word_start else alts)

    def weight(self, m: re.Match[str] | None) -> float:
        if m is None:
            return 0.0
        for n in self.names:
            if m.group(n) is not None:
                return self.weights[n]
        return 0.0

    def which(self, m: re.Match[str] | None) -> str | None:
        """The name of the cue that matched (a feature of the learned scorers), or None."""
        if m is None:
            return None
        return next((n for n in self.names if m.group(n) is not None), None)


NO_CUES = Cues([])


def cue_score(
    text: str,
    cand_start: int,
    cand_end: int,
    right_cues: Cues,
    left_cues: Cues,
    both: bool = False,
) -> float:
    """The best cue weight around a candidate (``both``: left cue plus right cue). Right cues are
    matched at the candidate's end, left cues must end at its start (they end in ``$``)."""
    rs = right_cues.weight(right_cues.pattern.match(text, cand_end, cand_end + WINDOW)) if right_cues.names else 0.0
    ls = (
        left_cues.weight(left_cues.pattern.search(text, max(0, cand_start - WINDOW), cand_start))
        if left_cues.names
        else 0.0
    )
    return rs + ls if both else max(rs, ls)


def cue_names(text: str, cand_start: int, cand_end: int, right_cues: Cues, left_cues: Cues) -> tuple[str, str]:
    """Which right cue and which left cue match around a candidate ("" for none)."""
    r = right_cues.which(right_cues.pattern.match(text, cand_end, cand_end + WINDOW)) if right_cues.names else None
    left = (
        left_cues.which(left_cues.pattern.search(text, max(0, cand_start - WINDOW), cand_start))
        if left_cues.names
        else None
    )
    return r or "", left or ""


V_RIGHT_CUES = Cues(V_RIGHT)
V_LEFT_CUES = Cues(V_LEFT, word_start=True)
A_RIGHT_CUES = Cues(A_RIGHT)
A_LEFT_CUES = Cues(A_LEFT, word_start=True)


def lower_sent(f: CandidateFinder, c: Candidate) -> tuple[str, int, int]:
    """The candidate's sentence in lower case, with the candidate's offsets inside it."""
    s = c.sent
    return f.lower(s), c.start - s.start, c.end - s.start
