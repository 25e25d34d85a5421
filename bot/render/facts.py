"""What a card shows, in what order, and how a fact reads: shared by every renderer."""

from __future__ import annotations

import datetime as dt

from bot.extraction.schema import IncidentSummary, Mention, Money


def vulnerability_rows(summary: IncidentSummary) -> list[tuple[str, list[Mention]]]:
    """(label, mentions) of a flaw story's vulnerability facts, when it has any."""
    v = summary.vulnerability
    if v is None:
        return []
    exploited = [v.exploited_evidence] if v.exploited_evidence is not None else []
    return [
        ("Vendor", [v.vendor] if v.vendor is not None else []),
        ("Affected versions", v.affected_versions),
        ("Fixed in", v.fixed_versions),
        (f"Exploited: {v.exploited}", exploited),
        ("CVSS", v.cvss),
    ]


def exploited_label(summary: IncidentSummary) -> str | None:
    """ "exploited in the wild" / "no known exploitation", when the article says so."""
    v = summary.vulnerability
    if v is None or v.exploited == "unknown":
        return None
    return "exploited in the wild" if v.exploited == "yes" else "no known exploitation"


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _once(mentions: list[Mention], shown: set[str] | frozenset[str] = frozenset()) -> list[Mention]:
    """The mentions whose text reads differently from each other and from ``shown``: a name said
    twice ("LockBit", "lockbit") is shown once."""
    seen = set(shown)
    kept = []
    for m in mentions:
        if _key(m.text) not in seen:
            seen.add(_key(m.text))
            kept.append(m)
    return kept


# What a tool's name may add to an attacker's name and still be the same name.
_KINDS = frozenset({"ransomware", "malware", "gang", "group", "strain", "variant", "trojan", "botnet"})


def _not_named_by(tools: list[Mention], attackers: list[Mention]) -> list[Mention]:
    """Tools that are not an attacker's name again: "LockBit" the group and "LockBit ransomware"
    the tool read as one name on a card, so the tool row does not repeat it."""
    names = {_key(a.text) for a in attackers}
    kept = []
    for tool in _once(tools):
        key = _key(tool.text)
        if key in names or any(key.startswith(name + " ") and key[len(name) + 1 :] in _KINDS for name in names):
            continue
        kept.append(tool)
    return kept


def happened_on(summary: IncidentSummary) -> dt.date | None:
    """When the incident happened, as the article dates it: its earliest date."""
    days = []
    for m in summary.dates:
        if isinstance(m.value, str):
            try:
                days.append(dt.date.fromisoformat(m.value[:10]))
            except ValueError:
                continue
    return min(days, default=None)


def fact_rows(summary: IncidentSummary) -> list[tuple[str, list[Mention]]]:
    """(label, mentions) for every fact field, in card order; empty fields included. A name is
    shown once: repeated within a field, or as a tool that is an attacker's name again."""
    vuln = [(label, ms) for label, ms in vulnerability_rows(summary) if not label.startswith("Exploited")]
    return [
        *vuln[:1],
        ("Victims", _once(summary.victims)),
        ("Attackers", _once(summary.attackers)),
        ("Vector", summary.attack_vector),
        ("ATT&CK", attack_rows(summary)),
        ("Data", summary.compromised_data),
        ("Affected", summary.affected_counts),
        ("Losses", summary.financial_losses),
        ("Ransom", summary.ransom_demands),
        ("When", summary.dates),
        ("Where", summary.locations),
        ("CVEs", summary.cves),
        ("Products", summary.affected_products),
        *vuln[1:],
        ("Tools", _not_named_by(summary.tools, summary.attackers)),
    ]


def attack_rows(summary: IncidentSummary) -> list[Mention]:
    """Each ATT&CK technique as "T1566.001 Phishing: Spearphishing Attachment", with the evidence
    of the words that state it."""
    return [t.mention.model_copy(update={"text": f"{t.id} {t.name}"}) for t in summary.attack_techniques]


def related_line(summary: IncidentSummary, limit: int = 3) -> str | None:
    """ "Also mentioned: WannaCry (2017) (ransomware); …" — the other incidents the article recalls."""
    if not summary.related_incidents:
        return None
    shown = [f"{r.name} ({r.incident_type.value.replace('_', ' ')})" for r in summary.related_incidents[:limit]]
    more = len(summary.related_incidents) - len(shown)
    return "Also mentioned: " + "; ".join(shown) + (f"; … +{more}" if more > 0 else "")


def with_value(m: Mention) -> str:
    """The fact as written, with its normalized value when that adds something."""
    v = m.value
    if isinstance(v, Money):
        return f"{m.text} ({v.amount:,.0f} {v.currency})"
    if isinstance(v, int) and not isinstance(v, bool):
        return m.text if str(v) in m.text.replace(",", "") else f"{m.text} ({v:,})"
    if isinstance(v, str) and v != m.text and v not in m.text:
        return f"{m.text} ({v})"
    return m.text
