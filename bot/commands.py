"""Parsing the text of ``/incident …`` into a typed command. Pure; the handlers call it."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_LIST = 10
MAX_LIST = 50

HELP_TEXT = """*incident-bot* — evidence-backed summaries of security-incident news
• `/incident summary <pasted article or link>` — summarize it and post the card here
• `/incident list [N]` — the latest N incidents (default 10, at most 50), only you see them
• `/incident show ID` — one incident's card, only you see it
• `/incident search QUERY` — find incidents by victim, attacker, CVE, type or words
• `/incident digest subscribe [daily|weekly] [HH:MM] [Area/City]` — a digest in this channel
• `/incident digest unsubscribe` · `/incident digest status` · `/incident digest now` (preview)
• `/incident help` — this list
You can also mention me with a pasted article or links: `@incident-bot <text or links>`."""


@dataclass(frozen=True)
class Summary:
    text: str


@dataclass(frozen=True)
class ListIncidents:
    limit: int


@dataclass(frozen=True)
class Show:
    incident_id: str


@dataclass(frozen=True)
class Search:
    query: str


@dataclass(frozen=True)
class Digest:
    action: str  # subscribe | unsubscribe | status | now
    args: tuple[str, ...]


@dataclass(frozen=True)
class Help:
    problem: str | None = None  # why help is shown instead of what was asked


Command = Summary | ListIncidents | Show | Search | Digest | Help

_DIGEST_ACTIONS = ("subscribe", "unsubscribe", "status", "now")


def parse(text: str) -> Command:
    """``text`` is what followed ``/incident``; anything unclear gets help with the reason."""
    stripped = (text or "").strip()
    if not stripped:
        return Help()
    head, _, rest = stripped.partition(" ")
    word, rest = head.lower(), rest.strip()
    if word in ("help", "-h", "--help", "?"):
        return Help()
    if word in ("summary", "summarize", "sum"):
        return Summary(rest) if rest else Help("`/incident summary` needs a pasted article or a link")
    if word in ("list", "ls", "latest"):
        if not rest:
            return ListIncidents(DEFAULT_LIST)
        if rest.isdigit() and int(rest) > 0:
            return ListIncidents(min(int(rest), MAX_LIST))
        return Help(f"`/incident list` takes a number from 1 to {MAX_LIST}, not `{rest[:40]}`")
    if word == "show":
        if rest and " " not in rest:
            return Show(rest)
        return Help("`/incident show` takes one incident ID, as shown on its card")
    if word in ("search", "find"):
        return Search(rest) if rest else Help("`/incident search` needs something to look for")
    if word == "digest":
        action, _, args = rest.partition(" ")
        if action.lower() in _DIGEST_ACTIONS:
            return Digest(action.lower(), tuple(args.split()))
        return Help("`/incident digest` takes subscribe, unsubscribe, status or now")
    return Help(f"I don't know the command `{head[:40]}`")
