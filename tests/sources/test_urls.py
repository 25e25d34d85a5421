"""Slack link unwrapping, URL checks and canonicalization."""

from __future__ import annotations

import pytest

from bot.sources.errors import UrlRefusedError
from bot.sources.urls import canonicalize, check_url, slack_links, unwrap_slack_link


@pytest.mark.parametrize(
    ("wrapped", "url"),
    [
        ("<https://news.example/a?x=1&amp;y=2>", "https://news.example/a?x=1&y=2"),
        ("<https://news.example/a?x=1&amp;y=2|news.example/a>", "https://news.example/a?x=1&y=2"),
        ("<http://news.example/b|Breach at Acme>", "http://news.example/b"),
        ("  https://news.example/plain  ", "https://news.example/plain"),
        ("https://news.example/q?a=1&amp;b=2", "https://news.example/q?a=1&b=2"),
    ],
)
def test_unwrap_slack_link(wrapped: str, url: str) -> None:
    assert unwrap_slack_link(wrapped) == url


def test_slack_links_in_a_message() -> None:
    text = (
        "<@U123> summarize <https://a.example/x?p=1&amp;q=2|a.example/x> and "
        "<https://b.example/y> (again <https://b.example/y>) but not <#C42|general>"
    )
    assert slack_links(text) == ["https://a.example/x?p=1&q=2", "https://b.example/y"]


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://News.Example.COM/Story?id=7#comments", "https://news.example.com/Story?id=7"),
        (
            "https://news.example/a?utm_source=tw&utm_medium=social&id=3&fbclid=abc&gclid=x",
            "https://news.example/a?id=3",
        ),
        ("http://news.example:80/a", "http://news.example/a"),
        ("https://news.example:443", "https://news.example/"),
        ("https://news.example:8443/a?mc_cid=1&MSCLKID=2", "https://news.example:8443/a"),
        ("http://[::1]:8080/a", "http://[::1]:8080/a"),
    ],
)
def test_canonicalize(url: str, canonical: str) -> None:
    assert canonicalize(url) == canonical


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("file:///etc/passwd", "file:"),
        ("ftp://files.example/a.txt", "ftp:"),
        ("gopher://127.0.0.1:6379/_INFO", "gopher:"),
        ("javascript:alert(1)", "javascript:"),
        ("news.example/article", "no scheme"),
        ("https://user:secret@news.example/a", "user name or password"),
        ("https://user@news.example/a", "user name or password"),
        ("https:///nohost", "no host"),
        ("http://news.example:99999/", "not a valid URL"),
    ],
)
def test_refused_urls(url: str, why: str) -> None:
    with pytest.raises(UrlRefusedError, match=why) as info:
        check_url(url)
    # what the user gave is not a link the bot may read: bad input (exit 2), not a failed fetch
    assert info.value.exit_code == 2


def test_accepted_url_is_returned() -> None:
    assert check_url(" https://news.example/a?b=1 ") == "https://news.example/a?b=1"
