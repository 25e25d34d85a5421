"""The "Summarize incident" message shortcut: the card of any message — an article somebody
pasted, a link somebody else posted — in that message's thread, saying who asked.

Recorded as a job before the ack, like a mention (handlers/jobs/submissions.py runs it), so a
crash loses nothing and a replay of the same signed request finds the job by its trigger id."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from handlers.deps import Deps
from handlers.jobs.submissions import SHORTCUT, shortcut_payload
from handlers.slack_io.claims import interaction_key

CALLBACK_ID = "summarize_incident"  # the manifest's callback_id; others rely on this name


def register(app: App, deps: Deps) -> None:
    def on_shortcut(ack: Ack, shortcut: dict[str, Any], context: BoltContext) -> None:
        deps.jobs.enqueue(
            team_id=context.team_id or str((shortcut.get("team") or {}).get("id") or ""),
            kind=SHORTCUT,
            key=interaction_key("shortcut", shortcut),
            payload=shortcut_payload(shortcut),
        )
        ack()

    app.message_shortcut(CALLBACK_ID)(on_shortcut)
