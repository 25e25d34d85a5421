"""Dates: calendar and relative expressions, normalized to ISO against the published date.

Candidates come from a handful of linear regexes run once over the folded body text (calendar
dates, month names, years after a preposition, weekdays, "yesterday", "last week", "N days ago").
Each is normalized to an ISO string as precise as the text allows ("2018-03-01", "2018-03", "2018";
ISO weeks "2018-W09" for "last week"), resolving relative expressions against
``ctx.reference_date`` (the published date, else when the text was posted to Slack).
Only dates about the incident are kept: the sentence must carry an event cue (breach, attack,
discovered, disclosed, patched, ...) and the date must not be a publication-style aside, a
product's version ("Exchange 2016 and 2019", "the October 2018 Update") or a deadline ("patch by
Friday", "will disclose it by March 30").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from bot.extraction.mentions import MAX_FIELD_MENTIONS, Context, dedupe, mention
from bot.extraction.schema import Mention
from bot.extraction.text import Doc, Sentence

# ----------------------------------------------------------------------------- lexicon
# Written from general knowledge of English date expressions.
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}

_MON_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_MON_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_MON = rf"(?:{_MON_FULL}|{_MON_ABBR})"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19[89]\d|20[0-4]\d)"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART = r"(?:early|mid|late|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of)"

# Calendar expressions with a month name. "May" alone is the modal verb far more often than the
# month, so a bare "May" needs a day/year or a preposition in front (checked in code).
_CAL = re.compile(
    rf"(?<![\w-])(?:(?P<part>{_PART})[- ]+)?(?:(?P<wd>{_WD}),?\s+(?:\(\s*)?)?(?:"
    rf"(?P<m1>{_MON})\s+(?P<d1>{_DAY})(?![\d:])(?:,?\s+(?P<y1>{_YEAR}))?"
    rf"|(?:the\s+)?(?P<d2>{_DAY})\s+(?:of\s+)?(?P<m2>{_MON})(?:,?\s+(?P<y2>{_YEAR}))?"
    rf"|(?P<m3>{_MON_FULL}|{_MON_ABBR}(?=\s+{_YEAR}))(?:,?\s+(?:of\s+)?(?P<y3>{_YEAR}))?"
    rf")(?![\w])"
)
# Numeric dates: ISO 2018-03-01, US 3/1/2018.
_NUMERIC = re.compile(
    rf"(?<![\w/.-])(?:(?P<iy>{_YEAR})-(?P<im>0[1-9]|1[0-2])-(?P<id>0[1-9]|[12]\d|3[01])"
    rf"|(?P<um>0?[1-9]|1[0-2])/(?P<ud>0?[1-9]|[12]\d|3[01])/(?P<uy>{_YEAR}))(?![\w/-])"
)
# A bare year counts as a date only after a preposition or a part-of-period word, or before an
# event noun ("the 2014 breach"); otherwise years are mostly about versions, reports, forecasts.
_YEAR_ALONE = re.compile(
    rf"(?<![\w$.-])(?:(?P<pre>in|since|from|during|until|till|through|throughout|by|of|between|"
    rf"and|to|early|mid|late|in\s+early|in\s+late|in\s+mid)[- ]+)(?P<y>{_YEAR})(?![\w%-]|\.\d)"
    rf"|(?<![\w$.-])(?P<y2>{_YEAR})\s+(?=(?:data\s+)?(?:breach|hack|attack|incident|intrusion|leak|"
    rf"compromise|theft|cyberattack|cyber-attack)s?\b)",
    re.IGNORECASE,
)
# Relative expressions.
_REL = re.compile(
    rf"(?<![\w-])(?:"
    rf"(?P<yest>yesterday|today|tonight)"
    rf"|(?P<lt>last|this|earlier\s+this|past|previous|next)\s+(?P<unit>week|month|year|weekend|spring|summer|"
    rf"fall|autumn|winter|{_WD}|(?-i:{_MON_FULL}))"
    rf"|(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+few|"
    rf"several)\s+(?P<agounit>days?|weeks?|months?|years?)\s+ago"
    rf"|(?:(?P<on>on|since|by|until|from|last|this|late|early)\s+)?(?P<wd>{_WD})"
    rf"(?:\s+(?P<tod>morning|afternoon|evening|night))?"
    rf")(?![\w])",
    re.IGNORECASE,
)

# Sentences that talk about the incident itself. Written from general knowledge of how security
# news reports an incident (happened / discovered / disclosed / fixed), then split by how often a
# date next to each cue was an annotated incident time on the CASIE dev split: "strong" cues were
# right 55-88% of the time, "weak" ones 45-55%; cues below 45% ("malware", "investigating",
# "announced", "targeted", "began", "confirmed") were dropped as too generic.
_STRONG_CUES = re.compile(
    r"breach|stole|steal|theft|leak|expos|compromis|disclos|reveal|notif|notic|patch|fix|flaw|"
    r"vulnerab|bug|exploit|releas|updat|ransom|demand|paid|phish|scam|access|occur|warn|discover|"
    r"lock|encrypt|learn"
)
_WEAK_CUES = re.compile(r"attack|hack|report|found|affect|impact|infect|intru|pay")
# Without a strong cue, this many different weak cues are needed (swept 1/2/3 on the dev split:
# times F1 .660/.685/.692).
_MIN_WEAK = 3
# Dates of things that are not the incident: copyright lines, bylines, forecasts, founding dates.
_NOT_EVENT = re.compile(
    r"copyright|\(c\)|all rights reserved|founded|established|born|predict|forecast|by the end of|"
    r"expected to|will\s+(?:be|reach|have)|deadline|conference|summit|webinar|subscribe|"
    r"updated\s*:|posted\s*:|published\s*:"
)
# The cue lexicons are lower-case and matched against an ASCII-lowered sentence (same length),
# which is several times faster than re.IGNORECASE on long alternations.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _event_sentence(sent: Sentence) -> bool:
    """Does the sentence talk about the incident (and not about a byline, forecast, founding)?"""
    low = sent.norm.translate(_ASCII_LOWER)
    if _NOT_EVENT.search(low):
        return False
    if _STRONG_CUES.search(low):
        return True
    return len({m.group(0)[:4] for m in _WEAK_CUES.finditer(low)}) >= _MIN_WEAK


@dataclass(frozen=True)
class _Cand:
    start: int
    end: int
    value: str | None
    kind: str  # "cal" (month/day/year), "year", "rel" (relative)


def _month(name: str) -> int:
    return _MONTHS[name[:3].lower()]


def _infer_year(month: int, day: int | None, published: dt.date | None) -> int | None:
    """The year of a month(/day) given without one: the latest not after the published date."""
    if published is None:
        return None
    if (month, day or 1) <= (published.month, published.day):
        return published.year
    return published.year - 1


def _iso(year: int | None, month: int | None = None, day: int | None = None) -> str | None:
    if year is None:
        return None
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return f"{year:04d}-{month:02d}"


def _iso_week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


# A release named by its date ("the October 2018 Update", "2019 Edition"): a version, not when
# anything happened.
_RELEASE_AFTER = re.compile(
    r"\s+(?:(?:Feature|Creators|Anniversary|Security|Cumulative)\s+)?(?:Update|Edition|Release|Build)\b"
)
# A year after a product name ("Windows Server 2019", "Office 2016"), possibly followed by more of
# its versions ("Exchange 2016 and 2019", "SQL Server 2012 through 2016"); the product word is
# capitalized and is not a month, weekday or sentence-initial function word.
_VERSION_BEFORE = re.compile(
    rf"(?<![\w.-])(?!(?:{_MON}|{_WD}|In|By|Since|From|During|Until|Till|Through|Throughout|Between|After|Before|Of|And|To|Or|The|Early|Mid|Late"
    r"|Spring|Summer|Fall|Autumn|Winter|Q[1-4]|FY|H[12])\b)"
    rf"[A-Z][\w.+-]*\s+{_YEAR}(?:(?:,\s*|\s+(?:and|or|to|through|,)\s+){_YEAR})*(?:,\s*|\s+(?:and|or|to|through)\s+)$"
)


def _calendar(doc: Doc, published: dt.date | None) -> Iterator[_Cand]:
    norm = doc.norm
    for m in _CAL.finditer(norm):
        if _RELEASE_AFTER.match(norm, m.end()):
            continue
        mon = m.group("m1") or m.group("m2") or m.group("m3")
        day_s = m.group("d1") or m.group("d2")
        year_s = m.group("y1") or m.group("y2") or m.group("y3")
        if mon == "May" and not day_s and not year_s:
            before = norm[max(0, m.start() - 12) : m.start()].lower()
            if not re.search(r"\b(?:in|since|of|until|by|early|mid|late|last|this|through)[ -]+$", before):
                continue
        month = _month(mon)
        day = int(re.sub(r"\D", "", day_s)) if day_s else None
        year = int(year_s) if year_s else _infer_year(month, day, published)
        yield _Cand(m.start(), m.end(), _iso(year, month, day), "cal")
    for m in _NUMERIC.finditer(norm):
        if m.group("iy"):
            y, mo, d = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
        else:
            y, mo, d = int(m.group("uy")), int(m.group("um")), int(m.group("ud"))
        yield _Cand(m.start(), m.end(), _iso(y, mo, d), "cal")


_JOINERS = frozenset({"and", "or", "to", "through"})


def _more_versions(norm: str, m: re.Match[str]) -> bool:
    """Is a year after "and"/"to" the next version of a product ("Exchange 2016 and 2019")? (Only
    those years are looked at, in a bounded window: the check stays constant per year.)"""
    if not m.group("y") or m.group("pre").lower() not in _JOINERS:
        return False
    return bool(_VERSION_BEFORE.search(norm, max(0, m.start() - 60), m.start("y")))


def _years(doc: Doc) -> Iterator[_Cand]:
    norm = doc.norm
    for m in _YEAR_ALONE.finditer(norm):
        if _RELEASE_AFTER.match(norm, m.end()) or _more_versions(norm, m):
            continue
        if m.group("y"):
            pre = m.group("pre").lower()
            # keep part-of-period words in the span ("early 2016"); drop plain prepositions
            part = re.search(r"(?:early|mid|late)[- ]+$", pre + " ")
            start = m.start("y") - (len(pre) + 1 - part.start()) if part else m.start("y")
            yield _Cand(start, m.end("y"), m.group("y"), "year")
        else:
            yield _Cand(m.start("y2"), m.end("y2"), m.group("y2"), "year")


_NUMWORD = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip


def _relative_value(m: re.Match[str], published: dt.date | None) -> str | None:
    if published is None:
        return None
    p = published
    if m.group("yest"):
        w = m.group("yest").lower()
        return (p - dt.timedelta(days=1)).isoformat() if w == "yesterday" else p.isoformat()
    if m.group("lt"):
        lt = m.group("lt").lower().split()[-1]
        unit = m.group("unit").lower()
        back = lt in ("last", "past", "previous")
        if lt == "next":
            return None
        if unit in ("week", "weekend"):
            return _iso_week(p - dt.timedelta(days=7) if back else p)
        if unit == "month":
            q = p - relativedelta(months=1) if back else p
            return _iso(q.year, q.month)
        if unit == "year":
            return _iso(p.year - 1 if back else p.year)
        if unit[:3] in _WEEKDAYS:
            delta = (p.weekday() - _WEEKDAYS[unit[:3]]) % 7 or 7
            return (p - dt.timedelta(days=delta)).isoformat()
        if unit[:3] in _MONTHS:
            month = _month(unit)
            if back:
                return _iso(p.year if month < p.month else p.year - 1, month)
            return _iso(p.year, month)
        return _iso(p.year - 1 if back else p.year)  # seasons
    if m.group("agounit"):
        n_s = m.group("n").lower()
        if n_s.isdigit():
            n = int(n_s)
        elif n_s in _NUMWORD:
            n = _NUMWORD[n_s]
        else:
            return None  # "a few", "several"
        unit = m.group("agounit").lower().rstrip("s")
        if unit == "day":
            return (p - dt.timedelta(days=n)).isoformat()
        if unit == "week":
            return _iso_week(p - dt.timedelta(weeks=n))
        if unit == "month":
            q = p - relativedelta(months=n)
            return _iso(q.year, q.month)
        return _iso(p.year - n)
    if m.group("wd"):
        wd = _WEEKDAYS[m.group("wd")[:3].lower()]
        on = (m.group("on") or "").lower()
        delta = (p.weekday() - wd) % 7
        if on == "last" and delta == 0:
            delta = 7
        return (p - dt.timedelta(days=delta)).isoformat()
    return None


def _relative(doc: Doc, published: dt.date | None) -> Iterator[_Cand]:
    for m in _REL.finditer(doc.norm):
        yield _Cand(m.start(), m.end(), _relative_value(m, published), "rel")


_RANGE_JOIN = re.compile(r"\s*(?:-|to|through|until|till|and)\s+|-")


def _candidates(doc: Doc, published: dt.date | None) -> list[_Cand]:
    """All date expressions, longest first where they overlap ("last Monday, August 13" wins)."""
    cands = [*_calendar(doc, published), *_years(doc), *_relative(doc, published)]
    cands.sort(key=lambda c: (c.start, -(c.end - c.start)))
    out: list[_Cand] = []
    last_end = -1
    for c in cands:
        if c.start < last_end:
            continue
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind != "rel"
            and c.kind != "rel"
            and _RANGE_JOIN.fullmatch(doc.norm, prev.end, c.start)
        ):
            # "from 2016 to mid-2017", "between April 18, 2016 and March 29, 2017": one period,
            # valued as an ISO 8601 interval.
            value = f"{prev.value}/{c.value}" if prev.value and c.value else prev.value or c.value
            out[-1] = _Cand(prev.start, c.end, value, "cal")
        else:
            out.append(c)
        last_end = c.end
    return out


# Relative expressions that are rarely the incident's date on their own: "today" is mostly the
# reporting day, "next ..." is the future, and a bare weekday ("on Monday") is as often when a
# statement was made as when the incident happened. On the CASIE dev split each of these matched an
# annotated time less often than the other candidates (25%, 20%, 39% vs ~50%), so they are dropped.
_WEAK_RELATIVE = re.compile(rf"(?:today|tonight|next\s.*|(?:on\s+|this\s+|late\s+|early\s+)?{_WD}.*)$", re.I)


# A deadline, not an incident date: "patch by Friday", "no later than March 30", "the deadline of
# 15 March", "has until June 1". A date after "by"/"before" counts as a deadline only when the
# sentence speaks of what must or will be done ("will notify customers by March 30"): "had
# stolen the data by March" is the past.
_DEADLINE_LEFT = re.compile(
    r"(?:no\s+later\s+than|deadline(?:\s+(?:of|is|was))?|due(?:\s+(?:on|by))?|(?:has|have|had)\s+until)\s+$"
)
_BY_LEFT = re.compile(r"\b(?:by|before|until)\s+$")
_FUTURE = re.compile(
    r"\b(?:will|must|should|shall|need\s+to|needs\s+to|has\s+to|have\s+to|required\s+to|ordered\s+to|asked\s+to|urged|plans?\s+to|expected\s+to|going\s+to)\b"
)
_LEFT_WINDOW = 40
# How far back in its sentence a will/must is looked for: about a clause ("the firm said it will
# notify customers by ..."). Bounded, so that a long sentence with many dates stays linear.
_FUTURE_WINDOW = 120


def _deadline(c: _Cand, sent: Sentence, low: str) -> bool:
    """Is the date a deadline or a future plan rather than when something happened? (``low`` is
    the lower-cased body, offsets as in the doc.)"""
    left = low[max(sent.start, c.start - _LEFT_WINDOW) : c.start]
    if c.kind == "rel" and low.startswith("by ", c.start):
        return True  # "patch by Friday": a weekday after "by" is when something is due
    if _DEADLINE_LEFT.search(left):
        return True
    return bool(_BY_LEFT.search(left)) and bool(_FUTURE.search(low, max(sent.start, c.start - _FUTURE_WINDOW), c.start))


def _keep(c: _Cand, sent: Sentence, low: str, cache: dict[int, bool]) -> bool:
    if c.kind == "rel" and _WEAK_RELATIVE.match(sent.norm[c.start - sent.start : c.end - sent.start]):
        return False
    if _deadline(c, sent, low):
        return False
    if sent.index not in cache:
        cache[sent.index] = _event_sentence(sent)
    return cache[sent.index]


def extract_dates(ctx: Context) -> list[Mention]:
    doc = ctx.doc
    if not doc.sentences:
        return []
    found: list[Mention] = []
    cache: dict[int, bool] = {}
    for c in _candidates(doc, ctx.reference_date):
        sent = doc.sentence_at("text", c.start)
        if sent is None or not _keep(c, sent, doc.lower, cache):
            continue
        found.append(mention(doc, sent, c.start, c.end, c.value))
    return dedupe(found, limit=MAX_FIELD_MENTIONS)
