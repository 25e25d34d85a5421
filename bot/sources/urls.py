"""URLs as people hand them to the bot: Slack link unwrapping, validation and canonicalization."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.sources.errors import NotAUrlError

ALLOWED_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}

# Slack wraps links as <https://…> or <https://…|label> and escapes &, < and > inside them.
_SLACK_LINK = re.compile(r"<((?:https?|ftp|file|gopher)://[^<>|\s]+)(?:\|[^<>]*)?>", re.IGNORECASE)

# Parameters that only say where a click came from; dropping them makes the same article one URL.
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "__hs", "_hs")
_TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "_ga",
        "_gl",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wickedid",
        "rb_clickid",
        "s_cid",
        "ref_src",
        "ref_url",
        "cmpid",
        "ncid",
        "sr_share",
        "spm",
    }
)


def unwrap_slack_link(text: str) -> str:
    """``<https://a.example/?x=1&amp;y=2|label>`` -> ``https://a.example/?x=1&y=2``; plain URLs pass through."""
    text = text.strip()
    m = _SLACK_LINK.fullmatch(text)
    if m:
        text = m.group(1)
    elif text.startswith("<") and text.endswith(">"):
        text = text[1:-1].split("|", 1)[0]
    return html.unescape(text).strip()


def slack_links(message: str) -> list[str]:
    """Every link in a Slack message's text, unwrapped, in order, without duplicates."""
    seen: dict[str, None] = {}
    for m in _SLACK_LINK.finditer(message):
        seen.setdefault(html.unescape(m.group(1)), None)
    return list(seen)


def check_url(url: str) -> str:
    """The URL if the bot may fetch it (http/https, a host, no credentials); else NotAUrlError."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a malformed or out-of-range port
    except ValueError as exc:
        raise NotAUrlError(f"{url[:200]}: not a valid URL ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = f"{scheme}:" if scheme else "no scheme"
        raise NotAUrlError(f"{url[:200]}: only http and https links can be read ({shown} refused)")
    if parts.username is not None or parts.password is not None:
        # Credentials in a link would be sent to whatever host it names; never forward them.
        raise NotAUrlError(f"{scheme}://{parts.hostname}…: links with a user name or password are refused")
    if not parts.hostname:
        raise NotAUrlError(f"{url[:200]}: the link has no host name")
    if port == 0:
        raise NotAUrlError(f"{url[:200]}: port 0 is not a valid port")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise NotAUrlError(f"{url[:200]!r}: the link contains spaces or control characters")
    return url


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in _TRACKING_NAMES or low.startswith(_TRACKING_PREFIXES)


def canonicalize(url: str) -> str:
    """One spelling per article for de-duplication: lowercase scheme and host, no default port,
    no fragment, no tracking parameters (utm_*, fbclid, gclid, …), ``/`` for an empty path."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:  # IPv6 literal: urlsplit drops the brackets
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query, doseq=True), ""))
