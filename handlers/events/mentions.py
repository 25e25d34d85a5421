"""@incident-bot mentions: recorded as a job before the ack; a worker replies in the thread
(handlers/jobs/submissions.py), exactly once even across a crash or a retried delivery."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from handlers.deps import Deps
from handlers.jobs.submissions import MENTION, mention_payload


def register(app: App, deps: Deps) -> None:
    def on_mention(ack: Ack, event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
        # The job is committed before Slack hears back: if this process dies a moment later,
        # the mention is still in the database for the next one. Slack's retries of the same
        # event find the job (unique on the event id) and add nothing.
        payload = mention_payload(event)
        key = str(body.get("event_id") or f"mention:{payload['channel']}:{payload['ts']}")
        team = context.team_id or str(body.get("team_id") or "")
        deps.jobs.enqueue(team_id=team, kind=MENTION, key=key, payload=payload)
        ack()

    app.event("app_mention")(on_mention)
