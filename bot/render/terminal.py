"""A readable card of an IncidentSummary for the terminal (rich renderables, no I/O)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.extraction.schema import IncidentSummary, Mention
from bot.render.facts import exploited_label, fact_rows, related_line, with_value

_MAX_ITEMS = 6


def _join(mentions: list[Mention]) -> str:
    shown = [with_value(m) for m in mentions[:_MAX_ITEMS]]
    more = len(mentions) - len(shown)
    return "; ".join(shown) + (f"; … and {more} more" if more > 0 else "")


def _headline(summary: IncidentSummary) -> Text:
    # Inside the panel, not as its title: a panel title is cut at the border ("75 bitcoin
    # demande"), while a line inside wraps and the headline is read whole.
    return Text(summary.title, style="bold")


def card(summary: IncidentSummary) -> RenderableType:
    """The incident card: headline facts, then the summary and source."""
    if not summary.is_incident:
        body = Text.assemble(
            ("No security incident found", "bold yellow"),
            f" (confidence {summary.confidence:.2f}). ",
            "The text does not read as a report of a hack, breach, scam, ransomware attack, vulnerability or patch.",
        )
        return Panel(Group(_headline(summary), body))
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold cyan", no_wrap=True)
    facts.add_column()
    types = ", ".join(t.value for t in summary.incident_types)
    facts.add_row("Type", types)
    facts.add_row("Severity", f"{summary.severity.level.value} — {summary.severity.reason}")
    facts.add_row("Status", summary.status.value)
    exploited = exploited_label(summary)
    if exploited:
        facts.add_row("Exploited", exploited)
    for label, mentions in fact_rows(summary):
        if mentions:
            facts.add_row(label, _join(mentions))
    if summary.indicators:
        facts.add_row("Indicators", ", ".join(i.value for i in summary.indicators[:_MAX_ITEMS]))
    parts: list[RenderableType] = [_headline(summary), facts, Text(""), Text(summary.summary)]
    related = related_line(summary)
    if related:
        parts.append(Text(related, style="dim"))
    src = summary.source
    if src.url or src.published:
        parts.append(Text(" · ".join(str(x) for x in (src.url, src.published) if x), style="dim"))
    return Panel(Group(*parts))
