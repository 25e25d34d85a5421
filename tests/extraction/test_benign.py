"""Indicators that are not indicators (bot/extraction/benign.py), on text written for the test."""

from __future__ import annotations

import pytest

from bot.extraction import summarize_article
from bot.extraction.benign import refang, why_benign
from bot.extraction.schema import Article, Evidence, Indicator, Mention

VICTIMS = [Mention(text="Acme Bank", evidence=Evidence(source="text", start=0, end=9, sentence="Acme Bank"))]


def indicator(kind: str, value: str) -> Indicator:
    return Indicator(kind=kind, value=value, evidence=Evidence(source="text", start=0, end=1, sentence="x"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "value", "reason"),
    [
        ("domain", "google[.]com", "a well-known site"),
        ("url", "hxxps://www.microsoft[.]com/security", "a well-known site"),
        ("domain", "acmebank[.]com", "the victim's own site"),
        ("domain", "www.acme-bank.co[.]uk", "the victim's own site"),
        ("domain", "acme[.]com", None),  # too short a name to tell
        ("domain", "news.example-daily[.]com", "the publisher's own site"),
        ("email", "reporter@example-daily[.]com", "the publisher's own site"),
        ("ipv4", "192.168.1[.]20", "a private or reserved address"),
        ("ipv4", "8.8.8[.]8", "a public DNS resolver"),
        ("md5", "d41d8cd98f00b204e9800998ecf8427e", "a well-known hash"),  # the empty file
    ],
)
def test_not_indicators(kind: str, value: str, reason: str | None) -> None:
    assert why_benign(indicator(kind, value), site="example-daily.com", victims=VICTIMS) == reason


def test_a_victim_named_with_more_words_still_owns_its_site() -> None:
    longer = [VICTIMS[0].model_copy(update={"text": "Acme Bank customers"})]
    assert why_benign(indicator("domain", "acmebank[.]com"), site=None, victims=longer) == "the victim's own site"
    assert why_benign(indicator("domain", "acmebank-login[.]com"), site=None, victims=longer) is None


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("domain", "acmebank-login[.]com"),  # a lookalike of the victim's site
        ("domain", "invoice-portal[.]xyz"),
        ("url", "hxxp://185.220.101[.]4/payload.bin"),
        ("ipv4", "185.220.101[.]4"),
        ("email", "billing@gmail[.]com"),  # a sender at a webmail provider
        ("sha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
    ],
)
def test_real_indicators_stand(kind: str, value: str) -> None:
    assert why_benign(indicator(kind, value), site="example-daily.com", victims=VICTIMS) is None


def test_refang_gives_the_live_value() -> None:
    assert refang("hxxps://evil[.]com/a") == "https://evil.com/a"
    assert refang("1.2.3[.]4") == "1.2.3.4"


def test_the_card_keeps_only_real_indicators() -> None:
    text = (
        "Hackers breached Acme Bank and stole the passwords of 40,000 customers, the bank said on Monday. "
        "Phishing emails sent from billing@acmebank-secure[.]com led customers to acmebank-login[.]com, "
        "a fake copy of acmebank[.]com hosted at 185.220.101[.]4. The malicious domain was registered last week; "
        "researchers at google[.]com and the bank's internal server 10.0.0[.]5 were mentioned in passing."
    )
    summary = summarize_article(Article(text=text, url="https://www.example-daily.com/story"))
    shown = {i.value for i in summary.indicators}
    assert "acmebank-login[.]com" in shown
    assert "185[.]220[.]101[.]4" in shown
    assert "acmebank[.]com" not in shown
    assert "google[.]com" not in shown
    assert not any(v.startswith("10[.]0") for v in shown)
    assert len(shown) == 3  # with the sender billing(at)acmebank-secure[.]com


@pytest.mark.parametrize(
    ("kind", "value", "reason"),
    [
        # on a warning list only (Python does not call these private): multicast, v4 and v6
        ("ipv4", "239.255.255[.]250", "a private or reserved address"),
        ("ipv6", "ff02::1", "a private or reserved address"),
        ("ipv4", "127.0.0[.]1", "a private or reserved address"),
        # the empty file's hashes, any case
        ("md5", "D41D8CD98F00B204E9800998ECF8427E", "a well-known hash"),
        ("sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709", "a well-known hash"),
        ("sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "a well-known hash"),
        # a subdomain of a listed site, a host in capitals
        ("domain", "x1.y2.wikipedia[.]org", "a well-known site"),
        ("url", "hxxps://WWW.MICROSOFT[.]com/x", "a well-known site"),
        ("domain", "evil-payload[.]top", None),
        ("ipv4", "100.64.0[.]1", None),  # shared address space: not on the lists used
    ],
)
def test_lists_by_kind(kind: str, value: str, reason: str | None) -> None:
    assert why_benign(indicator(kind, value), site=None, victims=[]) == reason


def named(name: str) -> list[Mention]:
    return [VICTIMS[0].model_copy(update={"text": name})]


@pytest.mark.parametrize(
    ("victim", "host", "own"),
    [
        ("Alder Mills", "alder[.]com", True),  # five letters: enough to tell
        ("Alder Mills", "aldermills[.]co[.]uk", True),
        ("Parcelo Logistics", "parcelo[.]com", True),  # the first word alone
        ("Parcelo Logistics", "parcelologistics[.]net", True),
        ("Parcelo Logistics", "logistics[.]com", False),  # not the start of the name
        ("Acme", "acme[.]com", False),  # four letters: too common to claim
    ],
)
def test_the_victims_own_site(victim: str, host: str, own: bool) -> None:
    reason = why_benign(indicator("domain", host), site=None, victims=named(victim))
    assert (reason == "the victim's own site") is own


def test_the_publisher_is_known_by_its_link_or_its_site_name() -> None:
    from bot.extraction.benign import drop_benign

    found = [
        indicator("email", "desk@example-daily[.]com"),
        indicator("domain", "cdn.example-daily[.]com"),
        indicator("domain", "example-daily[.]com"),
        indicator("domain", "evil-payload[.]top"),
    ]
    kept = ["evil-payload[.]top"]
    by_link = drop_benign(found, source_url="https://WWW.Example-Daily.com/story", site=None, victims=[])
    assert [i.value for i in by_link] == kept
    by_subdomain_link = drop_benign(found, source_url="https://news.example-daily.com/a", site=None, victims=[])
    assert [i.value for i in by_subdomain_link] == kept
    by_site = drop_benign(found, source_url=None, site="www.Example-Daily.com", victims=[])
    assert [i.value for i in by_site] == kept
    unknown = drop_benign(found, source_url=None, site=None, victims=[])
    assert len(unknown) == len(found)


@pytest.mark.parametrize(
    ("host", "name"),
    [
        ("news.example-daily.com", "example-daily.com"),
        ("a.b.example.co.uk", "example.co.uk"),
        ("bbc.co.uk", "bbc.co.uk"),
        ("evil.myvnc.com", "evil.myvnc.com"),  # a dynamic-DNS name belongs to whoever took it
        ("Example.COM.", "example.com"),
    ],
)
def test_registrable_names(host: str, name: str) -> None:
    from bot.extraction.benign import registrable

    assert registrable(host) == name


def test_a_name_without_a_known_suffix_keeps_its_last_two_labels() -> None:
    from bot.extraction.benign import registrable

    assert registrable("a.b.c.notarealtld") == "c.notarealtld"


def test_a_victims_site_in_capitals_is_still_its_own() -> None:
    assert why_benign(indicator("domain", "ACMEBANK[.]com"), site=None, victims=VICTIMS) == "the victim's own site"
