"""Locations: countries, regions and cities named in the article."""

from __future__ import annotations

from bot.extraction.mentions import Context
from bot.extraction.schema import Mention


def extract_locations(ctx: Context) -> list[Mention]:
    return []
