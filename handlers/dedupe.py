"""Slack retries an event it thinks was not received (same event_id, X-Slack-Retry-Num); each
event is claimed once in the database, so a retry — even after a restart, or on another replica —
never produces a second reply."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse

from bot import services
from handlers.deps import Deps

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    @app.middleware
    def once_per_event(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse | None:
        if body.get("type") == "event_callback" and body.get("event_id"):
            team = str(body.get("team_id") or "")
            if not services.claim_event(store=deps.store, team_id=team, event_id=str(body["event_id"])):
                log.info("event %s already handled; ignoring the retry", body["event_id"])
                return BoltResponse(status=200, body="")
        return next()
