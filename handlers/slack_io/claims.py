"""Each Slack delivery takes effect once.

Slack retries an event it thinks was not received (same event_id, X-Slack-Retry-Num); each
event is claimed once in the database before it is acted on, so a retry — even after a restart,
or on another replica — never produces a second reply.

The claim is made by the listener, after Bolt has acked: the ack must never wait for the
database (a busy SQLite writer would hold it for seconds), and a retry that slips through before
the first claim commits is still stopped here, because only one claim can win.

Commands, shortcuts, button clicks and view submissions are not retried by Slack, but a signed
request can be delivered again by anyone who captured it, within the five minutes its signature
is valid: each is claimed the same way, by its Slack ids."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from bot.usecases import incidents
from handlers.deps import Deps

log = logging.getLogger(__name__)


def first_time(deps: Deps, body: dict[str, Any]) -> bool:
    """True for the first delivery of this event; False for a retry or a duplicate."""
    event_id = body.get("event_id")
    if not event_id:
        return True  # not an Events API delivery (e.g. a test calling the listener directly)
    if incidents.claim_event(store=deps.store, team_id=str(body.get("team_id") or ""), event_id=str(event_id)):
        return True
    log.info("event %s already handled; ignoring the retry", event_id)
    return False


# Claims share the events' table: a prefix keeps their ids apart from event ids ("Ev…").
_CLAIM_ID_CHARS = 64


def interaction_key(kind: str, body: dict[str, Any]) -> str:
    """The id a command, shortcut, action or view submission takes effect once for.

    Slack gives each of them a fresh ``trigger_id``; a block action adds its ``action_ts`` and a
    view submission its view id. A body without any (not sent by Slack) is keyed by its content,
    so an exact replay is still caught."""
    parts = [str(body.get("trigger_id") or "")]
    for action in body.get("actions") or []:
        if isinstance(action, dict):
            parts.append(f"{action.get('action_id', '')}@{action.get('action_ts', '')}")
    view = body.get("view")
    if isinstance(view, dict):
        parts.append(f"{view.get('id', '')}#{view.get('hash', '')}")
    if not any(parts):
        parts = [json.dumps(body, sort_keys=True, default=str)]
    key = f"{kind}:{'/'.join(p for p in parts if p)}"
    if len(key) > _CLAIM_ID_CHARS:
        key = f"{kind}:" + hashlib.sha256(key.encode()).hexdigest()[: _CLAIM_ID_CHARS - len(kind) - 1]
    return key


def first_interaction(deps: Deps, kind: str, body: dict[str, Any], team_id: str) -> bool:
    """True the first time this interaction is acted on; False for a replay of it (a signed
    request delivered again within Slack's five-minute window), even after a restart."""
    key = interaction_key(kind, body)
    if incidents.claim_event(store=deps.store, team_id=team_id, event_id=key):
        return True
    log.warning("ignored a repeated %s (%s)", kind, key)
    return False
