"""Links posted where the bot is (Slack's ``link_shared``): when the workspace turned link
previews on (``/incident unfurl on``), a job makes each incident link's compact card and hands
it to ``chat.unfurl`` (handlers/jobs/unfurls.py). Recorded before the ack, like a mention."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.usecases import unfurls
from handlers.deps import Deps
from handlers.jobs.unfurls import UNFURL, unfurl_payload


def register(app: App, deps: Deps) -> None:
    def on_links(ack: Ack, event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
        team = context.team_id or str(body.get("team_id") or "")
        payload = unfurl_payload(event)
        if payload["links"] and unfurls.enabled(store=deps.store, team_id=team):
            key = str(body.get("event_id") or f"unfurl:{payload['channel']}:{payload['ts']}")
            deps.jobs.enqueue(team_id=team, kind=UNFURL, key=key, payload=payload)
        ack()

    app.event("link_shared")(on_links)
