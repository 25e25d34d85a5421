"""``/incident digest …`` (subscribe, unsubscribe, status, now)."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.commands import Digest
from handlers.deps import Deps


def run(cmd: Digest, *, command: dict[str, Any], client: WebClient, respond: Respond, team_id: str, deps: Deps) -> None:
    respond(text="Digest subscriptions are not available in this version yet.", response_type="ephemeral")
