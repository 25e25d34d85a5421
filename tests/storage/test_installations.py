"""OAuth mode's installs in this project's database (bot/runtime/installations.py), on SQLite and
PostgreSQL, with the Slack stand-in answering token refreshes: a client per installed workspace,
refreshed before its token expires, and OAuth states that work once."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from slack_sdk.oauth.installation_store import Installation

from bot.app.settings import Settings
from bot.errors import ConfigurationError
from bot.runtime.installations import Installations, SingleTeam, authorization_url
from storage import Store
from tests.slack_standin import SlackStandIn
from tests.storage.conftest import race


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        yield standin


def settings_for(slack: SlackStandIn) -> Settings:
    return Settings(
        SLACK_API_URL=slack.api_url,
        SLACK_CLIENT_ID=slack.client_id,
        SLACK_CLIENT_SECRET=slack.client_secret,
        SLACK_BOT_TOKEN=None,
    )


@pytest.fixture
def installs(store: Store, slack: SlackStandIn) -> Installations:
    return Installations(settings=settings_for(slack), engine=store.engine)


def save(installs: Installations, team: str, token: str, *, refresh: str | None = None, expires_in: int = 0) -> None:
    installs.installation_store.save(
        Installation(
            app_id="A0TEST",
            team_id=team,
            team_name=f"Workspace {team}",
            bot_token=token,
            bot_id="BTEST",
            bot_user_id="UBOT",
            bot_scopes="chat:write",
            bot_refresh_token=refresh,
            bot_token_expires_in=expires_in if refresh else None,
            user_id="U0INSTALLER",
        )
    )


def test_each_installed_workspace_gets_its_own_client(installs: Installations) -> None:
    assert installs.client_for("T0A") is None
    save(installs, "T0A", "xoxb-a")
    save(installs, "T0B", "xoxb-b")
    client_a, client_b = installs.client_for("T0A"), installs.client_for("T0B")
    assert client_a is not None
    assert client_a.token == "xoxb-a"
    assert client_b is not None
    assert client_b.token == "xoxb-b"
    assert installs.teams() == [("T0A", "Workspace T0A"), ("T0B", "Workspace T0B")]
    # Uninstalled: no client any more.
    installs.installation_store.delete_all(enterprise_id=None, team_id="T0A")
    assert installs.client_for("T0A") is None
    assert installs.teams() == [("T0B", "Workspace T0B")]


def test_the_latest_install_wins(installs: Installations) -> None:
    save(installs, "T0A", "xoxb-old")
    time.sleep(1.1)  # installed_at has one-second resolution on some databases
    save(installs, "T0A", "xoxb-new")
    client = installs.client_for("T0A")
    assert client is not None
    assert client.token == "xoxb-new"


def test_a_token_about_to_expire_is_refreshed_once_and_saved(installs: Installations, slack: SlackStandIn) -> None:
    slack.token_lifetime = 12 * 3600  # what a refresh gives lives long
    save(installs, "T0A", "xoxb-expiring", refresh=slack.issue_refresh_token("T0A"), expires_in=3600)
    # Eight workers at once: one refresh (a refresh token is spent when used), all get the new token.
    clients, errors = race([lambda: installs.client_for("T0A")] * 8)
    assert errors == []
    refreshes = slack.calls_to("oauth.v2.access")
    assert len(refreshes) == 1
    assert refreshes[0].body["grant_type"] == "refresh_token"
    fresh = slack.token_of("T0A")
    assert fresh is not None
    assert fresh != "xoxb-expiring"
    assert {c.token for c in clients if c is not None} == {fresh}
    assert len(clients) == 8
    # Saved: the next lookup uses it without asking Slack again.
    bot = installs.bot("T0A")
    assert bot is not None
    assert bot.bot_token == fresh
    assert installs.client_for("T0A") is not None
    assert len(slack.calls_to("oauth.v2.access")) == 1


def test_a_long_lived_token_is_not_refreshed(installs: Installations, slack: SlackStandIn) -> None:
    save(installs, "T0A", "xoxb-fresh", refresh=slack.issue_refresh_token("T0A"), expires_in=12 * 3600)
    client = installs.client_for("T0A")
    assert client is not None
    assert client.token == "xoxb-fresh"
    assert slack.calls_to("oauth.v2.access") == []


def test_a_refused_refresh_means_the_workspace_is_not_served(
    installs: Installations, slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    save(installs, "T0A", "xoxb-expiring", refresh="xoxe-unknown", expires_in=60)
    with caplog.at_level(logging.ERROR):
        assert installs.client_for("T0A") is None
    assert "invalid_refresh_token" in caplog.text
    assert "xoxe-unknown" not in caplog.text
    assert "test-client-secret" not in caplog.text


def test_an_oauth_state_works_once_even_when_raced(installs: Installations) -> None:
    state = installs.state_store.issue()
    results, errors = race([lambda: installs.state_store.consume(state)] * 6)
    assert errors == []
    assert sorted(results) == [False] * 5 + [True]
    assert installs.state_store.consume("never-issued") is False


def test_expired_states_are_refused_and_cleared(store: Store, slack: SlackStandIn) -> None:
    installs = Installations(settings=settings_for(slack), engine=store.engine)
    installs.state_store.expiration_seconds = -1  # issued already expired
    stale = installs.state_store.issue()
    assert installs.state_store.consume(stale) is False
    installs.state_store.issue()
    installs.state_store.expiration_seconds = 600
    installs.state_store.issue()  # clears the expired ones first
    with store.engine.connect() as conn:
        rows = conn.execute(installs.state_store.oauth_states.select()).all()
    assert len(rows) == 1


def test_the_consent_page_follows_the_api_host() -> None:
    assert authorization_url("https://slack.com/api/") == "https://slack.com/oauth/v2/authorize"
    assert authorization_url("https://slack-gov.com/api") == "https://slack-gov.com/oauth/v2/authorize"
    assert authorization_url("http://127.0.0.1:8080/api/") == "http://127.0.0.1:8080/oauth/v2/authorize"


def test_both_credentials_are_needed(store: Store) -> None:
    with pytest.raises(ConfigurationError, match="SLACK_CLIENT_SECRET is not set"):
        Installations(settings=Settings(SLACK_CLIENT_ID="1.2", SLACK_CLIENT_SECRET=None), engine=store.engine)
    with pytest.raises(ConfigurationError, match="SLACK_CLIENT_ID is not set"):
        Installations(settings=Settings(SLACK_CLIENT_ID=None, SLACK_CLIENT_SECRET="s"), engine=store.engine)


def test_single_token_mode_serves_its_one_team(installs: Installations) -> None:
    client = installs.api
    single = SingleTeam(client, "T0A")
    assert single.client_for("T0A") is client
    assert single.client_for("T0B") is None
