"""What data or access was taken or exposed."""

from __future__ import annotations

from bot.extraction.mentions import Context
from bot.extraction.schema import Mention


def extract_compromised_data(ctx: Context) -> list[Mention]:
    return []
