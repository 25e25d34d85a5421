"""The address policy, checked directly with a fake resolver: no packet leaves loopback here."""

from __future__ import annotations

import ipaddress
import time
from typing import Any

import httpcore
import pytest

from bot.sources.errors import BlockedAddressError, FetchConnectError
from bot.sources.netguard import GuardedBackend, blocked_reason, parse_ip_literal, vetted_addresses


def resolver_for(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int) -> list[str]:
        return table.get(host, [])

    return resolve


@pytest.mark.parametrize(
    ("spelling", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0X7F.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("0", "0.0.0.0"),
        ("[::1]", "::1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("169.254.169.254.", "169.254.169.254"),
    ],
)
def test_ip_spellings_are_parsed_like_a_c_resolver_would(spelling: str, address: str) -> None:
    assert parse_ip_literal(spelling) == ipaddress.ip_address(address)


@pytest.mark.parametrize("name", ["example.com", "news.example", "1e1", "256.256.256.256.1", "0x1g", "a.1"])
def test_names_are_not_ip_literals(name: str) -> None:
    assert parse_ip_literal(name) is None


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("10.0.0.5", "private"),
        ("172.16.3.4", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata service
        ("100.64.0.1", "carrier-grade NAT"),
        ("100.127.255.254", "carrier-grade NAT"),
        ("224.0.0.251", "multicast"),
        ("239.1.2.3", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("192.0.2.10", "private"),  # documentation range (Python files it under private)
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fc00::1", "unique-local"),
        ("fd12:3456::1", "unique-local"),
        ("fe80::1", "link-local"),
        ("ff02::1", "multicast"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "link-local"),
        ("::127.0.0.1", "loopback"),
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of 169.254.169.254
        ("2002:c0a8:0101::1", "private"),  # 6to4 of 192.168.1.1
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
    ],
)
def test_non_public_addresses_are_refused(address: str, reason: str) -> None:
    found = blocked_reason(ipaddress.ip_address(address))
    assert found is not None
    assert reason in found


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "1.1.1.1", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:8.8.8.8"]
)
def test_public_addresses_pass(address: str) -> None:
    assert blocked_reason(ipaddress.ip_address(address)) is None


def test_a_name_resolving_to_a_private_address_is_refused_and_the_message_names_the_setting() -> None:
    resolve = resolver_for({"intranet.example": ["10.0.0.7"]})
    with pytest.raises(BlockedAddressError, match="INCIDENT_BOT_FETCH_ALLOW_PRIVATE") as info:
        vetted_addresses("intranet.example", 80, allow_private=False, resolver=resolve)
    assert "10.0.0.7" in str(info.value)
    assert info.value.exit_code == 3


def test_one_private_address_among_public_ones_refuses_the_host() -> None:
    # A rebinding setup publishes a public and an internal record; the connection could pick either.
    resolve = resolver_for({"rebind.example": ["93.184.216.34", "169.254.169.254"]})
    with pytest.raises(BlockedAddressError, match="link-local"):
        vetted_addresses("rebind.example", 80, allow_private=False, resolver=resolve)


def test_public_resolution_is_returned_for_pinning() -> None:
    resolve = resolver_for({"news.example": ["93.184.216.34", "2606:2800:220:1::1"]})
    got = vetted_addresses("news.example", 443, allow_private=False, resolver=resolve)
    assert [str(a) for a in got] == ["93.184.216.34", "2606:2800:220:1::1"]


def test_ip_literals_never_reach_the_resolver() -> None:
    def resolve(host: str, port: int) -> list[str]:
        raise AssertionError("an IP literal must not be resolved")

    with pytest.raises(BlockedAddressError):
        vetted_addresses("0x0a000001", 80, allow_private=False, resolver=resolve)


def test_allow_private_lifts_the_check() -> None:
    resolve = resolver_for({"intranet.example": ["10.0.0.7"]})
    got = vetted_addresses("intranet.example", 80, allow_private=True, resolver=resolve)
    assert [str(a) for a in got] == ["10.0.0.7"]


def test_unresolvable_names_are_a_fetch_error() -> None:
    with pytest.raises(FetchConnectError, match="resolve"):
        vetted_addresses("nothing.example", 80, allow_private=False, resolver=resolver_for({}))


# The bounds of each inet_aton form, on both sides: one more than the largest part, or a fifth
# part, makes a name.
@pytest.mark.parametrize(
    ("spelling", "address"),
    [
        ("1.2.3.255", "1.2.3.255"),
        ("255.1.1.1", "255.1.1.1"),
        ("1.2.65535", "1.2.255.255"),
        ("1.16777215", "1.255.255.255"),
        ("4294967295", "255.255.255.255"),
    ],
)
def test_the_largest_part_of_each_form_is_an_address(spelling: str, address: str) -> None:
    assert parse_ip_literal(spelling) == ipaddress.ip_address(address)


@pytest.mark.parametrize(
    "name", ["1.2.3.4.0", "1.2.3.256", "256.1.1.1", "1.256.1.1", "1.2.65536", "1.16777216", "4294967296"]
)
def test_one_past_the_largest_part_is_not_an_address(name: str) -> None:
    assert parse_ip_literal(name) is None


# --- the total time budget caps every wait (connect, read, write, TLS) -----------------------


class _RecordingStream(httpcore.NetworkStream):
    def __init__(self) -> None:
        self.timeouts: list[float | None] = []

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.timeouts.append(timeout)
        return b""

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.timeouts.append(timeout)

    def close(self) -> None:
        pass

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
        self.timeouts.append(timeout)
        return self


class _RecordingBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self.timeouts: list[float | None] = []

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, *args: Any, **kw: Any) -> Any:
        self.timeouts.append(timeout)
        return _RecordingStream()


def _backend(seconds_left: float) -> tuple[GuardedBackend, _RecordingBackend]:
    guarded = GuardedBackend(
        allow_private=True, deadline=time.monotonic() + seconds_left, resolver=lambda host, port: ["203.0.113.7"]
    )
    inner = _RecordingBackend()
    guarded._inner = inner  # type: ignore[assignment]  # the one seam: the socket layer
    return guarded, inner


@pytest.mark.parametrize("asked", [30.0, None])
def test_a_connect_waits_no_longer_than_the_budget_left(asked: float | None) -> None:
    guarded, inner = _backend(2.0)
    guarded.connect_tcp("news.example", 443, timeout=asked)
    (given,) = inner.timeouts
    assert given is not None
    assert 0 < given <= 2.0


def test_a_shorter_connect_timeout_is_kept() -> None:
    guarded, inner = _backend(60.0)
    guarded.connect_tcp("news.example", 443, timeout=1.5)
    assert inner.timeouts == [1.5]


@pytest.mark.parametrize("asked", [30.0, None])
def test_reads_writes_and_tls_wait_no_longer_than_the_budget_left(asked: float | None) -> None:
    guarded, _ = _backend(2.0)
    stream = guarded.connect_tcp("news.example", 443)
    inner = stream._inner  # type: ignore[attr-defined]
    stream.read(10, timeout=asked)
    stream.write(b"x", timeout=asked)
    stream.start_tls(None, "news.example", timeout=asked)
    assert len(inner.timeouts) == 3
    assert all(t is not None and 0 < t <= 2.0 for t in inner.timeouts)


def test_a_shorter_read_timeout_is_kept() -> None:
    guarded, _ = _backend(60.0)
    stream = guarded.connect_tcp("news.example", 443)
    stream.read(10, timeout=0.5)
    assert stream._inner.timeouts == [0.5]  # type: ignore[attr-defined]


def test_a_spent_budget_refuses_to_wait_at_all() -> None:
    guarded, inner = _backend(-1.0)
    with pytest.raises(httpcore.ConnectTimeout):
        guarded.connect_tcp("news.example", 443)
    assert inner.timeouts == []
