"""Incidents in the formats threat-intelligence teams import: STIX 2.1 bundles, MISP events, CSV
and IncidentSummary JSON lines. Pure: an incident's stored record in, text out (no store, no
Slack, no network); who may see what was decided before the records got here.

Every format is deterministic: the same incident gives the same ids and the same bytes, so a
platform that imports it again updates what it has instead of adding a copy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from bot.exports.item import ExportItem
from bot.exports.misp import misp_events
from bot.exports.stix import stix_bundle
from bot.exports.table import csv_text, json_lines

Format = Literal["stix", "misp", "csv", "json"]
FORMATS: tuple[Format, ...] = ("stix", "misp", "csv", "json")
# File name suffix and media type of each format (uploads, --output defaults).
SUFFIX = {"stix": "stix.json", "misp": "misp.json", "csv": "csv", "json": "jsonl"}

_WRITERS: dict[Format, Callable[[Sequence[ExportItem]], str]] = {
    "stix": stix_bundle,
    "misp": misp_events,
    "csv": csv_text,
    "json": json_lines,
}


def export(items: Sequence[ExportItem], fmt: Format) -> str:
    return _WRITERS[fmt](items)


__all__ = ["FORMATS", "SUFFIX", "ExportItem", "Format", "export"]
