"""Indicators that point at nothing malicious, dropped from the card and the exports.

An article names many hosts that are not indicators: the publisher's own site, the victim's own
domain, the security vendors whose write-ups it cites, the world's most visited sites, private
and reserved addresses, public DNS resolvers, the hash of an empty file. MISP's warning lists
(the `pymispwarninglists` package ships them; read from the package, never fetched) hold most of
these; the few lists used are the ones a threat-intelligence platform itself warns with for
these kinds, minus those too large to load quickly (the 60,000-range public-resolver list takes
eight seconds: the best-known resolvers are named below instead). The publisher's site counts
with its subdomains and siblings: everything under the name it registered.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

from bot.extraction.schema import Indicator, Mention

# Warning lists by the indicator kinds they apply to (their own "matching_attributes"); and
# ``second-level-tlds`` (the Public Suffix List) to tell a site's registered name.
_HOST_LISTS = (
    "tranco10k",  # the 10,000 most visited sites
    "alexa",
    "google",
    "microsoft",
    "security-provider-blogpost",  # vendors' research blogs that articles cite
    "rfc6761",  # special-use names: example.com, localhost, .test
)
# Addresses: Python's own classification (private, reserved, loopback, multicast, link-local,
# unspecified) covers MISP's lists for them (rfc1918, rfc5735, rfc3849, multicast, ipv6-linklocal).
_HASH_LISTS = ("empty-hashes", "common-ioc-false-positive", "ti-falsepositives")
# The public resolvers articles name (from the operators' own documentation).
_RESOLVERS = frozenset(
    {"8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9", "149.112.112.112", "208.67.222.222", "208.67.220.220"}
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class _WarningList:
    """One MISP warning list: its entries, matched the way MISP matches its types (a hostname
    entry covers its subdomains, a string entry itself)."""

    kind: str
    entries: frozenset[str]

    def __contains__(self, value: str) -> bool:
        value = value.lower()
        if self.kind == "hostname":
            labels = value.split(".")
            return any(".".join(labels[i:]) in self.entries for i in range(len(labels) - 1))
        return value in self.entries


@cache
def _list(name: str) -> _WarningList:
    # The lists are read straight from the package's data folder. Importing the package itself
    # would import jsonschema when it is installed (to validate lists this module only reads),
    # which takes seconds: the matching above is all that is needed of it.
    spec = importlib.util.find_spec("pymispwarninglists")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pymispwarninglists is not installed")
    path = Path(spec.submodule_search_locations[0]) / "data" / "misp-warninglists" / "lists" / name / "list.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return _WarningList(str(data["type"]), frozenset(str(e).lower().strip(".") for e in data["list"]))


def _in_lists(value: str, names: Iterable[str]) -> bool:
    return any(value in _list(name) for name in names)


def refang(value: str) -> str:
    """The live form of a defanged indicator ("evil[.]com" → "evil.com"), for matching and for
    the formats that carry live values (STIX patterns, MISP attributes)."""
    import ioc_fanger

    return cast(str, ioc_fanger.fang(value))


def host_of(indicator: Indicator) -> str | None:
    live = refang(indicator.value)
    if indicator.kind == "domain":
        return live.lower()
    if indicator.kind == "url":
        return (urlsplit(live).hostname or "").lower() or None
    if indicator.kind == "email":
        return live.rpartition("@")[2].lower() or None
    return None


def registrable(host: str) -> str:
    """The name its owner registered ("news.example.co.uk" → "example.co.uk"), by the public
    suffixes of MISP's ``second-level-tlds`` list (the Public Suffix List)."""
    labels = host.lower().strip(".").split(".")
    suffixes = _list("second-level-tlds").entries
    for i in range(len(labels)):
        if ".".join(labels[i:]) in suffixes:
            return ".".join(labels[max(0, i - 1) :])
    return ".".join(labels[-2:])


def _same_site(host: str, site: str) -> bool:
    return registrable(host) == registrable(site)


def _first_label(host: str) -> str:
    return _NON_ALNUM.sub("", host.removeprefix("www.").split(".")[0])


def _is_victims_own(host: str, victims: Sequence[Mention]) -> bool:
    """The victim's own site: its first label spells the start of the victim's name, at least
    five letters of whole words ("Acme Bank" and "Acme Bank customers" → acmebank.com,
    acme-bank.co.uk; "Northbridge Regional Hospital" → northbridge.org). A lookalike
    ("acmebank-login.com") spells something else and stays an indicator."""
    label = _first_label(host)
    if len(label) < 5:
        return False
    for victim in victims:
        words = [w for w in _NON_ALNUM.split(victim.text.lower()) if w]
        starts = ("".join(words[:n]) for n in range(1, len(words) + 1))
        if label in starts:
            return True
    return False


def why_benign(indicator: Indicator, *, site: str | None, victims: Sequence[Mention]) -> str | None:
    """Why the indicator is not one (a short reason), or None when it stands."""
    kind = indicator.kind
    if kind in ("md5", "sha1", "sha256"):
        return "a well-known hash" if _in_lists(indicator.value, _HASH_LISTS) else None
    if kind in ("ipv4", "ipv6"):
        address = refang(indicator.value)
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError:
            return None
        if address in _RESOLVERS:
            return "a public DNS resolver"
        special = (
            parsed.is_private,
            parsed.is_reserved,
            parsed.is_loopback,
            parsed.is_multicast,
            parsed.is_link_local,
            parsed.is_unspecified,
        )
        if any(special):
            return "a private or reserved address"
        return None
    host = host_of(indicator)
    if not host:
        return None
    if site and _same_site(host, site):
        return "the publisher's own site"
    if _is_victims_own(host, victims):
        return "the victim's own site"
    if kind != "email" and _in_lists(host, _HOST_LISTS):
        # A sender at a webmail provider is still an indicator; a link to a top site is not.
        return "a well-known site"
    return None


def drop_benign(
    indicators: Sequence[Indicator], *, source_url: str | None, site: str | None, victims: Sequence[Mention]
) -> list[Indicator]:
    """The indicators that stand (the article's own site is its URL's host, else its site name;
    case and "www." do not matter: sites are compared by the name they registered)."""
    publisher = (urlsplit(source_url).hostname if source_url else None) or site or None
    return [i for i in indicators if why_benign(i, site=publisher, victims=victims) is None]
