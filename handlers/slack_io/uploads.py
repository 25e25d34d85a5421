"""An incident exported as a file into a conversation (``/incident export``, the card's overflow
menu): ``files.getUploadURLExternal``, the upload, ``files.completeUploadExternal``
(slack_sdk's ``files_upload_v2``), in the incident's thread when it was posted there."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.exports import SUFFIX, Format
from bot.render.slack import escape
from bot.usecases import exports
from bot.usecases import incidents as services
from handlers.deps import Deps
from storage.records import Audience

log = logging.getLogger(__name__)

LABEL = {"stix": "STIX 2.1", "misp": "MISP", "csv": "CSV", "json": "JSON"}


def upload_export(
    client: WebClient,
    deps: Deps,
    *,
    team_id: str,
    channel_id: str,
    user_id: str,
    incident_id: int,
    fmt: Format,
    thread_ts: str | None = None,
) -> str | None:
    """Upload the export; None when done, else what to tell the asker (only they see it)."""
    # Whoever is in this conversation gets the file: it holds what they may see.
    audience = Audience.conversation(channel_id)
    record = services.get_incident(store=deps.store, team_id=team_id, incident_id=incident_id, audience=audience)
    if record is None:
        return f"No incident #{incident_id} that this channel can see."
    text = exports.export_incidents([record], fmt)
    if thread_ts is None:
        thread_ts = services.first_threads(
            store=deps.store, team_id=team_id, channel_id=channel_id, incident_ids=[incident_id]
        ).get(incident_id)
    try:
        client.files_upload_v2(
            channel=channel_id,
            thread_ts=thread_ts,
            content=text,
            filename=f"incident-{incident_id}.{SUFFIX[fmt]}",
            title=f"Incident #{incident_id} ({LABEL[fmt]})",
            initial_comment=f"<@{escape(user_id)}> exported incident #{incident_id} as {LABEL[fmt]}.",
        )
    except SlackApiError as exc:
        reason = exc.response.get("error") if exc.response is not None else "no answer"
        log.warning("export upload of incident %s refused: %s", incident_id, reason)
        return f"Slack refused the file ({reason}); the bot may need the files:write scope (reinstall it)."
    return None
