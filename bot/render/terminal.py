"""A readable card of an IncidentSummary for the terminal (rich renderables, no I/O)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.extraction.schema import IncidentSummary, Mention, Money

_MAX_ITEMS = 6


def _value(m: Mention) -> str:
    v = m.value
    if isinstance(v, Money):
        return f"{m.text} ({v.amount:,.0f} {v.currency})"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{m.text} ({v:,})"
    if isinstance(v, str) and v != m.text:
        return f"{m.text} ({v})"
    return m.text


def _join(mentions: list[Mention]) -> str:
    shown = [_value(m) for m in mentions[:_MAX_ITEMS]]
    more = len(mentions) - len(shown)
    return "; ".join(shown) + (f"; … and {more} more" if more > 0 else "")


def card(summary: IncidentSummary) -> RenderableType:
    """The incident card: headline facts, then the summary and source."""
    if not summary.is_incident:
        body = Text.assemble(
            ("No security incident found", "bold yellow"),
            f" (confidence {summary.confidence:.2f}). ",
            "The text does not read as a report of a hack, breach, scam, ransomware attack, vulnerability or patch.",
        )
        return Panel(body, title=Text(summary.title), title_align="left")
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold cyan", no_wrap=True)
    facts.add_column()
    types = ", ".join(t.value for t in summary.incident_types)
    facts.add_row("Type", types)
    facts.add_row("Severity", f"{summary.severity.level.value} — {summary.severity.reason}")
    facts.add_row("Status", summary.status.value)
    rows: list[tuple[str, list[Mention]]] = [
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
    for label, mentions in rows:
        if mentions:
            facts.add_row(label, _join(mentions))
    if summary.indicators:
        facts.add_row("Indicators", ", ".join(i.value for i in summary.indicators[:_MAX_ITEMS]))
    parts: list[RenderableType] = [facts, Text(""), Text(summary.summary)]
    src = summary.source
    if src.url or src.published:
        parts.append(Text(" · ".join(str(x) for x in (src.url, src.published) if x), style="dim"))
    return Panel(Group(*parts), title=Text(summary.title, style="bold"), title_align="left")
