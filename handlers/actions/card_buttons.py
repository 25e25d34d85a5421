"""Buttons: "Show evidence" reveals, to the one who clicked, which sentence each fact came from."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond

from bot.domain.slash_commands import parse_number
from bot.render.slack import SHOW_EVIDENCE_ACTION, evidence_blocks
from bot.usecases import incidents
from handlers.deps import Deps
from handlers.slack_io.claims import first_interaction
from handlers.slack_io.error_reports import reported
from storage.records import Audience


def parse_key(value: str) -> tuple[int, int] | None:
    """The (incident, source) ids of a "Show evidence" button (handlers.slack_io.replies.evidence_key)."""
    incident, _, source = value.partition(":")
    ids = parse_number(incident), parse_number(source)
    return (ids[0], ids[1]) if ids[0] is not None and ids[1] is not None else None


def register(app: App, deps: Deps) -> None:
    @reported
    def show_evidence(body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        if not first_interaction(deps, "action", body, context.team_id or ""):
            return
        key = parse_key(str(action.get("value", "")))
        channel = context.channel_id
        team = context.team_id or ""
        summary = None
        if key is not None and channel:
            audience = Audience.conversation(channel)
            summary = incidents.source_summary(
                store=deps.store, team_id=team, incident_id=key[0], source_id=key[1], audience=audience
            )
        if key is None or summary is None:
            respond(
                text="That incident is no longer available here.", response_type="ephemeral", replace_original=False
            )
            return
        # What people corrected on the card has no sentence in the article: listed after them.
        record = incidents.get_incident(store=deps.store, team_id=team, incident_id=key[0], audience=audience)
        respond(
            blocks=evidence_blocks(summary, record.summary if record is not None else None),
            text="Evidence for each fact",
            response_type="ephemeral",
            replace_original=False,
        )

    app.action(SHOW_EVIDENCE_ACTION)(ack=_ack, lazy=[show_evidence])


def _ack(ack: Ack) -> None:
    ack()
