"""CVE identifiers in canonical form."""

from __future__ import annotations

from bot.extraction.mentions import Context
from bot.extraction.schema import Mention


def extract_cves(ctx: Context) -> list[Mention]:
    return []
