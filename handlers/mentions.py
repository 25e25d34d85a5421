"""@incident-bot mentions: acknowledge with :eyes:, then reply in the thread with one card per link."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import chatops
from handlers.dedupe import first_time
from handlers.deps import Deps
from handlers.errors import reported
from handlers.posting import post
from handlers.replies import outcome_message

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    @reported
    def on_mention(event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if not first_time(deps, body):
            return
        channel, ts = event["channel"], event["ts"]
        thread = event.get("thread_ts") or ts
        try:
            client.reactions_add(channel=channel, timestamp=ts, name="eyes")
        except SlackApiError as exc:  # already_reacted, or no scope: the reply still matters more
            log.info("reactions.add failed: %s", exc.response.get("error"))
        team = context.team_id or ""
        origin = chatops.Origin(
            team_id=team,
            user_id=event.get("user", ""),
            channel_id=channel,
            conversation_type=deps.conversation_type(client, team_id=team, channel_id=channel),
            message_ts=ts,
        )
        outcomes = deps.process(event.get("text", ""), origin)
        for outcome in outcomes:
            blocks, text = outcome_message(outcome, client=client, deps=deps, channel=channel)
            post(client, channel=channel, thread_ts=thread, blocks=blocks, text=text, user=origin.user_id)

    app.event("app_mention")(ack=_ack, lazy=[on_mention])


def _ack(ack: Ack) -> None:
    ack()
