"""CSV (one row an incident, the card's facts) and IncidentSummary JSON lines."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from bot.exports.item import ExportItem, utc
from bot.extraction.schema import Mention
from bot.render.facts import happened_on

COLUMNS = (
    "id",
    "title",
    "type",
    "types",
    "severity",
    "status",
    "happened",
    "first_seen",
    "last_seen",
    "victims",
    "attackers",
    "vector",
    "attack_techniques",
    "compromised_data",
    "affected_counts",
    "financial_losses",
    "ransom_demands",
    "places",
    "cves",
    "products",
    "tools",
    "indicators",
    "sources",
    "summary",
)
# A cell a spreadsheet would run as a formula ("=HYPERLINK(…)", "+1", "@SUM") is written with a
# leading apostrophe: article text and names are untrusted.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _join(mentions: Sequence[Mention]) -> str:
    return "; ".join(dict.fromkeys(m.text for m in mentions))


def csv_text(items: Sequence[ExportItem]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for item in items:
        s = item.summary
        happened = happened_on(s)
        row = [
            str(item.incident_id),
            s.title,
            s.incident_type.value,
            "; ".join(t.value for t in s.incident_types),
            s.severity.level.value,
            s.status.value,
            happened.isoformat() if happened else "",
            utc(item.first_seen).isoformat(),
            utc(item.last_seen).isoformat(),
            _join(s.victims),
            _join(s.attackers),
            _join(s.attack_vector),
            "; ".join(f"{t.id} {t.name}" for t in s.attack_techniques),
            _join(s.compromised_data),
            _join(s.affected_counts),
            _join(s.financial_losses),
            _join(s.ransom_demands),
            _join(s.locations),
            _join(s.cves),
            _join(s.affected_products),
            _join(s.tools),
            "; ".join(i.value for i in s.indicators),  # defanged, as everywhere they are shown
            " ".join(item.sources),
            s.summary,
        ]
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def json_lines(items: Sequence[ExportItem]) -> str:
    """One IncidentSummary (the JSON contract, docs/schema.md) per line."""
    return "".join(item.summary.model_dump_json() + "\n" for item in items)
