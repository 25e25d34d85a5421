"""Affected products and the tools (malware, exploit kits, services) used.

Products are capitalized phrases (with their version numbers: "Windows 10", "Struts 2.3") that
sit next to vulnerability words ("a flaw in X", "X versions 1.2 and earlier", "affects X",
"X is vulnerable"). Tools are known malware families (``lexicons.MALWARE``) and names typed by
the noun that follows them ("X ransomware", "the X banking trojan", "malware dubbed X").
"""

from __future__ import annotations

import re

from bot.extraction import lexicons as lx
from bot.extraction.candidates import Candidate, finder, name_key
from bot.extraction.mentions import Context, mention
from bot.extraction.places import is_place_key
from bot.extraction.schema import Mention

_WINDOW = 60

_P_LEFT: list[tuple[re.Pattern[str], float]] = [
    (
        re.compile(
            r"(?:vulnerabilit(?:y|ies)|flaws?|bugs?|holes?|weakness(?:es)?|issues?|zero-days?|0-days?"
            r"|exploits?"
            r"|patch(?:es)?|updates?|fix(?:es)?|advisory|advisories|backdoor|defects?|errors?)"
            r" (?:\w+ )?(?:in|affecting|for|on|within|impacting|inside|of) (?:the |all |older "
            r"|unpatched |vulnerable"
            r"|several |some |many |multiple |popular )?(?:versions? of (?:the )?)?$"
        ),
        3.0,
    ),
    (
        re.compile(
            r"(?:affects?|affecting|affected|impacts?|impacting|patched|patches|patching|fixed|fixes|updated"
            r"|exploited|exploiting|exploit|vulnerable|unpatched|hijack|hijacking|compromise|bypass|crash"
            r"|running|users of|versions? of|owners of|installations of|instances of|update to|upgrade to)"
            r" (?:the |all |their |older |versions? of (?:the )?)?$"
        ),
        2.0,
    ),
]
_P_RIGHT: list[tuple[re.Pattern[str], float]] = [
    (
        re.compile(
            r"(?:,[^,]{1,40},)? (?:is|are|was|were|remains?) (?:still )?(?:vulnerable|affected"
            r"|exposed|susceptible"
            r"|at risk|open to|prone)"
        ),
        3.0,
    ),
    (
        re.compile(
            r"(?:'s)? (?:\w+ )?(?:vulnerabilit|flaws?\b|bugs?\b|zero-day|0-day|exploit|security (?:hole"
            r"|flaw|bug"
            r"|update|patch|issue|advisory)|patch|update|firmware|remote code|privilege|buffer overflow"
            r"|cross-site|sql injection|denial of service)"
        ),
        2.0,
    ),
    (
        re.compile(
            r" (?:versions?|v?\d+(?:\.\d+)+|and (?:earlier|older|prior)|prior to|before version"
            r"|through)\b"
        ),
        2.0,
    ),
    (
        re.compile(
            r" (?:users|devices|servers|installations|instances|plugin|plug-in|app|software|routers"
            r"|cameras"
            r"|systems|owners|customers|browser|platform)\b"
        ),
        1.0,
    ),
]
_VULN_SENT = re.compile(
    r"\b(?:vulnerab|flaw|bug|exploit|patch|zero-day|0-day|cve-|remote code|privilege|injection|overflow"
    r"|security update|fix|advisory|attacker|affected)"
)
_NON_PRODUCT = (
    frozenset(name_key(k) for k in lx.SECURITY_FIRMS | lx.NEWS_OUTLETS | lx.MALWARE | lx.THREAT_ACTORS | lx.AGENCIES)
    | frozenset(
        """cve nvd cvss cert us cert ics cert fbi zdi zero day initiative project zero ceo cto poc rce xss
    sql dos ddos api ip url http https html ssl tls usb pdf it pc""".split()
    )
    | frozenset(
        # Kinds of flaw and words a headline capitalizes ("Buffer Overflow", "Vendor", "Critical"):
        # what a product has or is called by, never a product itself.
        name_key(k)
        for k in """buffer overflow|heap overflow|stack overflow|integer overflow|memory corruption|use after free
    |remote code execution|code execution|arbitrary code|cross site scripting|cross-site scripting|sql injection
    |command injection|code injection|denial of service|privilege escalation|elevation of privilege
    |information disclosure|authentication bypass|security bypass|directory traversal|path traversal
    |out of bounds|race condition|proof of concept|zero-day|zero day|security update|security advisory
    |patch tuesday|vendor|vendors|successful|critical|severe|serious|security|update|updates|patch|patches
    |researchers|researcher|attackers|hackers|users|customers|company|flaw|flaws|bug|bugs|vulnerability
    |vulnerabilities|exploit|exploits|advisory|new|latest|popular""".split("|")
    )
)
_DIGITS = re.compile(r"[\d ]+")
_P_THRESHOLD = 3.0
_P_REL = 0.3
_P_LIMIT = 4


def _score(
    text: str,
    s: int,
    e: int,
    left: list[tuple[re.Pattern[str], float]],
    right: list[tuple[re.Pattern[str], float]],
) -> float:
    r = text[e : e + _WINDOW]
    lft = text[max(0, s - _WINDOW) : s]
    sc = 0.0
    for pat, w in right:
        if pat.match(r):
            sc = max(sc, w)
    for pat, w in left:
        if pat.search(lft):
            sc = max(sc, w)
    return sc


_FLAW_TAIL = re.compile(
    r"(?: (?:buffer|heap|stack|integer) overflow| memory corruption| zero-day| zero day| flaws?| bugs?"
    r"| vulnerabilit(?:y|ies)| exploits?| security (?:update|advisory|flaw|bug)| patch(?:es)?| updates?)$"
)


def _without_flaw_kind(c: Candidate) -> Candidate:
    """A title-case headline runs the product into the kind of flaw ("Heron Gateway Buffer
    Overflow Flaw"): the product is the name before it."""
    cut = c.key
    while True:
        m = _FLAW_TAIL.search(cut)
        if m is None or m.start() == 0:
            break
        cut = cut[: m.start()]
    if cut == c.key:
        return c
    words = len(cut.split())
    ends = [m.end() for m in re.finditer(r"\S+", c.norm)]
    if len(ends) < words:
        return c
    e = ends[words - 1]
    text = c.norm[:e]
    return Candidate(c.sent, c.start, c.start + e, text, name_key(text), c.initial, False)


def _mult(c: Candidate) -> float:
    if c.sent.source == "title":
        return 2.0
    return 1.5 if c.sent.index < 3 else 1.0


def extract_products(ctx: Context) -> list[Mention]:
    f = finder(ctx)
    scores: dict[str, float] = {}
    best: dict[str, tuple[float, Candidate]] = {}
    vuln_cache: dict[tuple[str, int], bool] = {}
    for c in f.all:
        c = _without_flaw_kind(c)
        k = c.key
        if not k or k in _NON_PRODUCT or k.startswith("cve ") or is_place_key(k):
            continue
        if _DIGITS.fullmatch(k):
            continue
        text = f.lower(c.sent)
        s, e = c.start - c.sent.start, c.end - c.sent.start
        sc = _score(text, s, e, _P_LEFT, _P_RIGHT)
        if sc <= 0:
            continue
        sk = (c.sent.source, c.sent.index)
        vuln = vuln_cache.get(sk)
        if vuln is None:
            vuln = vuln_cache[sk] = bool(_VULN_SENT.search(text))
        if not vuln:
            sc *= 0.5
        w = sc * _mult(c)
        scores[k] = scores.get(k, 0.0) + w
        if k not in best or w > best[k][0]:
            best[k] = (w, c)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    out: list[Mention] = []
    chosen: list[str] = []
    top = ranked[0][1] if ranked else 0.0
    for k, sc in ranked:
        if sc < _P_THRESHOLD or sc < _P_REL * top:
            break
        if any(k in x or x in k for x in chosen):
            continue
        c = best[k][1]
        out.append(mention(ctx.doc, c.sent, c.start, c.end))
        chosen.append(k)
        if len(out) >= _P_LIMIT:
            break
    return out


_MALWARE_KEYS = frozenset(name_key(k) for k in lx.MALWARE)
_TOOL_NOUN = re.compile(
    r" (?:ransomware|malware|trojan|banking trojan|botnet|exploit kit|rat|worm|virus|backdoor|spyware"
    r"|keylogger|loader|dropper|infostealer|stealer|wiper|cryptominer|miner|rootkit|bot"
    r"|remote access trojan)\b",
    re.IGNORECASE,
)
_TOOL_LEFT = re.compile(
    r"(?:ransomware|malware|trojan|variant|strain|botnet|virus|worm|family|exploit kit|backdoor|spyware)"
    r",? (?:called|dubbed|named|known as|nicknamed|labeled|labelled) (?:the )?$"
)
_NON_TOOL = (
    frozenset(name_key(k) for k in lx.SECURITY_FIRMS | lx.NEWS_OUTLETS | lx.THREAT_ACTORS | lx.AGENCIES) - _MALWARE_KEYS
)
_T_LIMIT = 3


def extract_tools(ctx: Context) -> list[Mention]:
    f = finder(ctx)
    doc = ctx.doc
    scores: dict[str, float] = {}
    best: dict[str, tuple[float, Candidate, int]] = {}
    for c in f.all:
        k = c.key
        if not k or k in _NON_TOOL or is_place_key(k):
            continue
        text = c.sent.norm
        s, e = c.start - c.sent.start, c.end - c.sent.start
        end = c.end
        w = 0.0
        m = _TOOL_NOUN.match(text, e)
        if m:
            w = 3.0
            end = c.start + (m.end() - s)
        elif _TOOL_LEFT.search(f.lower(c.sent)[max(0, s - _WINDOW) : s]):
            w = 3.0
        elif k in _MALWARE_KEYS:
            w = 2.0
        if w <= 0:
            continue
        w *= _mult(c)
        scores[k] = scores.get(k, 0.0) + w
        if k not in best or w > best[k][0]:
            best[k] = (w, c, end)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    out: list[Mention] = []
    chosen: list[str] = []
    for k, sc in ranked:
        if sc < 3.0:
            break
        if any(k in x or x in k for x in chosen):
            continue
        _, c, end = best[k]
        out.append(mention(doc, c.sent, c.start, end))
        chosen.append(k)
        if len(out) >= _T_LIMIT:
            break
    return out
