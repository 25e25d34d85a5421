"""MITRE ATT&CK techniques: what the article says the attackers did, mapped to technique ids.

The table is written here from general knowledge of the ATT&CK Enterprise matrix (technique ids,
names and tactics as ATT&CK publishes them) and of the words security news uses for each: no
network at run time, no copy of ATT&CK's text. Only techniques a news article can tell are
listed; a technique is claimed only where a phrase states it was done: a sentence that denies it
("no evidence that data was taken") or supposes it ("could allow attackers to…") claims nothing.
Each technique comes once, with the first sentence that states it.

Measured on sentences written for the purpose (tests/extraction/attack_cases.py;
``python bench/attack_eval.py``), recorded in docs/exports.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.extraction.mentions import Context, mention
from bot.extraction.schema import AttackTechnique


@dataclass(frozen=True)
class _Entry:
    id: str
    # Lower-case words one of which every match of ``cue`` contains: a sentence without any of
    # them is not searched for it (most sentences of an article hold none, and searching each
    # sentence for every technique would cost more than the rest of the extraction together).
    needs: tuple[str, ...]
    name: str
    tactic: str
    cue: re.Pattern[str]


def _cue(pattern: str) -> re.Pattern[str]:
    # Plain alternations of words with bounded gaps: linear on any text.
    return re.compile(r"\b(?:" + pattern + r")\b", re.I)


# Most specific first: a sub-technique's phrase is tried before its parent's, and the parent is
# not claimed again by the same words.
TABLE: tuple[_Entry, ...] = (
    _Entry(
        "T1566.001",
        ("attachment", "document", "excel file", "pdf", "macro"),
        "Phishing: Spearphishing Attachment",
        "initial-access",
        _cue(
            r"malicious (?:e-?mail )?attachments?|(?:e-?mails?|messages?) (?:\w+ ){0,3}with (?:an? )?(?:malicious |booby-trapped |weaponi[sz]ed )?(?:attachments?|word documents?|excel files?|pdfs?)"
            r"|weaponi[sz]ed (?:word |office |excel )?(?:documents?|attachments?)|malicious macros?"
        ),
    ),
    _Entry(
        "T1566.002",
        ("link",),
        "Phishing: Spearphishing Link",
        "initial-access",
        _cue(
            r"phishing links?|malicious links?|clicked (?:on )?(?:a |the )?link|links? to (?:a )?(?:fake|spoofed|fraudulent) (?:\w+ )?(?:sites?|pages?|login)"
        ),
    ),
    _Entry(
        "T1566.004",
        ("vishing", "voice phishing", "phone call"),
        "Phishing: Spearphishing Voice",
        "initial-access",
        _cue(r"vishing|voice phishing|phone calls? (?:\w+ ){0,3}posing as"),
    ),
    _Entry(
        "T1566",
        ("phish",),
        "Phishing",
        "initial-access",
        _cue(r"spear[- ]?phish\w*|phish(?:ing|ed)|phishing (?:e-?mails?|campaign|attacks?)"),
    ),
    _Entry(
        "T1190",
        ("exploit", "sql injection"),
        "Exploit Public-Facing Application",
        "initial-access",
        _cue(
            r"exploit(?:ed|ing) (?:\w+ ){0,4}(?:vulnerabilit(?:y|ies)|flaws?|bugs?|zero-days?)"
            r"|(?:vulnerabilit(?:y|ies)|flaws?|zero-days?) (?:\w+ ){0,3}(?:was|were|had been|being) (?:actively )?exploited"
            r"|SQL injection|exploited (?:\w+ ){0,2}(?:CVE-\d{4}-\d{4,7})|(?:was|were|is|are|being|been) actively exploited"
        ),
    ),
    _Entry(
        "T1133",
        ("vpn", "remote access", "citrix gateway"),
        "External Remote Services",
        "initial-access",
        _cue(
            r"(?:through|via|using) (?:an? |the |its )?(?:[\w']+ )?(?:VPN|remote access (?:service|portal|tool)s?|citrix gateway)"
        ),
    ),
    _Entry(
        "T1021.001",
        ("remote desktop", "rdp"),
        "Remote Services: Remote Desktop Protocol",
        "lateral-movement",
        _cue(r"remote desktop protocol|remote desktop|RDP"),
    ),
    _Entry(
        "T1110.004",
        ("credential",),
        "Brute Force: Credential Stuffing",
        "credential-access",
        _cue(r"credential[- ]stuffing"),
    ),
    _Entry(
        "T1110.003", ("password",), "Brute Force: Password Spraying", "credential-access", _cue(r"password[- ]spraying")
    ),
    _Entry(
        "T1110",
        ("brute", "guess"),
        "Brute Force",
        "credential-access",
        _cue(r"brute[- ]forc\w+|guess(?:ed|ing) (?:\w+ )?passwords?"),
    ),
    _Entry(
        "T1078",
        ("credential", "password", "login", "account"),
        "Valid Accounts",
        "initial-access",
        _cue(
            r"(?:stolen|compromised|leaked|valid|legitimate) (?:\w+ )?(?:credentials|passwords?|login details|logins?|accounts?)"
            r"|(?:logged|log) (?:in|into) (?:\w+ ){0,3}(?:with|using) (?:\w+ )?(?:credentials|passwords?)"
        ),
    ),
    _Entry(
        "T1195.002",
        ("update", "supply"),
        "Supply Chain Compromise: Compromise Software Supply Chain",
        "initial-access",
        _cue(
            r"(?:malicious|trojani[sz]ed|tampered|poisoned|backdoored) (?:software )?updates?|supply[- ]chain (?:attack|compromise|breach)"
        ),
    ),
    _Entry(
        "T1199",
        ("third-party", "outside"),
        "Trusted Relationship",
        "initial-access",
        _cue(
            r"(?:through|via|using) (?:an? |the |its )?(?:third-party|outside) (?:vendor|supplier|contractor|provider|IT provider)'?s?"
        ),
    ),
    _Entry(
        "T1189",
        ("drive-by", "watering"),
        "Drive-by Compromise",
        "initial-access",
        _cue(r"drive-by (?:download|compromise)s?|watering[- ]hole"),
    ),
    _Entry(
        "T1204.002",
        ("open", "macros"),
        "User Execution: Malicious File",
        "execution",
        _cue(
            r"(?:opened|opening|open) (?:an? |the )?(?:malicious |infected |booby-trapped )(?:\w+ )?(?:files?|attachments?|documents?)|enable (?:the )?macros"
        ),
    ),
    _Entry(
        "T1059.001", ("powershell",), "Command and Scripting Interpreter: PowerShell", "execution", _cue(r"powershell")
    ),
    _Entry(
        "T1003",
        ("dump", "mimikatz", "lsass"),
        "OS Credential Dumping",
        "credential-access",
        _cue(r"credential[- ]dumping|dump(?:ed|ing)? (?:\w+ )?(?:credentials|password hashes)|mimikatz|LSASS"),
    ),
    _Entry(
        "T1056.001",
        ("keylog", "keystroke"),
        "Input Capture: Keylogging",
        "credential-access",
        _cue(r"keylog\w*|keystroke logg\w+|record(?:ed|ing)? keystrokes"),
    ),
    _Entry(
        "T1621",
        ("mfa", "push"),
        "Multi-Factor Authentication Request Generation",
        "credential-access",
        _cue(r"MFA (?:fatigue|bombing|spamming)|push (?:notification )?(?:fatigue|bombing)"),
    ),
    _Entry(
        "T1539",
        ("cookie", "session token"),
        "Steal Web Session Cookie",
        "credential-access",
        _cue(r"(?:stole|steal|stealing|hijack\w*) (?:\w+ )?(?:session )?(?:cookies|session tokens?)"),
    ),
    _Entry(
        "T1552.001",
        ("credential", "password", "api key", "secret"),
        "Unsecured Credentials: Credentials In Files",
        "credential-access",
        _cue(r"(?:hard-?coded|plain-?text|exposed) (?:\w+ )?(?:credentials|passwords|API keys|secrets)"),
    ),
    _Entry(
        "T1530",
        ("bucket", "cloud storage", "blob", "elasticsearch"),
        "Data from Cloud Storage",
        "collection",
        _cue(
            r"(?:misconfigured|unsecured|unprotected|publicly accessible|open) (?:\w+ ){0,2}(?:S3 buckets?|buckets?|cloud storage|Azure blobs?|elasticsearch (?:servers?|databases?|clusters?))"
        ),
    ),
    _Entry(
        "T1114",
        ("mail", "inbox"),
        "Email Collection",
        "collection",
        _cue(
            r"(?:accessed|read|stole|downloaded) (?:\w+ ){0,3}(?:e-?mail (?:accounts?|inboxes|mailboxes)|mailboxes|inboxes)"
        ),
    ),
    _Entry(
        "T1041",
        ("exfiltrat", "before"),
        "Exfiltration Over C2 Channel",
        "exfiltration",
        _cue(
            r"exfiltrat\w+|(?:stole|stolen|copied|took) (?:\w+ ){0,4}(?:data|files|records|documents) before (?:encrypting|deploying)"
        ),
    ),
    _Entry(
        "T1567.002",
        ("upload",),
        "Exfiltration Over Web Service: Exfiltration to Cloud Storage",
        "exfiltration",
        _cue(r"upload(?:ed|ing)? (?:\w+ ){0,4}to (?:MEGA|Dropbox|Google Drive|cloud storage)"),
    ),
    _Entry(
        "T1486",
        ("encrypt", "ransomware", "locked"),
        "Data Encrypted for Impact",
        "impact",
        _cue(
            r"encrypt(?:ed|ing|s)? (?:[\w']+ ){0,4}(?:files|systems|servers|data|computers|machines|networks?|devices)"
            r"|(?:files|systems|servers|data|computers|machines|networks?|devices) (?:\w+ ){0,2}(?:was|were|had been|been) encrypted"
            r"|ransomware (?:attack|infection|incident)|locked (?:[\w']+ ){0,2}(?:files|systems|computers)"
        ),
    ),
    _Entry(
        "T1490",
        ("backup", "shadow cop"),
        "Inhibit System Recovery",
        "impact",
        _cue(r"(?:deleted|deleting|wiped|destroyed|encrypted) (?:\w+ ){0,3}(?:backups|shadow copies)"),
    ),
    _Entry(
        "T1485",
        ("wiper", "wiped", "erased", "destroyed"),
        "Data Destruction",
        "impact",
        _cue(r"wiper(?: malware)?|(?:wiped|erased|destroyed) (?:\w+ ){0,3}(?:data|disks|hard drives|servers|files)"),
    ),
    _Entry("T1491.002", ("defac",), "Defacement: External Defacement", "impact", _cue(r"defac(?:ed|ing|ement)")),
    _Entry(
        "T1498",
        ("ddos", "denial"),
        "Network Denial of Service",
        "impact",
        _cue(r"DDoS|distributed denial[- ]of[- ]service|denial[- ]of[- ]service attacks?"),
    ),
    _Entry(
        "T1496",
        ("cryptojack", "mining", "mine"),
        "Resource Hijacking",
        "impact",
        _cue(r"cryptojack\w*|crypto-?mining malware|(?:mine|mining) (?:\w+ )?(?:cryptocurrency|monero|bitcoin)"),
    ),
    _Entry(
        "T1657",
        ("mail compromise", "bec ", "fraud", "diverted"),
        "Financial Theft",
        "impact",
        _cue(
            r"business e-?mail compromise|BEC (?:scam|attack|fraud)|wire (?:transfer )?fraud|fraudulent (?:wire )?(?:transfers?|payments?)|diverted (?:\w+ ){0,3}payments?"
        ),
    ),
)
# A sub-technique found makes its parent redundant.
_PARENT = {e.id: e.id.split(".")[0] for e in TABLE if "." in e.id}

# A sentence that denies the act, or only supposes it, claims nothing (within its clause before
# the cue: "no evidence that data was exfiltrated", "could allow attackers to exploit").
_DENIED_OR_SUPPOSED = re.compile(
    r"(?:n't|\b(?:no (?:evidence|sign|indication)|not|never|denied|denies|without|unlikely|could|might"
    r"|may (?:have|be|allow|let)|would|if|allows?|allowing|potential(?:ly)?|risk of|prevent\w*|protect\w*"
    r"|avoid\w*|tips?|how to)\b)"
    r"[^.;]{0,60}$",
    re.I,
)
_LOOK_BACK = 80  # characters before a cue searched for a denial or a supposition
_MAX = 8


def extract_techniques(ctx: Context, *, prefilter: bool = True) -> list[AttackTechnique]:
    """``prefilter`` off: every sentence searched for every technique (the tests compare)."""
    doc = ctx.doc
    found: dict[str, AttackTechnique] = {}
    for sent in doc.all_sentences:
        text = sent.norm
        low = text.lower()
        for entry in TABLE:
            if entry.id in found or (prefilter and not any(word in low for word in entry.needs)):
                continue
            for m in entry.cue.finditer(text):
                if _DENIED_OR_SUPPOSED.search(text, max(0, m.start() - _LOOK_BACK), m.start()):
                    continue
                found[entry.id] = AttackTechnique(
                    id=entry.id,
                    name=entry.name,
                    tactic=entry.tactic,
                    mention=mention(doc, sent, sent.start + m.start(), sent.start + m.end()),
                )
                break
    chosen = [t for t in found.values() if t.id not in {_PARENT.get(i) for i in found}]
    return sorted(chosen, key=lambda t: (t.mention.evidence.source != "title", t.mention.evidence.start))[:_MAX]
