"""Parsing /incident command text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands import Digest, Help, ListIncidents, Search, Show, Summary, parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Help()),
        ("help", Help()),
        ("summary Acme was hacked", Summary("Acme was hacked")),
        ("SUMMARY  <https://example.com/a>", Summary("<https://example.com/a>")),
        ("list", ListIncidents(10)),
        ("list 5", ListIncidents(5)),
        ("list 500", ListIncidents(50)),
        ("show 42", Show("42")),
        ("search lazarus group", Search("lazarus group")),
        ("digest subscribe weekly 08:30 Europe/Paris", Digest("subscribe", ("weekly", "08:30", "Europe/Paris"))),
        ("digest status", Digest("status", ())),
    ],
)
def test_parse(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize("text", ["summary", "list two", "list 0", "show", "show 1 2", "search", "digest fly", "dance"])
def test_unclear_commands_get_help_with_a_reason(text: str) -> None:
    result = parse(text)
    assert isinstance(result, Help)
    assert result.problem


@given(st.text(max_size=300))
def test_parse_never_fails(text: str) -> None:
    assert parse(text) is not None
