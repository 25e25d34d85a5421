"""Dates: calendar and relative expressions, normalized to ISO against the published date."""

from __future__ import annotations

from bot.extraction.mentions import Context
from bot.extraction.schema import Mention


def extract_dates(ctx: Context) -> list[Mention]:
    return []
