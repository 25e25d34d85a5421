"""The card's "Edit", "Accurate" and "Something's wrong" buttons.

"Edit" opens the correction form (handlers/views/correct_incident.py saves it); the two
feedback buttons record the clicker's verdict. Each works only on an incident the conversation
the card is in may see."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.domain.slash_commands import parse_number
from bot.render.correction_form import FormTarget, edit_modal
from bot.render.slack import ACCURATE_ACTION, EDIT_ACTION, WRONG_ACTION
from bot.usecases import corrections
from handlers.deps import Deps
from handlers.slack_io.claims import first_interaction
from handlers.slack_io.error_reports import reported
from storage.records import Audience

GONE = "That incident is no longer available here."
THANKS = {
    "accurate": "Thanks: noted that this card is accurate.",
    "wrong": "Thanks: noted. If you know what is wrong, *Edit* fixes it for everyone.",
}


def where(body: dict[str, Any], context: BoltContext) -> tuple[str, str | None]:
    """The card's conversation, and its message ts when the card can be updated in place (an
    ephemeral card cannot)."""
    container = body.get("container") or {}
    channel = context.channel_id or str(container.get("channel_id") or "")
    ts = None if container.get("is_ephemeral") else (container.get("message_ts") or None)
    return channel, ts


def register(app: App, deps: Deps) -> None:
    @reported
    def open_form(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        if not first_interaction(deps, "action", body, context.team_id or ""):
            return
        incident_id = parse_number(str(action.get("value", "")))
        channel, ts = where(body, context)
        values = None
        if incident_id is not None and channel:
            values = corrections.form_values(
                store=deps.store,
                team_id=context.team_id or "",
                incident_id=incident_id,
                audience=Audience.conversation(channel),
            )
        if incident_id is None or values is None:
            respond(text=GONE, response_type="ephemeral", replace_original=False)
            return
        client.views_open(trigger_id=body["trigger_id"], view=edit_modal(FormTarget(incident_id, channel, ts), values))

    def judge(verdict: str) -> Any:
        @reported
        def record(body: dict[str, Any], action: dict[str, Any], respond: Respond, context: BoltContext) -> None:
            if not first_interaction(deps, "action", body, context.team_id or ""):
                return
            incident_id = parse_number(str(action.get("value", "")))
            channel, _ = where(body, context)
            user = str((body.get("user") or {}).get("id") or "")
            kept = (
                incident_id is not None
                and bool(channel and user)
                and corrections.feedback(
                    store=deps.store,
                    team_id=context.team_id or "",
                    incident_id=incident_id,
                    user_id=user,
                    verdict=verdict,
                    audience=Audience.conversation(channel),
                )
            )
            respond(text=THANKS[verdict] if kept else GONE, response_type="ephemeral", replace_original=False)

        return record

    app.action(EDIT_ACTION)(ack=_ack, lazy=[open_form])
    app.action(ACCURATE_ACTION)(ack=_ack, lazy=[judge("accurate")])
    app.action(WRONG_ACTION)(ack=_ack, lazy=[judge("wrong")])


def _ack(ack: Ack) -> None:
    ack()
