"""The card's overflow menu: "Export as STIX 2.1 / MISP event / CSV" uploads the incident as a file
into the card's thread (handlers/slack_io/uploads.py), with what this conversation may see."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.domain.slash_commands import EXPORT_FORMATS, parse_number
from bot.render.slack import EXPORT_ACTION
from handlers.deps import Deps
from handlers.slack_io.claims import first_interaction
from handlers.slack_io.error_reports import reported
from handlers.slack_io.uploads import upload_export


def parse_choice(value: str) -> tuple[int, str] | None:
    """(incident id, format) of an overflow option ("42:stix"), else None."""
    incident, _, fmt = value.partition(":")
    incident_id = parse_number(incident)
    return (incident_id, fmt) if incident_id is not None and fmt in EXPORT_FORMATS else None


def register(app: App, deps: Deps) -> None:
    @reported
    def export_card(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        if not first_interaction(deps, "action", body, context.team_id or ""):
            return
        choice = parse_choice(str((action.get("selected_option") or {}).get("value", "")))
        channel = context.channel_id
        if choice is None or not channel:
            respond(text="That export is not available here.", response_type="ephemeral", replace_original=False)
            return
        message = body.get("message") or {}
        container = body.get("container") or {}
        thread = message.get("thread_ts") or container.get("thread_ts") or container.get("message_ts")
        problem = upload_export(
            client,
            deps,
            team_id=context.team_id or "",
            channel_id=channel,
            user_id=context.user_id or "",
            incident_id=choice[0],
            fmt=choice[1],  # type: ignore[arg-type]  # one of EXPORT_FORMATS
            thread_ts=str(thread) if thread else None,
        )
        if problem:
            respond(text=problem, response_type="ephemeral", replace_original=False)

    app.action(EXPORT_ACTION)(ack=_ack, lazy=[export_card])


def _ack(ack: Ack) -> None:
    ack()
