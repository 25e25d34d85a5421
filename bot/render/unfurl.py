"""The compact card a link gets when it is posted (Slack's link unfurling): headline, type,
severity, victim. Pure; escaped like every card."""

from __future__ import annotations

from typing import Any

from bot.extraction.schema import IncidentSummary
from bot.render.slack import MAX_SECTION_CHARS, SEVERITY_ICON, escape, truncate


def unfurl_blocks(summary: IncidentSummary, *, incident_id: int | None) -> list[dict[str, Any]]:
    """Two blocks: the headline, then type · severity · victim (· the stored incident's number)."""
    level = summary.severity.level.value
    facts = [summary.incident_type.value.replace("_", " "), f"{SEVERITY_ICON[level]} {level}"]
    if summary.victims:
        facts.append("victim: " + escape(truncate(summary.victims[0].text, 80)))
    facts.append(f"incident `#{incident_id}`" if incident_id is not None else "not stored: mention me to keep it")
    headline = escape(truncate(" ".join(summary.title.split()) or "Security incident", 300))
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{headline}*"[:MAX_SECTION_CHARS]}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(facts)}]},
    ]
