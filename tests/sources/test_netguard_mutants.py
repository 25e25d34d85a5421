"""The address policy's remaining edges, each pinned by a case (found by mutation testing, see
docs/testing.md): the system resolver's call and its zone ids, the exact refusal message, the
exact reasons, inet_aton's corner spellings, and every wait of a stream against a fixed clock."""

from __future__ import annotations

import ipaddress
import socket
from types import SimpleNamespace
from typing import Any

import httpcore
import pytest

from bot.sources import netguard
from bot.sources.errors import BlockedAddressError, FetchConnectError
from bot.sources.netguard import GuardedBackend, blocked_reason, parse_ip_literal, system_resolver, vetted_addresses

# --- the system resolver ---------------------------------------------------------------------


def test_the_system_resolver_asks_for_tcp_streams_and_drops_zone_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []

    def getaddrinfo(host: str, port: int, *, type: int, proto: int) -> list[tuple[Any, ...]]:
        calls.append((host, port, type, proto))
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("fe80::1%eth0", port, 0, 2)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
        ]

    monkeypatch.setattr(netguard.socket, "getaddrinfo", getaddrinfo)
    assert system_resolver("news.example", 8443) == ["fe80::1", "93.184.216.34"]
    assert calls == [("news.example", 8443, socket.SOCK_STREAM, socket.IPPROTO_TCP)]


@pytest.mark.parametrize("error", [socket.gaierror(-2, "Name or service not known"), UnicodeError("label too long")])
def test_a_name_the_system_cannot_resolve_is_a_fetch_error(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    def getaddrinfo(*args: Any, **kw: Any) -> list[tuple[Any, ...]]:
        raise error

    monkeypatch.setattr(netguard.socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(FetchConnectError) as info:
        system_resolver("nothing.example", 80)
    assert str(info.value) == "could not resolve the host name 'nothing.example'"
    assert info.value.__cause__ is error


# --- spellings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "address"),
    [
        ("0x", "0.0.0.0"),  # a bare hex prefix is zero, as inet_aton reads it
        ("0xff.1.1.1", "255.1.1.1"),  # 255 is the largest leading part
        ("255.1.257", "255.1.1.1"),
        ("07.1", "7.0.0.1"),  # a leading zero is octal
        ("fe80::1%eth0", "fe80::1"),  # an IPv6 zone id is not part of the address
        ("[fe80::1%eth0]", "fe80::1"),
        ("fe80::1%eth0%1", "fe80::1"),  # the zone id starts at the first '%'
    ],
)
def test_more_spellings_a_c_resolver_accepts(spelling: str, address: str) -> None:
    got = parse_ip_literal(spelling)
    assert got == ipaddress.ip_address(address)
    assert str(got) == address


@pytest.mark.parametrize(
    "name",
    [
        "08",  # not an octal number
        "1.2.3.09",
        "0x1X",  # not a hex number (and no trailing character is dropped but dots)
        "[::1",  # brackets come in pairs
        "::1]",
        "127.0.0.1 x",  # a space is no separator
    ],
)
def test_more_names_that_are_not_addresses(name: str) -> None:
    assert parse_ip_literal(name) is None


# --- reasons ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("0.0.0.0", "unspecified (0.0.0.0 / ::)"),
        ("::", "unspecified (0.0.0.0 / ::)"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("224.0.0.251", "multicast"),
        ("240.0.0.1", "reserved"),
        ("fd12:3456::1", "IPv6 unique-local"),
        ("10.0.0.5", "private"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo tunnel"),
        ("::ffff:127.0.0.1", "loopback (embedded in IPv6)"),
        # ::1 is IPv6 loopback, but ::2 and up are IPv4-compatible addresses (here 0.0.0.2)
        ("::2", "private (embedded in IPv6)"),
    ],
)
def test_each_reason_word_for_word(address: str, reason: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) == reason


# --- the refusal message -----------------------------------------------------------------------

_SETTING = "(set INCIDENT_BOT_FETCH_ALLOW_PRIVATE=true to allow private addresses)"


@pytest.mark.parametrize(
    ("host", "message"),
    [
        ("[::1]", f"refused to fetch from ::1: it is a loopback address, not a public one {_SETTING}"),
        (
            "0.0.0.0",
            f"refused to fetch from 0.0.0.0: it is an unspecified (0.0.0.0 / ::) address, not a public one {_SETTING}",
        ),
        ("fd00::1", f"refused to fetch from fd00::1: it is an IPv6 unique-local address, not a public one {_SETTING}"),
        ("0x7f.1", f"refused to fetch from 0x7f.1 (127.0.0.1): it is a loopback address, not a public one {_SETTING}"),
    ],
)
def test_the_refusal_names_the_host_its_address_and_the_reason(host: str, message: str) -> None:
    with pytest.raises(BlockedAddressError) as info:
        vetted_addresses(host, 80, allow_private=False)
    assert str(info.value) == message


def test_a_name_is_refused_with_its_address_and_resolved_for_its_port() -> None:
    asked: list[tuple[str, int]] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return ["192.168.0.9"]

    with pytest.raises(BlockedAddressError) as info:
        vetted_addresses("printer.example", 631, allow_private=False, resolver=resolve)
    assert str(info.value) == (
        f"refused to fetch from printer.example (192.168.0.9): it is a private address, not a public one {_SETTING}"
    )
    assert asked == [("printer.example", 631)]


def test_the_host_is_shown_as_written_less_its_brackets() -> None:
    with pytest.raises(BlockedAddressError, match=r"^refused to fetch from XBOX \(10\.0\.0\.8\): it is a private"):
        vetted_addresses("XBOX", 80, allow_private=False, resolver=lambda host, port: ["10.0.0.8"])


def test_a_resolver_answer_that_is_no_address_is_a_fetch_error() -> None:
    with pytest.raises(FetchConnectError) as info:
        vetted_addresses("odd.example", 80, allow_private=False, resolver=lambda host, port: ["not-an-ip"])
    assert str(info.value) == "the resolver returned 'not-an-ip' for 'odd.example', which is not an address"


# --- waits against a fixed clock ---------------------------------------------------------------

NOW = 1000.0


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """netguard's clock stands still at NOW (only netguard's: pytest keeps its own)."""
    monkeypatch.setattr(netguard, "time", SimpleNamespace(monotonic=lambda: NOW))


class _Stream(httpcore.NetworkStream):
    """Records every call and its arguments."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.calls.append(("read", max_bytes, timeout))
        return b"data"

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.calls.append(("write", buffer, timeout))

    def close(self) -> None:
        self.calls.append(("close",))

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
        self.calls.append(("start_tls", ssl_context, server_hostname, timeout))
        return self

    def get_extra_info(self, info: str) -> Any:
        self.calls.append(("get_extra_info", info))
        return f"info:{info}"


class _Backend(httpcore.NetworkBackend):
    """Records every connect; the addresses in ``refuse`` fail to connect."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.refuse = refuse
        self.stream = _Stream()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> Any:
        self.calls.append((host, port, timeout, local_address, socket_options))
        if host in self.refuse:
            raise httpcore.ConnectError(f"refused: {host}")
        return self.stream


def _guarded(left: float, addresses: list[str], refuse: tuple[str, ...] = ()) -> tuple[GuardedBackend, _Backend]:
    guarded = GuardedBackend(allow_private=True, deadline=NOW + left, resolver=lambda host, port: addresses)
    inner = _Backend(refuse)
    guarded._inner = inner  # type: ignore[assignment]  # the one seam: the socket layer
    return guarded, inner


@pytest.mark.usefixtures("clock")
def test_a_connect_goes_to_the_vetted_address_with_every_argument() -> None:
    asked: list[tuple[str, int]] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return ["203.0.113.7"]

    guarded, inner = _guarded(5.0, [])
    guarded._resolver = resolve
    guarded.connect_tcp("news.example", 8443, timeout=9.0, local_address="192.0.2.1", socket_options=[(1, 2, 3)])
    assert asked == [("news.example", 8443)]
    assert inner.calls == [("203.0.113.7", 8443, 5.0, "192.0.2.1", [(1, 2, 3)])]


@pytest.mark.usefixtures("clock")
def test_an_address_that_refuses_passes_to_the_next_and_the_last_error_is_raised() -> None:
    guarded, inner = _guarded(5.0, ["203.0.113.7", "203.0.113.8"], refuse=("203.0.113.7",))
    stream = guarded.connect_tcp("news.example", 443, timeout=2.0)
    assert [c[0] for c in inner.calls] == ["203.0.113.7", "203.0.113.8"]
    assert stream.read(4) == b"data"
    guarded, inner = _guarded(5.0, ["203.0.113.7", "203.0.113.8"], refuse=("203.0.113.7", "203.0.113.8"))
    with pytest.raises(httpcore.ConnectError, match=r"^refused: 203\.0\.113\.8$"):
        guarded.connect_tcp("news.example", 443)
    assert [c[0] for c in inner.calls] == ["203.0.113.7", "203.0.113.8"]


@pytest.mark.usefixtures("clock")
def test_a_connect_with_nothing_left_is_refused_and_a_little_left_is_enough() -> None:
    guarded, inner = _guarded(0.0, ["203.0.113.7"])
    with pytest.raises(httpcore.ConnectTimeout, match=r"^the total time budget of the fetch ran out$"):
        guarded.connect_tcp("news.example", 443)
    assert inner.calls == []
    guarded, inner = _guarded(0.25, ["203.0.113.7"])
    guarded.connect_tcp("news.example", 443)
    assert inner.calls == [("203.0.113.7", 443, 0.25, None, None)]


@pytest.mark.usefixtures("clock")
def test_every_stream_call_passes_its_arguments_with_the_wait_capped() -> None:
    guarded, inner = _guarded(3.0, ["203.0.113.7"])
    stream = guarded.connect_tcp("news.example", 443)
    assert stream.read(17, timeout=1.0) == b"data"
    stream.write(b"GET /", timeout=1.5)
    stream.write(b"x", timeout=None)
    context = object()
    tls = stream.start_tls(context, "news.example", timeout=2.5)
    assert stream.get_extra_info("ssl_object") == "info:ssl_object"
    stream.close()
    assert inner.stream.calls == [
        ("read", 17, 1.0),
        ("write", b"GET /", 1.5),
        ("write", b"x", 3.0),
        ("start_tls", context, "news.example", 2.5),
        ("get_extra_info", "ssl_object"),
        ("close",),
    ]
    # The stream after TLS keeps the same deadline.
    tls.read(8, timeout=None)
    assert inner.stream.calls[-1] == ("read", 8, 3.0)


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda s: s.read(1), httpcore.ReadTimeout),
        (lambda s: s.write(b"x"), httpcore.WriteTimeout),
        (lambda s: s.start_tls(None, "news.example"), httpcore.ConnectTimeout),
    ],
)
def test_a_stream_call_with_nothing_left_raises_its_own_timeout(call: Any, error: type[Exception]) -> None:
    guarded, inner = _guarded(0.5, ["203.0.113.7"])
    stream = guarded.connect_tcp("news.example", 443)
    assert inner.calls == [("203.0.113.7", 443, 0.5, None, None)]
    stream._deadline = NOW  # type: ignore[attr-defined]  # the budget is spent exactly now
    with pytest.raises(error, match=r"^the total time budget of the fetch ran out$"):
        call(stream)
    assert inner.stream.calls == []
    stream._deadline = NOW + 0.5  # type: ignore[attr-defined]  # half a second left is still a wait
    call(stream)
    assert len(inner.stream.calls) == 1


def test_unix_sockets_are_refused() -> None:
    guarded = GuardedBackend(allow_private=False, deadline=0.0)
    with pytest.raises(BlockedAddressError, match=r"^unix sockets are never connected to$"):
        guarded.connect_unix_socket("/var/run/docker.sock")


def test_the_backend_sleeps_on_the_real_socket_layer() -> None:
    guarded = GuardedBackend(allow_private=False, deadline=0.0)
    assert isinstance(guarded._inner, httpcore.SyncBackend)
    guarded.sleep(0.0)
