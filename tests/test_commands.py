"""Parsing /incident command text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.slash_commands import Digest, Feed, Help, ListIncidents, Search, Show, Summary, Unfurl, Watch, parse


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
        ("show 42", Show(42)),
        ("show #42", Show(42)),
        ("show 99999999999999999999", Show(99999999999999999999)),  # the store says no such incident
        ("list \u00b2", Help("`/incident list` takes a number from 1 to 50, not `\u00b2`")),
        ("list \u0663", Help("`/incident list` takes a number from 1 to 50, not `\u0663`")),
        ("search lazarus group", Search("lazarus group")),
        ("digest subscribe weekly 08:30 Europe/Paris", Digest("subscribe", ("weekly", "08:30", "Europe/Paris"))),
        ("digest status", Digest("status", ())),
        ("unfurl", Unfurl(None)),
        ("unfurl on", Unfurl(True)),
        ("UNFURL Off", Unfurl(False)),
        ("unfurl maybe", Help("`/incident unfurl` takes on or off, not `maybe`")),
        ("feed", Feed("list", ())),
        ("feed list", Feed("list", ())),
        (
            "feed add https://a.test/rss ransomware alert:high",
            Feed("add", ("https://a.test/rss", "ransomware", "alert:high")),
        ),
        ("FEED rm #3", Feed("remove", ("#3",))),
        ("watch", Watch("list", "")),
        ('watch add "Okta" CVE-2024-3400', Watch("add", '"Okta" CVE-2024-3400')),
        ("watch remove all", Watch("remove", "all")),
    ],
)
def test_parse(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "summary",
        "list two",
        "list 0",
        "show",
        "show 1 2",
        "search",
        "digest fly",
        "dance",
        "feed add",
        "feed remove",
        "feed remove x",
        "feed remove 1 2",
        "feed subscribe",
        "watch add",
        "watch remove",
        "watch everything",
    ],
)
def test_unclear_commands_get_help_with_a_reason(text: str) -> None:
    result = parse(text)
    assert isinstance(result, Help)
    assert result.problem


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("show <!channel>", "`&lt;!channel&gt;`"),
        ("list <!here>", "`&lt;!here&gt;`"),
        ("<@U0BOSS> hi", "`&lt;@U0BOSS&gt;`"),
        ("show a`b", "`a'b`"),  # a backtick cannot close the code span early
        ("list @channel", "`\uff20channel`"),
    ],
)
def test_what_the_user_typed_is_echoed_escaped(text: str, shown: str) -> None:
    result = parse(text)
    assert isinstance(result, Help)
    assert result.problem is not None
    assert result.problem.endswith(shown)


@given(st.text(max_size=300))
def test_parse_always_answers_with_a_command_whose_echo_is_inert(text: str) -> None:
    result = parse(text)
    assert isinstance(result, Summary | ListIncidents | Show | Search | Digest | Help)
    if isinstance(result, Help) and result.problem:
        # the user's text is shown back escaped: no raw markup, no mention that could notify
        assert "<" not in result.problem
        assert ">" not in result.problem
        assert "@channel" not in result.problem.lower()
    if isinstance(result, ListIncidents):
        assert 1 <= result.limit <= 50
    if isinstance(result, Show):
        assert result.incident_id >= 0


def test_export_takes_an_id_and_a_format_stix_by_default() -> None:
    from bot.domain.slash_commands import EXPORT_FORMATS, Export
    from bot.exports import FORMATS

    assert EXPORT_FORMATS == FORMATS  # the grammar names exactly what the exporter writes
    assert parse("export 42") == Export(42, "stix")
    assert parse("export #7 MISP") == Export(7, "misp")
    assert parse("export 7 csv") == Export(7, "csv")
    bad_format = parse("export 7 <!channel>")
    assert isinstance(bad_format, Help)
    assert bad_format.problem is not None
    assert "<!channel>" not in bad_format.problem
    assert isinstance(parse("export"), Help)
    assert isinstance(parse("export seven"), Help)
