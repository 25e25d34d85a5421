"""Installing in many workspaces, end to end: the running bot in OAuth mode, a browser going
through /slack/install and Slack's consent page (the stand-in) back to /slack/oauth_redirect, the
token exchange at the stand-in's oauth.v2.access, then signed requests from two workspaces that
each get answered with their own token and see only their own incidents."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import ROOT
from tests.slack.conftest import Bot, browse, start_bot
from tests.slack.test_e2e import ARTICLE, HOSTILE, blocks_text, mention
from tests.slack_standin import SlackStandIn

TEAM_A, TEAM_B = "T0ALPHA", "T0BRAVO"


def oauth_env(slack: SlackStandIn, **extra: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": "",  # unset: OAuth mode has no token of its own
        "SLACK_CLIENT_ID": slack.client_id,
        "SLACK_CLIENT_SECRET": slack.client_secret,
        **extra,
    }


@pytest.fixture
def oauth_bot(slack: SlackStandIn, tmp_path: Path) -> Iterator[Bot]:
    running = start_bot(slack, tmp_path, **oauth_env(slack))
    try:
        yield running
    finally:
        running.stop()


def install(bot: Bot, slack: SlackStandIn, team: str) -> Any:
    """A person installs the app into ``team``: /slack/install → the consent page → back to the
    bot with a code; the answer to that last step."""
    slack.expect_install(team, redirect_url=bot.url + "/slack/oauth_redirect")
    start = bot.browse("/slack/install")
    assert start.status == 302, start.body
    consent = start.headers["Location"]
    assert consent.startswith(slack.base_url + "/oauth/v2/authorize?")
    asked = parse_qs(urlsplit(consent).query)
    assert "chat:write" in asked["scope"][0].split(",")
    cookie = start.headers["Set-Cookie"].split(";")[0]
    back = browse(consent)
    assert back.status == 302
    return browse(back.headers["Location"], cookie=cookie)


def event_from(bot: Bot, team: str, event: dict[str, Any], event_id: str) -> None:
    assert bot.event(event, event_id=event_id, team=team).status == 200


def bearer(call: Any) -> str:
    return str({k.lower(): v for k, v in call.headers.items()}["authorization"]).removeprefix("Bearer ")


def test_two_workspaces_install_and_stay_apart(oauth_bot: Bot, slack: SlackStandIn) -> None:
    for team in (TEAM_A, TEAM_B):
        done = install(oauth_bot, slack, team)
        assert done.status == 200, done.body
        assert "slack://app?team=" + team in done.body  # Bolt's "open Slack" page
    exchanges = slack.calls_to("oauth.v2.access")
    assert len(exchanges) == 2  # the token exchange went to SLACK_API_URL, with the app's credentials
    token_a, token_b = slack.token_of(TEAM_A), slack.token_of(TEAM_B)
    assert token_a
    assert token_b
    assert token_a != token_b

    event_from(oauth_bot, TEAM_A, mention(ARTICLE), "Ev-alpha")
    (card,) = slack.wait_for("chat.postMessage")
    assert bearer(card) == token_a  # answered as the bot of the workspace that asked
    assert "Northbridge" in blocks_text(card.body)

    event_from(oauth_bot, TEAM_B, mention(HOSTILE, ts="1700000001.000100"), "Ev-bravo")
    cards = slack.wait_for("chat.postMessage", 2)
    assert bearer(cards[1]) == token_b

    oauth_bot.command("list", response_url=slack.response_url("list-a"), team=TEAM_A)
    oauth_bot.command("list", response_url=slack.response_url("list-b"), team=TEAM_B)
    (list_a,) = slack.wait_for("/response/list-a")
    (list_b,) = slack.wait_for("/response/list-b")
    assert "Northbridge" in blocks_text(list_a.body)
    assert "Acme Bank" not in blocks_text(list_a.body)
    assert "Acme Bank" in blocks_text(list_b.body)
    assert "Northbridge" not in blocks_text(list_b.body)

    # The command line sees both workspaces' incidents, one workspace at a time.
    assert "Northbridge" in cli(oauth_bot, "incidents", "list", "--team", TEAM_A)
    assert "Northbridge" not in cli(oauth_bot, "incidents", "list", "--team", TEAM_B)


def test_a_workspace_that_never_installed_gets_nothing(oauth_bot: Bot, slack: SlackStandIn) -> None:
    install(oauth_bot, slack, TEAM_A)
    event_from(oauth_bot, "T0STRANGER", mention(ARTICLE), "Ev-stranger")
    time.sleep(1.5)
    assert slack.calls_to("chat.postMessage") == []
    assert cli(oauth_bot, "incidents", "list", "--team", "T0STRANGER") == "no incidents stored yet\n"


def test_a_redirect_without_its_state_installs_nothing(oauth_bot: Bot, slack: SlackStandIn) -> None:
    slack.expect_install(TEAM_A, redirect_url=oauth_bot.url + "/slack/oauth_redirect")
    start = oauth_bot.browse("/slack/install")
    cookie = start.headers["Set-Cookie"].split(";")[0]
    back = browse(start.headers["Location"])
    callback = back.headers["Location"]
    # Another browser (no cookie), a forged state, then the real one twice: only that once.
    no_cookie = browse(callback)
    assert no_cookie.status == 400
    assert "invalid_browser" in no_cookie.body
    forged = callback.split("&state=")[0] + "&state=forged"
    forged_reply = browse(forged, cookie=cookie.split("=")[0] + "=forged")
    assert forged_reply.status == 401
    assert "invalid_state" in forged_reply.body
    assert slack.calls_to("oauth.v2.access") == []
    assert browse(callback, cookie=cookie).status == 200
    replay = browse(callback, cookie=cookie)
    assert replay.status == 401
    assert "invalid_state" in replay.body
    assert len(slack.calls_to("oauth.v2.access")) == 1
    # Slack's own "denied" answer is shown, escaped, not executed.
    denied = oauth_bot.browse("/slack/oauth_redirect?error=%3Cscript%3Ealert(1)%3C/script%3E")
    assert denied.status == 200
    assert "alert(1)" in denied.body
    assert "<script" not in denied.body


def test_rotating_tokens_are_refreshed_before_they_expire(slack: SlackStandIn, tmp_path: Path) -> None:
    slack.token_lifetime = 60  # well inside the two hours before expiry when the bot refreshes
    bot = start_bot(slack, tmp_path, **oauth_env(slack))
    try:
        install(bot, slack, TEAM_A)
        first = slack.token_of(TEAM_A)
        event_from(bot, TEAM_A, mention(ARTICLE), "Ev-rotate")
        (card,) = slack.wait_for("chat.postMessage")
    finally:
        bot.stop()
    refreshes = [c for c in slack.calls_to("oauth.v2.access") if c.body.get("grant_type") == "refresh_token"]
    assert refreshes, "the token was never refreshed"
    assert bearer(card) != first
    assert slack.tokens[bearer(card)] == TEAM_A


@pytest.mark.parametrize("policy", ["keep", "purge"])
def test_uninstalling_stops_work_and_keeps_or_purges_the_data(slack: SlackStandIn, tmp_path: Path, policy: str) -> None:
    bot = start_bot(slack, tmp_path, **oauth_env(slack, INCIDENT_BOT_UNINSTALL_DATA=policy))
    try:
        install(bot, slack, TEAM_A)
        install(bot, slack, TEAM_B)
        event_from(bot, TEAM_A, mention(ARTICLE), "Ev-a1")
        event_from(bot, TEAM_B, mention(HOSTILE, ts="1700000001.000100"), "Ev-b1")
        slack.wait_for("chat.postMessage", 2)
        uninstalled = {"type": "app_uninstalled"}
        event_from(bot, TEAM_A, uninstalled, "Ev-gone")
        event_from(bot, TEAM_A, mention(ARTICLE, ts="1700000002.000100", channel="C0OTHER"), "Ev-a2")
        time.sleep(1.5)
        assert len(slack.calls_to("chat.postMessage")) == 2  # nothing more for the uninstalled one
        kept_a = cli(bot, "incidents", "list", "--team", TEAM_A)
        assert ("Northbridge" in kept_a) is (policy == "keep")
        assert "Acme Bank" in cli(bot, "incidents", "list", "--team", TEAM_B)
        # Installing again serves the workspace again.
        install(bot, slack, TEAM_A)
        event_from(bot, TEAM_A, mention(ARTICLE, ts="1700000003.000100"), "Ev-a3")
        third = slack.wait_for("chat.postMessage", 3)[2]
        assert bearer(third) == slack.token_of(TEAM_A)
    finally:
        bot.stop()
    assert f"team {TEAM_A} uninstalled the app" in bot.log.read_text()


def test_single_token_mode_has_no_install_pages(bot: Bot) -> None:
    assert bot.browse("/slack/install").status == 404
    assert bot.browse("/slack/oauth_redirect?code=x&state=y").status == 404


def test_oauth_settings_must_come_in_pairs(slack: SlackStandIn, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="SLACK_CLIENT_SECRET is not set"):
        start_bot(slack, tmp_path, SLACK_BOT_TOKEN="", SLACK_CLIENT_ID=slack.client_id)


def cli(bot: Bot, *args: str) -> str:
    """The command line on the bot's own database (a SQLite file in these tests): what it
    printed, its notes on stderr after its output."""
    assert bot.database is not None
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env={"DATABASE_URL": f"sqlite:///{bot.database}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def test_install_pages_take_only_gets_of_a_sane_size(oauth_bot: Bot) -> None:
    assert oauth_bot.send(b"", {}, path="/slack/install").status == 405
    assert oauth_bot.browse("/slack/oauth_redirect?code=" + "x" * 5000).status == 414


def test_single_token_mode_stops_work_when_its_workspace_uninstalls(bot: Bot, slack: SlackStandIn) -> None:
    assert bot.event({"type": "app_uninstalled"}, event_id="Ev-bye").status == 200
    deadline = time.monotonic() + 10
    while "uninstalled the app" not in bot.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "team T0TEST uninstalled the app: 0 queued jobs closed, its data kept" in bot.log.read_text()
