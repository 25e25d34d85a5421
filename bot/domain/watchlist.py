"""Watchlists: which names a channel watches, and whether an incident names one of them. Pure.

A term matches a name on the card when the term's words appear, in order and whole, in the
name's words, compared the way victims are de-duplicated (``same_incident.normalize_name``: case,
accents and punctuation ignored, suffixes such as Inc., Ltd or GmbH dropped) and with possessives
removed. So "Okta" matches "Okta, Inc." and "Okta's", and "Citrix NetScaler" matches "Citrix
NetScaler ADC", while "Okta" does not match "Oktapus" and "NetScaler Citrix" does not match either.
A CVE id matches only the same id.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.same_incident import normalize_name
from bot.extraction.schema import IncidentSummary, Mention

MAX_TERMS = 200  # per channel: a watchlist, not a dictionary
MAX_TERM_CHARS = 100
_CVE = re.compile(r"CVE-\d{4}-\d{4,7}", re.IGNORECASE)
_POSSESSIVE = re.compile("['\u2019]s\\b", re.IGNORECASE)
# Slack turns typed quotes into curly ones; shlex knows only the straight kinds.
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'"})
# The fields a watched name can appear in, in the order an alert names them.
FIELDS = ("victim", "vendor", "product", "cve", "attacker", "tool")


class WatchlistError(ValueError):
    """What a person typed cannot be a watchlist term; the message says why."""


def normalize_term(term: str) -> str:
    """The comparable form of a term or name: "CVE-2024-3400" for CVE ids, else its words."""
    term = term.strip()
    if _CVE.fullmatch(term):
        return term.upper()
    return normalize_name(_POSSESSIVE.sub("", term))


def parse_terms(text: str) -> list[str]:
    """The terms of ``watch add``/``watch remove``: words, or "quoted names with spaces"."""
    try:
        words = shlex.split(text.translate(_QUOTES))
    except ValueError as exc:
        raise WatchlistError("a quote is not closed; put each name with spaces in quotes") from exc
    terms = [" ".join(w.split()) for w in words if w.strip()]
    for term in terms:
        if len(term) > MAX_TERM_CHARS:
            raise WatchlistError(f"a term may have at most {MAX_TERM_CHARS} characters")
        if not normalize_term(term):
            raise WatchlistError(f"{term!r} has no letters or digits to look for")
    return list(dict.fromkeys(terms))


@dataclass(frozen=True)
class Hit:
    """A watched term found on a card: which term, in which field, as which name."""

    term: str
    field: str  # one of FIELDS
    name: str  # the name as the card gives it


def _names(summary: IncidentSummary) -> Iterable[tuple[str, Mention]]:
    for m in summary.victims:
        yield "victim", m
    vuln = summary.vulnerability
    if vuln is not None and vuln.vendor is not None:
        yield "vendor", vuln.vendor
    for m in summary.affected_products:
        yield "product", m
    if vuln is not None:
        for m in vuln.products:
            yield "product", m
    for m in summary.cves:
        yield "cve", m
    for m in summary.attackers:
        yield "attacker", m
    for m in summary.tools:
        yield "tool", m


def _words_in(term: list[str], name: list[str]) -> bool:
    n = len(term)
    return any(name[i : i + n] == term for i in range(len(name) - n + 1))


def _name_of(mention: Mention) -> str:
    return mention.value if isinstance(mention.value, str) and mention.value else mention.text


def matches(summary: IncidentSummary, terms: Iterable[str]) -> list[Hit]:
    """Every watched term the card names, each once (its first field in FIELDS order)."""
    wanted = {t: normalize_term(t) for t in terms}
    names = [(field, _name_of(m)) for field, m in _names(summary)]
    compared = [(field, name, normalize_term(name).split()) for field, name in names]
    hits: list[Hit] = []
    for term, norm in wanted.items():
        if not norm:
            continue
        is_cve = bool(_CVE.fullmatch(norm))
        for field, name, words in compared:
            found = (field == "cve" and name.upper() == norm) if is_cve else _words_in(norm.split(), words)
            if found:
                hits.append(Hit(term, field, name))
                break
    return hits
