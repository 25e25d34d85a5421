"""manifest.yml declares what the listeners need, and nothing they do not: every event, command
and shortcut a listener registers is in the manifest, and every one in the manifest has a listener."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ROOT

HANDLERS = ROOT / "handlers"


def manifest() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "manifest.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def registered(kind: str) -> set[str]:
    """What the listeners register with ``app.<kind>("…")`` or ``app.<kind>(NAME)`` (NAME a
    module-level string constant of the project), read from their source."""
    found: set[str] = set()
    for path in HANDLERS.rglob("*.py"):
        for literal, name in re.findall(rf'app\.{kind}\(\s*(?:"([^"]+)"|([A-Z_]+)\))', path.read_text()):
            found.add(literal or constant(name, path))
    return found


def constant(name: str, where: Path) -> str:
    """A string constant: defined in the module that uses it, or in the module it imports it from."""
    source = where.read_text()
    imported = re.search(rf"^from ([\w.]+) import [^\n]*\b{name}\b", source, flags=re.MULTILINE)
    if imported:
        source = (ROOT / (imported.group(1).replace(".", "/") + ".py")).read_text()
    (value,) = re.findall(rf'^{name} = "([^"]+)"', source, flags=re.MULTILINE)
    return value


def test_events_match_the_listeners() -> None:
    assert set(manifest()["settings"]["event_subscriptions"]["bot_events"]) == registered("event")


def test_the_slash_command_matches() -> None:
    assert {c["command"] for c in manifest()["features"]["slash_commands"]} == registered("command")


def test_the_message_shortcut_is_declared_under_its_callback_id() -> None:
    shortcuts = manifest()["features"]["shortcuts"]
    assert {(s["callback_id"], s["type"]) for s in shortcuts} == {
        (c, "message") for c in registered("message_shortcut")
    }
    assert ("summarize_incident", "message") in {(s["callback_id"], s["type"]) for s in shortcuts}
    assert {s["name"] for s in shortcuts} == {"Summarize incident"}


def test_interactivity_is_on_for_buttons_shortcuts_and_forms() -> None:
    assert {"show_evidence", "edit_incident", "feedback_accurate", "feedback_wrong"} <= registered("action")
    assert registered("view") == {"correct_incident"}
    assert manifest()["settings"]["interactivity"]["is_enabled"] is True


def test_the_scopes_the_features_need_are_requested() -> None:
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    needed = {"app_mentions:read", "chat:write", "commands", "reactions:write", "channels:read", "groups:read"}
    assert needed <= scopes


def test_an_install_asks_for_the_manifests_scopes_and_returns_to_the_redirect_path() -> None:
    from bot.app.settings import BOT_SCOPES
    from bot.runtime.installations import REDIRECT_PATH

    assert list(BOT_SCOPES) == manifest()["oauth_config"]["scopes"]["bot"]
    (redirect,) = manifest()["oauth_config"]["redirect_urls"]
    assert redirect.endswith(REDIRECT_PATH)
    assert {"app_uninstalled", "tokens_revoked"} <= set(manifest()["settings"]["event_subscriptions"]["bot_events"])
