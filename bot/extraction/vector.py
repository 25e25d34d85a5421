"""How the attackers got in: the access path the article describes, as short spans."""

from __future__ import annotations

import re

from bot.extraction.mentions import Context, dedupe, mention
from bot.extraction.schema import Mention

# Named techniques, written from general knowledge of intrusion write-ups (MITRE ATT&CK initial
# access and the terms security news uses for them).
_TECHNIQUES = re.compile(
    r"\b(?:spear[- ]?phishing(?: e-?mails?| campaign| attack)?|phishing (?:e-?mails?|messages?|campaign|attack|links?)|"
    r"SQL injection|cross-site scripting|credential stuffing|brute[- ]force(?: attacks?)?|password spraying|"
    r"stolen (?:credentials|passwords|login details)|compromised (?:credentials|passwords|accounts?)|"
    r"malicious (?:attachments?|links?|macros?|e-?mails?|ads|advertis\w+|updates?|apps?|extensions?)|"
    r"social engineering|SIM[- ]swap\w*|watering[- ]hole(?: attacks?)?|drive-by downloads?|"
    r"remote desktop(?: protocol)?|\bRDP\b|misconfigured (?:\w+ ){0,2}(?:servers?|databases?|buckets?)|"
    r"unsecured (?:\w+ ){0,2}(?:servers?|databases?|buckets?)|(?:zero-day|unpatched) (?:vulnerabilit\w+|flaws?|bugs?)|"
    r"supply[- ]chain attack|third-party (?:vendor|supplier|service)|insider)\b",
    re.I,
)
# Access phrases: "by accessing its account with MyNewsDesk", "exploiting a flaw in X",
# "through a compromised vendor account", "via a phishing email".
_ACCESS = re.compile(
    r"\b(?:by|after|through|via|using)\s+(?:(?:gaining|getting)\s+)?"
    r"(?P<what>(?:access(?:ing)?|exploit(?:ing)?|hijack(?:ing)?|compromis(?:ing)?|abus(?:ing)?|tricking|"
    r"stealing|breaking into|hacking into)\b[^.,;:!?\"]{3,90}?)(?=[.,;:!?\"]|\s+(?:and|which|that|to|before|after)\b|$)",
    re.I,
)
_MAX = 4


def extract_attack_vector(ctx: Context) -> list[Mention]:
    """Access phrases first (they say the most), then named techniques."""
    doc = ctx.doc
    found: list[tuple[int, Mention]] = []
    for sent in doc.all_sentences:
        for m in _ACCESS.finditer(sent.norm):
            a, b = sent.start + m.start("what"), sent.start + m.end("what")
            found.append((0, mention(doc, sent, a, b)))
        for m in _TECHNIQUES.finditer(sent.norm):
            found.append((1, mention(doc, sent, sent.start + m.start(), sent.start + m.end())))
    found.sort(key=lambda x: (x[0], x[1].evidence.source != "title", x[1].evidence.start))
    return dedupe((m for _, m in found), limit=_MAX)
