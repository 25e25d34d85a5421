"""Affected products and the tools (malware, exploit kits, services) used."""

from __future__ import annotations

from bot.extraction.mentions import Context
from bot.extraction.schema import Mention


def extract_products(ctx: Context) -> list[Mention]:
    return []


def extract_tools(ctx: Context) -> list[Mention]:
    return []
