"""Slack retries an event it thinks was not received (same event_id, X-Slack-Retry-Num); each
event is claimed once in the database before it is acted on, so a retry — even after a restart,
or on another replica — never produces a second reply.

The claim is made by the listener, after Bolt has acked: the ack must never wait for the
database (a busy SQLite writer would hold it for seconds), and a retry that slips through before
the first claim commits is still stopped here, because only one claim can win."""

from __future__ import annotations

import logging
from typing import Any

from bot import services
from handlers.deps import Deps

log = logging.getLogger(__name__)


def first_time(deps: Deps, body: dict[str, Any]) -> bool:
    """True for the first delivery of this event; False for a retry or a duplicate."""
    event_id = body.get("event_id")
    if not event_id:
        return True  # not an Events API delivery (e.g. a test calling the listener directly)
    if services.claim_event(store=deps.store, team_id=str(body.get("team_id") or ""), event_id=str(event_id)):
        return True
    log.info("event %s already handled; ignoring the retry", event_id)
    return False
