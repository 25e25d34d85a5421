"""Slack Block Kit and mrkdwn rendering of incident summaries. Pure: payloads in, dicts out.

Everything that came from an article, a user or the extraction is escaped before it reaches
mrkdwn, so text like ``<!channel>`` or ``<http://evil|trusted>`` shows as typed and can neither
ping anyone nor disguise a link. Every Block Kit limit is respected by truncating with "…".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot.domain.digest_schedule import Digest
from bot.domain.watchlist import Hit
from bot.extraction.schema import IncidentSummary, Mention
from bot.render.facts import exploited_label, fact_rows, happened_on, related_line, with_value

# Block Kit limits (api.slack.com/reference/block-kit): a message holds 50 blocks; a section's
# text 3000 characters; a header 150; a section has at most 10 fields of 2000 characters; a
# context block 10 elements; a button value 2000 characters; the fallback `text` is truncated
# by Slack past 40000 characters.
MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_HEADER_CHARS = 150
MAX_FIELDS = 10
MAX_FIELD_CHARS = 2000
MAX_CONTEXT_ELEMENTS = 10
MAX_FALLBACK_CHARS = 3000
_ITEMS_PER_FIELD = 4

SHOW_EVIDENCE_ACTION = "show_evidence"
EDIT_ACTION = "edit_incident"
ACCURATE_ACTION = "feedback_accurate"
WRONG_ACTION = "feedback_wrong"
EXPORT_ACTION = "export_incident"
# The card's overflow menu: the incident as a file in its thread (value "ID:format").
EXPORT_CHOICES = (("stix", "Export as STIX 2.1"), ("misp", "Export as MISP event"), ("csv", "Export as CSV"))

SEVERITY_ICON = {
    "critical": ":red_circle:",
    "high": ":large_orange_circle:",
    "medium": ":large_yellow_circle:",
    "low": ":white_circle:",
    "unknown": ":black_circle:",
}


# Characters that change how text around them is displayed without being seen: bidi embeddings,
# overrides and isolates (U+202E can make "txt.exe" read "exe.txt"), zero-width spaces and joiners,
# the word joiner family, the BOM. Names and titles from articles have no use for them.
_INVISIBLE = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Slack may turn these words into notifications when text is not sent verbatim (and a client
# might); written with a full-width at sign they read the same and notify nobody.
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)


def escape(text: str) -> str:
    """Make article- or user-derived text inert in mrkdwn: the three control characters (&, <, >)
    escaped, invisible direction and zero-width characters removed, and @channel / @here /
    @everyone unable to notify anyone."""
    text = _INVISIBLE.sub("", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub("\uff20\\1", text)


def echo(text: str, limit: int = 40) -> str:
    """What a user typed, shown back inside a code span: escaped, on one line, cut at ``limit``
    characters, with any backtick (which would end the span) replaced."""
    shown = truncate(" ".join(text.split()), limit).replace("`", "'")
    return f"`{escape(shown)}`"


def link_host(url: str) -> str:
    """The host a link really goes to, as a label: a page may call itself any site name it likes,
    and a look-alike Unicode host is shown in its ASCII (punycode) form."""
    host = urlsplit(url).hostname or ""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return "link"


def truncate(text: str, limit: int) -> str:
    """At most ``limit`` characters, ending in "…" when cut (never inside an escape like &amp;)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "\u2026"


def _items(mentions: list[Mention]) -> str:
    shown = [escape(with_value(m)) for m in mentions[:_ITEMS_PER_FIELD]]
    more = len(mentions) - len(shown)
    return ", ".join(shown) + (f" … +{more}" if more > 0 else "")


def _mrkdwn(text: str, limit: int) -> dict[str, Any]:
    # verbatim: Slack then parses nothing beyond the markup written here (no automatic mentions
    # or links), so escaped text stays exactly as escaped.
    return {"type": "mrkdwn", "text": truncate(text, limit), "verbatim": True}


def _field(label: str, body: str) -> dict[str, Any]:
    return _mrkdwn(f"*{label}*\n{body}", MAX_FIELD_CHARS)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text, MAX_SECTION_CHARS)}


def _context(texts: list[str]) -> dict[str, Any]:
    return {"type": "context", "elements": [_mrkdwn(t, MAX_SECTION_CHARS) for t in texts[:MAX_CONTEXT_ELEMENTS]]}


@dataclass(frozen=True)
class CardContext:
    """What the card says besides the summary: who asked, and whether it was seen before."""

    incident_id: str | None = None  # shown on the card, e.g. "42"
    evidence_key: str | None = None  # the "Show evidence" button's value; no button without it
    requested_by: str | None = None  # a Slack user id
    already_reported: bool = False
    first_report_link: str | None = None  # permalink of the thread where it was first posted
    corrected_by: str | None = None  # the Slack user who last corrected the card


def no_incident_text(summary: IncidentSummary) -> str:
    return (
        f"No security incident found in *{escape(truncate(summary.title, 200))}* "
        f"(confidence {summary.confidence:.2f}): it does not read as a report of a hack, breach, scam, "
        "ransomware attack, vulnerability or patch."
    )


def card(summary: IncidentSummary, ctx: CardContext | None = None) -> tuple[list[dict[str, Any]], str]:
    """The incident card as (blocks, fallback text)."""
    ctx = ctx or CardContext()
    if not summary.is_incident:
        text = no_incident_text(summary)
        return [_section(text)], truncate(text, MAX_FALLBACK_CHARS)
    # plain_text cannot ping anyone, but it is escaped too so no text object ever carries raw markup
    title = truncate(escape(" ".join(summary.title.split())) or "Security incident", MAX_HEADER_CHARS)
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": title}}]
    level = summary.severity.level.value
    types = ", ".join(t.value.replace("_", " ") for t in summary.incident_types)
    meta = (
        f"{SEVERITY_ICON[level]} *{level.upper()}* — {escape(summary.severity.reason)}   "
        f"*Type:* {escape(types)}   *Status:* {summary.status.value}"
    )
    exploited = exploited_label(summary)
    if exploited:
        meta += f"   *{exploited.capitalize()}*"
    if ctx.already_reported:
        where = f" — <{ctx.first_report_link}|first report>" if ctx.first_report_link else ""
        meta = f":repeat: *Already reported*{where}\n" + meta
    blocks.append(_section(meta))
    fields = [_field(label, _items(ms)) for label, ms in fact_rows(summary) if ms]
    for i in range(0, len(fields), MAX_FIELDS):
        blocks.append({"type": "section", "fields": fields[i : i + MAX_FIELDS]})
    if summary.summary:
        blocks.append(_section(escape(summary.summary)))
    if summary.indicators:
        iocs = ", ".join(f"`{escape(i.value)}`" for i in summary.indicators[:10])
        blocks.append(_section(f"*Indicators* (defanged): {iocs}"))
    related = related_line(summary)
    if related:
        blocks.append(_context([escape(related)]))
    src = summary.source
    ctx_bits: list[str] = []
    if src.url:
        url = escape(src.url).replace("|", "%7C")  # a "|" would end the link target early
        ctx_bits.append(f"<{url}|{escape(truncate(link_host(src.url) or 'source', 80))}>")
    if src.published:
        ctx_bits.append(f"published {src.published.isoformat()}")
    if ctx.requested_by:
        ctx_bits.append(f"requested by <@{escape(ctx.requested_by)}>")
    if ctx.incident_id:
        ctx_bits.append(f"incident `#{escape(truncate(ctx.incident_id, 40))}`")
    if ctx.corrected_by:
        ctx_bits.append(f":pencil2: corrected by <@{escape(ctx.corrected_by)}>")
    if ctx_bits:
        blocks.append(_context(ctx_bits))
    buttons = []
    if ctx.evidence_key:
        buttons.append(_button(SHOW_EVIDENCE_ACTION, "Show evidence", ctx.evidence_key))
    if ctx.incident_id:
        # A person fixes what the extraction got wrong, or says it got it right (bot/domain/corrections.py).
        buttons.append(_button(EDIT_ACTION, "Edit", ctx.incident_id))
        buttons.append(_button(ACCURATE_ACTION, "Accurate", ctx.incident_id))
        buttons.append(_button(WRONG_ACTION, "Something's wrong", ctx.incident_id))
        buttons.append(
            {
                "type": "overflow",
                "action_id": EXPORT_ACTION,
                "options": [
                    {"text": {"type": "plain_text", "text": label}, "value": f"{ctx.incident_id}:{fmt}"[:150]}
                    for fmt, label in EXPORT_CHOICES
                ],
            }
        )
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    fallback = truncate(f"{level.upper()} {types}: {summary.title} — {summary.summary}", MAX_FALLBACK_CHARS)
    return blocks[:MAX_BLOCKS], escape(fallback)


def _button(action_id: str, label: str, value: str) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "value": value[:2000],
        "text": {"type": "plain_text", "text": label},
    }


def evidence_blocks(summary: IncidentSummary, corrected: IncidentSummary | None = None) -> list[dict[str, Any]]:
    """Each sentence the facts came from, once, in the article's order, with the facts it gives
    (the "Show evidence" view): one sentence often names the victim, the data and the count.
    ``corrected``: the incident as people corrected it; what they set is listed after the
    sentences, since no sentence gave it."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": truncate("Evidence", MAX_HEADER_CHARS)}}
    ]
    facts: dict[str, dict[str, list[str]]] = {}  # sentence -> label -> names, in card order
    first: dict[str, int] = {}  # sentence -> where its earliest fact starts
    by_person: dict[str, list[str]] = {}
    for label, mentions in fact_rows(summary):
        for m in mentions[:_ITEMS_PER_FIELD]:
            if m.evidence.source == "correction":  # no sentence: a person set it
                by_person.setdefault(label, []).append(m.text)
                continue
            sentence = " ".join(m.evidence.sentence.split())
            first[sentence] = min(first.get(sentence, m.evidence.start), m.evidence.start)
            named = facts.setdefault(sentence, {}).setdefault(label, [])
            if m.text not in named:
                named.append(m.text)
    for sentence in sorted(facts, key=first.__getitem__):
        blocks.append(_section(f"> _{escape(truncate(sentence, 900))}_\n{_gives(facts[sentence])}"))
        if len(blocks) >= MAX_BLOCKS - 1:
            break
    for label, mentions in fact_rows(corrected) if corrected is not None else []:
        for m in mentions[:_ITEMS_PER_FIELD]:
            if m.evidence.source == "correction" and m.text not in by_person.get(label, []):
                by_person.setdefault(label, []).append(m.text)
    if by_person:
        blocks.append(_section(f":pencil2: _Set by a person, not found in the article_\n{_gives(by_person)}"))
    if len(blocks) == 1:
        blocks.append(_section("No facts were extracted from this article."))
    return blocks[:MAX_BLOCKS]


def _gives(facts: dict[str, list[str]]) -> str:
    """ "*Victims:* A, B · *Data:* C" """
    return " · ".join(f"*{escape(label)}:* {escape(', '.join(names))}" for label, names in facts.items())


def already_reported_blocks(
    summary: IncidentSummary, *, incident_id: str, first_report_link: str | None, requested_by: str | None = None
) -> tuple[list[dict[str, Any]], str]:
    """One line for an article this conversation has seen reported already: no second card."""
    where = f" — <{first_report_link}|first report>" if first_report_link else ""
    who = f" (asked by <@{escape(requested_by)}>)" if requested_by else ""
    title = escape(truncate(" ".join(summary.title.split()), 150))
    text = f":repeat: *Already reported*: {title} · incident `#{escape(truncate(incident_id, 40))}`{where}{who}"
    return [_section(text)], truncate(f"Already reported: {escape(summary.title)}", MAX_FALLBACK_CHARS)


def problem_blocks(message: str) -> tuple[list[dict[str, Any]], str]:
    """A short note about something that went wrong and what to do about it."""
    text = escape(truncate(message, MAX_SECTION_CHARS - 20))
    return [_section(f":warning: {text}")], text


@dataclass(frozen=True)
class ListedIncident:
    """One row of a list: what the list needs to know, without the storage layer's types."""

    incident_id: int
    summary: IncidentSummary
    first_seen: dt.date  # first reported: the earliest publication (or submission) of its sources
    sources: int


def when_line(summary: IncidentSummary, first_seen: dt.date | None) -> str:
    """When it happened, as the article dates it, and when it was first reported; not when the
    bot happened to read it."""
    happened = happened_on(summary)
    parts = [f"happened {happened.isoformat()}"] if happened else []
    if first_seen is not None and first_seen != happened:
        parts.append(f"first seen {first_seen.isoformat()}")
    return " · ".join(parts)


def _line(item: ListedIncident) -> str:
    s = item.summary
    victim = f" — {escape(truncate(s.victims[0].text, 80))}" if s.victims else ""
    return (
        f"{SEVERITY_ICON[s.severity.level.value]} `#{item.incident_id}` *{escape(truncate(s.title, 150))}*{victim} · "
        f"{s.incident_type.value.replace('_', ' ')} · {s.severity.level.value} · {when_line(s, item.first_seen)}"
        + (f" · {item.sources} sources" if item.sources > 1 else "")
    )


def incident_list_blocks(items: list[ListedIncident], *, heading: str, empty: str) -> tuple[list[dict[str, Any]], str]:
    """A compact list of incidents (one line each), within Block Kit limits."""
    if not items:
        return [_section(escape(empty))], escape(empty)
    blocks: list[dict[str, Any]] = [_section(f"*{escape(heading)}*")]
    chunk: list[str] = []
    for item in items:
        line = _line(item)
        if sum(len(c) + 1 for c in chunk) + len(line) > MAX_SECTION_CHARS - 100:
            blocks.append(_section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
        if len(blocks) >= MAX_BLOCKS - 2:
            break
    if chunk:
        blocks.append(_section("\n".join(chunk)))
    return blocks[:MAX_BLOCKS], escape(f"{heading}: {len(items)} incidents")


@dataclass(frozen=True)
class SubscriptionLine:
    channel_id: str
    cadence: str
    local_time: str  # HH:MM
    timezone: str
    active: bool


@dataclass(frozen=True)
class FeedLine:
    """A followed feed as lists show it (storage.records.FeedRecord, without storage's types)."""

    id: int
    channel_id: str
    url: str
    title: str | None
    options: str  # bot.domain.feed_options.describe
    entries: int
    incidents: int
    failures: int
    paused: bool
    last_error: str | None


def counted(n: int, one: str, many: str | None = None) -> str:
    """ "1 incident", "4 incidents", "12 entries": a count with its noun."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def feed_line(feed: FeedLine, *, with_channel: bool = False) -> str:
    """ "`3` <url|Desk> · every 15 min · 12 entries read, 4 incidents", or why it is paused."""
    name = escape(truncate(feed.title or feed.url, 80))
    url = escape(feed.url).replace("|", "%7C")
    state = f"{counted(feed.entries, 'entry', 'entries')} read, {counted(feed.incidents, 'incident')}"
    if feed.paused:
        state = (
            f":double_vertical_bar: *paused* after {feed.failures} failed reads: "
            f"{escape(truncate(feed.last_error or '', 200))} — `/incident feed add` it again to resume"
        )
    elif feed.failures:
        state += f" · the last read failed ({feed.failures} in a row): {escape(truncate(feed.last_error or '', 200))}"
    where = f"<#{escape(feed.channel_id)}> " if with_channel else ""
    return f"{where}`{feed.id}` <{url}|{name}> · {escape(feed.options)} · {state}"


@dataclass(frozen=True)
class Judged:
    """How people judged the team's cards (storage.records.FeedbackStats, without storage's types)."""

    cards: int
    rated: int
    accurate: int
    corrected: int
    per_field: dict[str, int]


def judged_line(j: Judged) -> str:
    """ "Marked accurate: 12 of 20 (60%) rated · corrected: 3 of 40 (8%) — victims 5%, type 2%": per
    field, the share of cards on which people corrected it."""

    def share(n: int, of: int) -> str:
        return f"{n} of {of} ({n / of:.0%})" if of else "none yet"

    fields = ", ".join(
        f"{escape(k.replace('_', ' '))} {n / j.cards:.0%}" for k, n in list(j.per_field.items())[:6] if j.cards
    )
    return (
        f"*How accurate are the cards?* Marked accurate: {share(j.accurate, j.rated)} rated · "
        f"corrected: {share(j.corrected, j.cards)}" + (f" — {fields}" if fields else "")
    )


def home_view(
    items: list[ListedIncident],
    subscriptions: list[SubscriptionLine],
    judged: Judged | None = None,
    feeds: list[FeedLine] | None = None,
) -> dict[str, Any]:
    """The App Home tab: latest incidents, how people judged the cards, the digest subscriptions,
    the feeds public channels follow (a paused one says why)."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "incident-bot"}},
        _section("Mention me with an article or a link, or use `/incident help`."),
    ]
    listed, _ = incident_list_blocks(items, heading="Latest incidents", empty="No incidents stored yet.")
    blocks += listed[: MAX_BLOCKS - 7]
    if judged is not None and judged.cards:
        blocks.append(_context([judged_line(judged)]))
    blocks.append({"type": "divider"})
    if subscriptions:
        lines = [
            f"• <#{escape(s.channel_id)}> — {escape(s.cadence)} at {escape(s.local_time)} {escape(s.timezone)}"
            + ("" if s.active else " (paused: the channel is archived or I was removed)")
            for s in subscriptions[:40]
        ]
        blocks.append(_section("*Digest subscriptions*\n" + "\n".join(lines)))
    else:
        blocks.append(_section("*Digest subscriptions*\nNone yet: `/incident digest subscribe` in a channel."))
    if feeds:
        lines = [feed_line(f, with_channel=True) for f in feeds[:20]]
        more = f"\n… and {len(feeds) - 20} more" if len(feeds) > 20 else ""
        blocks.append(_section("*Feeds*\n" + "\n".join(lines) + more))
    return {"type": "home", "blocks": blocks[:MAX_BLOCKS]}


WATCH_ICON = ":bell:"


@dataclass(frozen=True)
class FoldedAlert:
    incident_id: int
    summary: IncidentSummary
    terms: tuple[str, ...]  # the watched names it gives (none for a feed's severity alert)


def folded_alerts_blocks(alerts: list[FoldedAlert], *, per_hour: int) -> tuple[list[dict[str, Any]], str]:
    """Alerts past the channel's hourly share of cards, as one message with a line each."""
    lines = []
    for a in alerts[:40]:
        s = a.summary
        why = ", ".join(escape(truncate(t, 60)) for t in a.terms[:5]) or f"{s.severity.level.value} severity"
        lines.append(
            f"{SEVERITY_ICON[s.severity.level.value]} `#{a.incident_id}` *{escape(truncate(s.title, 120))}* — {why}"
        )
    more = f"\n… and {len(alerts) - 40} more: `/incident show ID` for a card" if len(alerts) > 40 else ""
    head = (
        f"{WATCH_ICON} *{len(alerts)} more alert{'s' if len(alerts) != 1 else ''}* "
        f"(this channel had its {per_hour} alert cards for the hour; `/incident show ID` shows a card)"
    )
    blocks = [_section(head), _section(truncate("\n".join(lines) + more, MAX_SECTION_CHARS))]
    return blocks, escape(f"{len(alerts)} more alert{'s' if len(alerts) != 1 else ''}")


def alert_blocks(
    summary: IncidentSummary, *, incident_id: int, hits: list[Hit], again: bool = False
) -> tuple[list[dict[str, Any]], str]:
    """An alert card: why the channel is alerted (the watched names and where the card names
    them, or the feed's severity threshold), then the incident's card."""
    level = summary.severity.level.value
    if hits:
        named = ", ".join(f"*{escape(truncate(h.name, 80))}* ({h.field})" for h in hits[:8])
        why = f"{WATCH_ICON} *Watchlist alert* — names {named}"
    else:
        why = f"{WATCH_ICON} *Feed alert* — {level} severity"
    if again:
        why += f" · severity rose to *{level}*"
    body, text = card(summary, CardContext(incident_id=str(incident_id)))
    blocks = [_section(why), *body][:MAX_BLOCKS]
    kind = "Watchlist alert" if hits else "Feed alert"
    return blocks, truncate(f"{kind}: {text}", MAX_FALLBACK_CHARS)


_WATCH_LINES = 15


def _watch_section(digest: Digest) -> dict[str, Any]:
    """ "Your watchlist": the period's incidents that name a watched term, first."""
    lines = []
    for item in digest.items:
        terms = digest.watched.get(item.incident_id)
        if not terms:
            continue
        named = ", ".join(escape(truncate(t, 60)) for t in terms[:5])
        lines.append(f"{WATCH_ICON} `#{item.incident_id}` *{escape(truncate(item.summary.title, 120))}* — {named}")
    more = len(lines) - _WATCH_LINES
    text = "*Your watchlist*\n" + "\n".join(lines[:_WATCH_LINES]) + (f"\n… and {more} more" if more > 0 else "")
    return _section(truncate(text, MAX_SECTION_CHARS))


def digest_blocks(digest: Digest) -> tuple[list[dict[str, Any]], str]:
    """The digest message: counts and change first, then one line per incident, most severe first."""
    title = truncate(f"Incident digest — {digest.period}", MAX_HEADER_CHARS)
    if digest.total == 0:
        text = f"No new incidents since {digest.start:%Y-%m-%d %H:%M} UTC."
        return [{"type": "header", "text": {"type": "plain_text", "text": escape(title)}}, _section(text)], text
    change = ""
    if digest.previous_total is not None:
        delta = digest.total - digest.previous_total
        change = f" ({'+' if delta >= 0 else '-'}{abs(delta)} vs the previous digest)"
    types = ", ".join(f"{t.replace('_', ' ')} {n}" for t, n in digest.by_type.items())
    levels = ", ".join(f"{SEVERITY_ICON[lvl]} {lvl} {n}" for lvl, n in digest.by_severity.items())
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": escape(title)}},
        _section(
            f"*{digest.total} incident{'s' if digest.total != 1 else ''}*{change}\n*By type:* {types}\n"
            f"*By severity:* {levels}"
        ),
    ]
    if digest.watched:
        blocks.insert(1, _watch_section(digest))  # the digest opens with what the channel watches
    lines: list[str] = []
    for item in digest.items:
        s = item.summary
        victim = f" — {escape(truncate(s.victims[0].text, 80))}" if s.victims else ""
        thread = f" · <{escape(item.link)}|thread>" if item.link else ""
        when = when_line(s, item.first_seen)
        lines.append(
            f"{SEVERITY_ICON[s.severity.level.value]} *{escape(truncate(s.title, 150))}*{victim} · "
            f"{s.incident_type.value.replace('_', ' ')} · {s.severity.level.value}"
            f"{' · ' + when if when else ''} · `#{item.incident_id}`{thread}"
        )
    # Lines go into sections of up to ~3000 characters; one block is kept for "… and N more".
    sections_left = MAX_BLOCKS - len(blocks) - 1
    shown = 0
    chunk: list[str] = []
    for line in lines:
        if chunk and sum(len(c) + 1 for c in chunk) + len(line) > MAX_SECTION_CHARS - 50:
            blocks.append(_section("\n".join(chunk)))
            sections_left -= 1
            chunk = []
            if sections_left == 0:
                break
        chunk.append(line)
        shown += 1
    if chunk and sections_left > 0:
        blocks.append(_section("\n".join(chunk)))
    elif chunk:
        shown -= len(chunk)
    if shown < len(lines):
        blocks.append(_context([f"… and {len(lines) - shown} more: `/incident list {min(50, len(lines))}` shows them"]))
    fallback = f"{title}: {digest.total} incidents"
    return blocks[:MAX_BLOCKS], escape(fallback)
