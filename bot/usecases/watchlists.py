"""Watchlist commands: what a channel watches for (bot/domain/watchlist.py says how names match)."""

from __future__ import annotations

import datetime as dt

from bot.domain.watchlist import WatchlistError, parse_terms
from bot.errors import BadInputError
from storage import Store, watchlists
from storage.records import WatchTermRecord


def add_terms(*, store: Store, team_id: str, channel_id: str, user_id: str, text: str) -> tuple[list[str], list[str]]:
    """Add the terms in ``text`` ("Okta" "Citrix NetScaler" CVE-2024-3400); (added, already there)."""
    try:
        terms = parse_terms(text)
        if not terms:
            raise BadInputError('name what to watch: `/incident watch add "Okta" "Citrix NetScaler" CVE-2024-3400`')
        now = dt.datetime.now(dt.UTC)
        return store.write(
            lambda repo: watchlists.add(
                repo, team_id=team_id, channel_id=channel_id, terms=terms, user_id=user_id, now=now
            )
        )
    except WatchlistError as exc:
        raise BadInputError(str(exc)) from exc


def remove_terms(*, store: Store, team_id: str, channel_id: str, text: str) -> list[str]:
    """Remove the terms in ``text``, or every term for "all"; the terms removed."""
    try:
        terms = None if text.strip().lower() == "all" else parse_terms(text)
    except WatchlistError as exc:
        raise BadInputError(str(exc)) from exc
    if terms == []:
        raise BadInputError("name the terms to remove, or `all`")
    return store.write(lambda repo: watchlists.remove(repo, team_id=team_id, channel_id=channel_id, terms=terms))


def list_terms(*, store: Store, team_id: str, channel_id: str) -> list[WatchTermRecord]:
    return store.read(lambda repo: watchlists.listed(repo, team_id=team_id, channel_id=channel_id))
