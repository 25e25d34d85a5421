"""How the attackers got in."""

from __future__ import annotations

from bot.extraction.mentions import Context
from bot.extraction.schema import Mention


def extract_attack_vector(ctx: Context) -> list[Mention]:
    return []
