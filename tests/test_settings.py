"""Settings: every one documented in .env.example, secrets never shown."""

from __future__ import annotations

import re

import pytest

from bot.app.settings import Settings, env_names
from tests.conftest import ROOT


def test_every_setting_is_in_env_example() -> None:
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    missing = set(env_names()) - documented
    assert not missing, f"add these to .env.example: {sorted(missing)}"
    stale = documented - set(env_names())
    assert not stale, f".env.example lists settings the code does not read: {sorted(stale)}"


def test_secrets_are_not_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.slack_bot_token is not None
    assert s.slack_bot_token.get_secret_value() == "xoxb-very-secret"
    assert "very-secret" not in repr(s)
    assert "very-secret" not in str(s.model_dump())


def test_defaults_need_no_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in env_names():
        monkeypatch.delenv(name, raising=False)
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.database_url.startswith("sqlite:///")
    assert s.fetch_allow_private is False
