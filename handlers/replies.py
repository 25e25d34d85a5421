"""Turning a use-case outcome into the Slack message that answers it."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import services
from bot.chatops import Outcome
from bot.render.slack import CardContext, card, problem_blocks
from handlers.deps import Deps
from storage import StoreResult

log = logging.getLogger(__name__)


def evidence_key(incident_id: int, source_id: int) -> str:
    """The "Show evidence" button's value: which source's own summary to show."""
    return f"{incident_id}:{source_id}"


def _earlier_report_link(stored: StoreResult, *, client: WebClient, deps: Deps, channel: str) -> str | None:
    """Permalink of the first earlier report this channel may see (its own, or a public one)."""
    incident = services.get_incident(
        store=deps.store, team_id=stored.incident.team_id, incident_id=stored.incident.id, visible_to=channel
    )
    if incident is None:
        return None
    for src in sorted(incident.sources, key=lambda s: s.submitted_at):
        if not src.channel_id or not src.message_ts or (stored.attached and src.id == stored.source_id):
            continue
        if src.channel_id != channel and deps.conversation_type(client, src.channel_id) != "public_channel":
            continue  # a report made in a private conversation is never pointed at from elsewhere
        try:
            return str(client.chat_getPermalink(channel=src.channel_id, message_ts=src.message_ts)["permalink"])
        except SlackApiError as exc:
            log.info("chat.getPermalink failed: %s", exc.response.get("error"))
            return None
    return None


def outcome_message(
    outcome: Outcome, *, client: WebClient, deps: Deps, channel: str, requested_by: str | None = None
) -> tuple[list[dict[str, Any]], str]:
    if outcome.kind == "problem" or outcome.summary is None:
        return problem_blocks(outcome.message or "Something went wrong.")
    stored = outcome.stored
    ctx = CardContext(requested_by=requested_by)
    if stored is not None:
        link = None
        if stored.already_known or stored.attached:
            link = _earlier_report_link(stored, client=client, deps=deps, channel=channel)
        ctx = CardContext(
            incident_id=str(stored.incident.id),
            evidence_key=evidence_key(stored.incident.id, stored.source_id),
            requested_by=requested_by,
            already_reported=link is not None,
            first_report_link=link,
        )
    return card(outcome.summary, ctx)
