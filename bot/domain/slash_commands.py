"""Parsing the text of ``/incident …`` into a typed command. Pure; the handlers call it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.render.slack import echo

DEFAULT_LIST = 10
MAX_LIST = 50

# mrkdwn: the angle brackets of the placeholders are escaped like any other text.
HELP_TEXT = """*incident-bot* — evidence-backed summaries of security-incident news
• `/incident summary &lt;pasted article or link&gt;` — summarize it and post the card here
• `/incident list [N]` — the latest N incidents (default 10, at most 50), only you see them
• `/incident show ID` — one incident's card, only you see it
• `/incident search QUERY` — find incidents by victim, attacker, CVE, type or words
• `/incident digest subscribe [daily|weekly] [HH:MM] [Area/City]` — a digest in this channel
• `/incident digest unsubscribe` · `/incident digest status` · `/incident digest now` (preview)
• `/incident feed add URL [type…] [alert:high] [every:30]` · `feed list` · `feed remove ID` — follow a news feed here
• `/incident watch add "Okta" "Citrix NetScaler" CVE-2024-3400` · `watch list` · `watch remove NAME…|all` — alerts
• `/incident export ID [stix|misp|csv|json]` — the incident as a file in its thread here (default STIX 2.1)
• `/incident unfurl on|off` — previews of incident news links posted where I am (this workspace)
• `/incident help` — this list
You can also mention me with a pasted article or links: `@incident-bot &lt;text or links&gt;`."""


@dataclass(frozen=True)
class Summary:
    text: str


@dataclass(frozen=True)
class ListIncidents:
    limit: int


@dataclass(frozen=True)
class Show:
    incident_id: int


@dataclass(frozen=True)
class Search:
    query: str


@dataclass(frozen=True)
class Digest:
    action: str  # subscribe | unsubscribe | status | now
    args: tuple[str, ...]


@dataclass(frozen=True)
class Export:
    incident_id: int
    fmt: str  # one of EXPORT_FORMATS


@dataclass(frozen=True)
class Feed:
    action: str  # add | list | remove
    args: tuple[str, ...]  # add: the address and its options; remove: the feed id


@dataclass(frozen=True)
class Watch:
    action: str  # add | list | remove
    text: str  # the terms as typed (quoted names keep their spaces)


@dataclass(frozen=True)
class Unfurl:
    on: bool | None  # None: say whether link previews are on


@dataclass(frozen=True)
class Help:
    problem: str | None = None  # why help is shown instead of what was asked (mrkdwn, user text escaped)


Command = Summary | ListIncidents | Show | Search | Digest | Export | Feed | Watch | Unfurl | Help

# The formats of bot/exports (the grammar stays pure: it names them, the exporter writes them).
EXPORT_FORMATS = ("stix", "misp", "csv", "json")

_DIGEST_ACTIONS = ("subscribe", "unsubscribe", "status", "now")
# ASCII digits only: str.isdigit() also accepts "²" and "٣", which int() then refuses. Forty digits
# is far past any id (the store answers "no such incident" beyond 2**63 - 1) and keeps int() cheap.
_NUMBER = re.compile(r"[0-9]{1,40}")


def parse_number(text: str) -> int | None:
    """A whole number written in ASCII digits, else None."""
    return int(text) if _NUMBER.fullmatch(text) else None


def parse_incident_id(text: str) -> int | None:
    """An incident id as a card shows it ("42" or "#42"), else None. Whether such an incident
    exists (or could: ids beyond the database's range exist nowhere) is for the store to say."""
    return parse_number(text.removeprefix("#"))


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
        count = parse_number(rest)
        if count is not None and count > 0:
            return ListIncidents(min(count, MAX_LIST))
        return Help(f"`/incident list` takes a number from 1 to {MAX_LIST}, not {echo(rest)}")
    if word == "show":
        incident_id = parse_incident_id(rest)
        if incident_id is not None:
            return Show(incident_id)
        if not rest:
            return Help("`/incident show` takes one incident ID, as shown on its card")
        return Help(f"`/incident show` takes one incident ID (a number, as shown on its card), not {echo(rest)}")
    if word in ("search", "find"):
        return Search(rest) if rest else Help("`/incident search` needs something to look for")
    if word == "digest":
        action, _, args = rest.partition(" ")
        if action.lower() in _DIGEST_ACTIONS:
            return Digest(action.lower(), tuple(args.split()))
        return Help("`/incident digest` takes subscribe, unsubscribe, status or now")
    if word == "export":
        target, _, fmt = rest.partition(" ")
        incident_id = parse_incident_id(target)
        fmt = fmt.strip().lower() or "stix"
        if incident_id is None:
            return Help("`/incident export` takes an incident ID (as shown on its card) and a format")
        if fmt not in EXPORT_FORMATS:
            return Help(f"`/incident export` writes {', '.join(EXPORT_FORMATS)}, not {echo(fmt)}")
        return Export(incident_id, fmt)
    if word in ("feed", "feeds", "watch", "watchlist"):
        noun = "feed" if word.startswith("feed") else "watch"
        action, _, args = rest.partition(" ")
        action = {"": "list", "rm": "remove"}.get(action.lower(), action.lower())
        if action not in ("add", "list", "remove"):
            return Help(f"`/incident {noun}` takes add, list or remove")
        if noun == "watch":
            if action != "list" and not args.strip():
                return Help(f'`/incident watch {action}` needs names: `/incident watch {action} "Okta" CVE-2024-3400`')
            return Watch(action, args.strip())
        words = tuple(args.split())
        if action == "add" and not words:
            return Help("`/incident feed add` needs the feed's address: `/incident feed add https://…/feed.xml`")
        if action == "remove" and (len(words) != 1 or parse_incident_id(words[0]) is None):
            return Help("`/incident feed remove` takes one feed ID, as `/incident feed list` shows it")
        return Feed(action, words)
    if word == "unfurl":
        setting = rest.lower()
        if setting in ("on", "off", ""):
            return Unfurl(None if not setting else setting == "on")
        return Help(f"`/incident unfurl` takes on or off, not {echo(rest)}")
    return Help(f"I don't know the command {echo(head)}")
