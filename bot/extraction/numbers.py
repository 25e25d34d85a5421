"""Numbers: how many were affected, money lost, ransoms asked."""

from __future__ import annotations

from bot.extraction.mentions import Context
from bot.extraction.schema import Mention


def extract_affected_counts(ctx: Context) -> list[Mention]:
    return []


def extract_financial_losses(ctx: Context) -> list[Mention]:
    return []


def extract_ransom_demands(ctx: Context) -> list[Mention]:
    return []
