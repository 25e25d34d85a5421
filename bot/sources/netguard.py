"""Which addresses the bot may connect to, checked on the very address it connects to.

How the safety works: the bot never lets the HTTP library resolve host names. ``GuardedBackend``
is the httpcore network backend of every fetch; its ``connect_tcp`` receives the host of each
request (every redirect hop is a new request), parses IP literals itself (including the
decimal/octal/hex/short spellings ``inet_aton`` accepts, like ``2130706433`` and ``127.1``),
resolves names once with ``getaddrinfo``, refuses the host if *any* of its addresses is not public,
and then opens the socket to one of exactly those vetted addresses. Because the checked address is
the connected address, DNS rebinding (a name that resolves to a public address for the check and a
private one for the connection) has no second lookup to exploit. TLS still verifies the certificate
against the host name, since httpcore passes the original name as SNI / server_hostname.

The same backend enforces the total time budget of a fetch on every socket operation.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import httpcore

from bot.sources.errors import ALLOW_PRIVATE_ENV, BlockedAddressError, FetchConnectError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# host, port -> the addresses it resolves to (strings). Tests pass a fake; production uses DNS.
Resolver = Callable[[str, int], Sequence[str]]

_CGNAT = ipaddress.ip_network("100.64.0.0/10")  # shared address space (RFC 6598), carrier NAT
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # well-known NAT64 prefix: last 32 bits are IPv4
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
_IPV4_COMPAT = ipaddress.ip_network("::/96")  # deprecated IPv4-compatible IPv6 (::a.b.c.d)


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver returns for ``host`` (IPv4 and IPv6)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchConnectError(f"could not resolve the host name {host!r}") from exc
    return [str(info[4][0]).split("%", 1)[0] for info in infos]


def _inet_aton_part(part: str) -> int:
    low = part.lower()
    if low.startswith("0x"):
        return int(low[2:] or "0", 16)
    if len(low) > 1 and low.startswith("0"):
        return int(low, 8)
    if not low.isdigit():
        raise ValueError(part)
    return int(low)


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address a host string spells, in any form a C resolver would accept; None for a name.

    ``127.0.0.1``, ``127.1``, ``0x7f000001``, ``2130706433``, ``0177.0.0.1``, ``[::1]`` and
    ``::ffff:127.0.0.1`` all spell a loopback address; treating them as names would let them slip
    past a check that looks for ``127.0.0.1`` and then be connected to by ``getaddrinfo``.
    """
    host = host.strip().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    host = host.split("%", 1)[0]  # IPv6 zone id
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    try:
        nums = [_inet_aton_part(p) for p in parts]
    except ValueError:
        return None
    # inet_aton: a.b.c.d, a.b.(16 bits), a.(24 bits), (32 bits)
    *head, last = nums
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(nums)):
        return None
    value = last
    for i, n in enumerate(head):
        value |= n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def blocked_reason(ip: IPAddress) -> str | None:
    """Why the address is not public (e.g. "loopback"), or None when it is a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is None and ip in _IPV4_COMPAT and int(ip) > 1:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            inner = blocked_reason(embedded)
            return f"{inner} (embedded in IPv6)" if inner else None
        if ip.teredo is not None:
            return "Teredo tunnel"
    if ip.is_unspecified:
        return "unspecified (0.0.0.0 / ::)"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"  # 169.254.169.254 is the cloud metadata service
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "carrier-grade NAT"
    if ip.is_multicast:
        return "multicast"
    if ip.is_reserved:
        return "reserved"
    if isinstance(ip, ipaddress.IPv6Address) and ip in _UNIQUE_LOCAL:
        return "IPv6 unique-local"
    if ip.is_private:
        return "private"
    if not ip.is_global:  # documentation, benchmarking and other special-purpose ranges
        return "special-purpose"
    return None


def vetted_addresses(
    host: str, port: int, *, allow_private: bool, resolver: Resolver = system_resolver
) -> list[IPAddress]:
    """The addresses the bot may connect to for ``host``; BlockedAddressError if any is not public."""
    literal = parse_ip_literal(host)
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        addresses = []
        for raw in resolver(host, port):
            parsed = parse_ip_literal(raw)
            if parsed is None:
                raise FetchConnectError(f"the resolver returned {raw!r} for {host!r}, which is not an address")
            addresses.append(parsed)
        if not addresses:
            raise FetchConnectError(f"could not resolve the host name {host!r}")
    if allow_private:
        return addresses
    for ip in addresses:
        reason = blocked_reason(ip)
        if reason is not None:
            # All or nothing: a name with one internal address is a rebinding or pivot attempt.
            shown = host.strip("[]")
            also = "" if shown == str(ip) else f" ({ip})"
            article = "an" if reason[0] in "aeiouAEIOU" else "a"
            raise BlockedAddressError(
                f"refused to fetch from {shown}{also}: it is {article} {reason} address, not a public one "
                f"(set {ALLOW_PRIVATE_ENV}=true to allow private addresses)"
            )
    return addresses


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read/write also respects the fetch's total deadline,
    so a server dripping one byte per second cannot hold a fetch past its time budget."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self._inner = inner
        self._deadline = deadline

    def _timeout(self, timeout: float | None, exc: type[Exception]) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise exc("the total time budget of the fetch ran out")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._timeout(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._timeout(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._timeout(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore backend that vets the address of every connection and pins the socket to it."""

    def __init__(self, *, allow_private: bool, deadline: float, resolver: Resolver = system_resolver) -> None:
        self._allow_private = allow_private
        self._deadline = deadline
        self._resolver = resolver
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = vetted_addresses(host, port, allow_private=self._allow_private, resolver=self._resolver)
        error: Exception | None = None
        for ip in addresses:  # the vetted addresses and nothing else: no second DNS lookup
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise httpcore.ConnectTimeout("the total time budget of the fetch ran out")
            try:
                stream = self._inner.connect_tcp(
                    str(ip), port, min(timeout, left) if timeout else left, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        assert error is not None  # addresses is never empty
        raise error

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise BlockedAddressError("unix sockets are never connected to")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
