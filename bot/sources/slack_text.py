"""Slack message text -> plain text and links, before anything is fetched or extracted.

Slack sends message text with its own markup: ``<@U123>`` user mentions, ``<#C123|name>``
channels, ``<!here>`` specials, ``<https://…|label>`` links, and ``&amp; &lt; &gt;`` escapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.sources.urls import slack_links, unwrap_slack_link

_MARKUP = re.compile(r"<([^<>\n]{1,2000})>")
# Bare links, as slash commands deliver them when Slack does not wrap them.
_BARE_URL = re.compile(r"(?<![<|\w])https?://[^\s<>|\"']+", re.IGNORECASE)
# A message with fewer words than this besides its links is a request to read the links, not a
# pasted article (a pasted news story runs to hundreds of words; a note around links to a dozen).
PASTED_ARTICLE_MIN_WORDS = 40


def _replace(m: re.Match[str]) -> str:
    inner = m.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@"):  # user mention: keep the display name if Slack sent one
        return f"@{label}" if label else ""
    if target.startswith("#"):
        return f"#{label}" if label else "#channel"
    if target.startswith("!"):  # <!here>, <!channel>, <!subteam^ID|@team>, <!date^…|fallback>
        if label:
            return label
        return "@" + target[1:].split("^", 1)[0]
    return label or unwrap_slack_link(f"<{inner}>")


def unescape(text: str) -> str:
    """Slack's three escapes back to characters (only these three are escaped by Slack)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def to_plain(text: str) -> str:
    """Message text as a reader sees it: markup resolved to its label, escapes undone."""
    return unescape(_MARKUP.sub(_replace, text))


def strip_leading_mentions(text: str) -> str:
    """Drop the ``<@BOT>`` a mention starts with (and any further leading user mentions)."""
    return re.sub(r"^(?:\s*<@[A-Z0-9]+(?:\|[^>]*)?>)+", "", text).strip()


@dataclass(frozen=True)
class Submission:
    """What a message asks the bot to read: links, or a pasted article, or nothing."""

    links: list[str]
    pasted_text: str | None


def parse_submission(raw: str) -> Submission:
    """Links when the message is (mostly) links; otherwise the whole text as a pasted article."""
    body = strip_leading_mentions(raw)
    links = slack_links(body)
    seen = set(links)
    for m in _BARE_URL.finditer(unescape(_MARKUP.sub(" ", body))):
        url = m.group(0).rstrip(".,;:!?)")
        if url not in seen:
            seen.add(url)
            links.append(url)
    without_links = _BARE_URL.sub(" ", to_plain(_MARKUP.sub(" ", body)))
    words = len(without_links.split())
    if words >= PASTED_ARTICLE_MIN_WORDS or (not links and words):
        return Submission(links=[], pasted_text=to_plain(body).strip())
    return Submission(links=links, pasted_text=None)
