"""Turning a use-case outcome into the Slack message that answers it."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.render.slack import CardContext, already_reported_blocks, card, problem_blocks
from bot.runtime.slack_api import permalink
from bot.usecases import incidents
from bot.usecases.intake import Outcome
from handlers.deps import Deps
from storage import StoreResult
from storage.records import Audience

log = logging.getLogger(__name__)


def evidence_key(incident_id: int, source_id: int) -> str:
    """The "Show evidence" button's value: which source's own summary to show."""
    return f"{incident_id}:{source_id}"


def _earlier_report(stored: StoreResult, *, client: WebClient, deps: Deps, channel: str) -> tuple[bool, str | None]:
    """Whether this conversation saw the incident reported before, and a permalink to that report.

    Only reports this conversation may see count (storage/privacy.py): one made in a private
    channel or DM elsewhere is never mentioned, linked, or hinted at by "Already reported"."""
    earlier = incidents.earlier_report(store=deps.store, stored=stored, audience=Audience.conversation(channel))
    if earlier is None:
        return False, None
    if not earlier.channel_id or not earlier.message_ts:
        return True, None
    return True, permalink(client, earlier.channel_id, earlier.message_ts)


def outcome_message(
    outcome: Outcome, *, client: WebClient, deps: Deps, channel: str, requested_by: str | None = None
) -> tuple[list[dict[str, Any]], str]:
    if outcome.kind == "problem" or outcome.summary is None:
        return problem_blocks(outcome.message or "Something went wrong.")
    stored = outcome.stored
    ctx = CardContext(requested_by=requested_by)
    if stored is not None:
        seen, link = False, None
        if stored.already_known or stored.attached:
            seen, link = _earlier_report(stored, client=client, deps=deps, channel=channel)
        if stored.already_known and seen:
            # The same article again, and this conversation saw it: a line, not a second card.
            return already_reported_blocks(
                outcome.summary,
                incident_id=str(stored.incident.id),
                first_report_link=link,
                requested_by=requested_by,
            )
        ctx = CardContext(
            incident_id=str(stored.incident.id),
            evidence_key=evidence_key(stored.incident.id, stored.source_id),
            requested_by=requested_by,
            already_reported=seen,
            first_report_link=link,
        )
    return card(outcome.summary, ctx)
