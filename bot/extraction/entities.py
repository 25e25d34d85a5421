"""Victims and attackers: named organisations, people and groups chosen by role cues."""

from __future__ import annotations

from bot.extraction.mentions import Context
from bot.extraction.schema import Mention


def extract_victims(ctx: Context) -> list[Mention]:
    return []


def extract_attackers(ctx: Context) -> list[Mention]:
    return []
