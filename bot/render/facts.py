"""What a card shows, in what order, and how a fact reads: shared by every renderer."""

from __future__ import annotations

from bot.extraction.schema import IncidentSummary, Mention, Money


def fact_rows(summary: IncidentSummary) -> list[tuple[str, list[Mention]]]:
    """(label, mentions) for every fact field, in card order; empty fields included."""
    return [
        ("Victims", summary.victims),
        ("Attackers", summary.attackers),
        ("Vector", summary.attack_vector),
        ("Data", summary.compromised_data),
        ("Affected", summary.affected_counts),
        ("Losses", summary.financial_losses),
        ("Ransom", summary.ransom_demands),
        ("When", summary.dates),
        ("Where", summary.locations),
        ("CVEs", summary.cves),
        ("Products", summary.affected_products),
        ("Tools", summary.tools),
    ]


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
