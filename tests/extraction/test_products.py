"""Vulnerable products and tools (sentences written for these tests)."""

from __future__ import annotations

from bot.extraction.mentions import Context
from bot.extraction.products import extract_products, extract_tools
from bot.extraction.schema import IncidentType
from bot.extraction.text import Doc


def _ctx(text: str, title: str = "") -> Context:
    return Context(doc=Doc(text=text, title=title), types=[IncidentType.VULNERABILITY])


def test_product_near_vulnerability_words() -> None:
    ctx = _ctx(
        "Researchers found a critical flaw in Orbital Web Server that allows remote code execution. "
        "Orbital Web Server versions 2.1 and earlier are affected, the vendor said."
    )
    assert "Orbital Web Server" in [m.text for m in extract_products(ctx)]


def test_cve_ids_are_not_products() -> None:
    ctx = _ctx("The bug, tracked as CVE-2017-1234, affects Fennel CMS installations.")
    texts = [m.text for m in extract_products(ctx)]
    assert not any(t.startswith("CVE") for t in texts)
    assert "Fennel CMS" in texts


def test_named_ransomware_is_a_tool() -> None:
    ctx = _ctx("The files were encrypted by the Glacier ransomware, which demanded two bitcoin.")
    assert [m.text for m in extract_tools(ctx)] == ["Glacier ransomware"]


def test_known_malware_family() -> None:
    ctx = _ctx("The attackers used Emotet to spread through the network and then dropped TrickBot.")
    tools = {m.text for m in extract_tools(ctx)}
    assert tools == {"Emotet", "TrickBot"}


def test_malware_dubbed() -> None:
    ctx = _ctx("Analysts described a new banking trojan dubbed Quillfish that steals passwords.")
    assert "Quillfish" in [m.text for m in extract_tools(ctx)]


def test_kinds_of_flaw_and_headline_words_are_not_products() -> None:
    ctx = _ctx(
        "A Buffer Overflow in Heron Gateway firmware lets attackers run code. The Vendor says the flaw is "
        "fixed, and Heron Gateway owners should update.",
        title="Successful Exploit Of Heron Gateway Buffer Overflow Flaw",
    )
    texts = [m.text for m in extract_products(ctx)]
    assert "Heron Gateway" in texts
    assert not {"Buffer Overflow", "Vendor", "Successful", "Successful Exploit"} & set(texts)


def test_the_victim_is_not_an_affected_product() -> None:
    # (the product finder alone does take "Pembrook Bank" here: the card must not)
    from bot.extraction import summarize_article
    from bot.extraction.schema import Article

    s = summarize_article(
        Article(
            text="Hackers breached Pembrook Bank and stole the records of 12,000 customers. The attackers got in "
            "through a flaw in Pembrook Bank online banking, and Pembrook Bank is vulnerable to the same bug in "
            "its app, researchers said."
        )
    )
    assert "Pembrook Bank" in [m.text for m in s.victims]
    assert "Pembrook Bank" not in [m.text for m in s.affected_products]
