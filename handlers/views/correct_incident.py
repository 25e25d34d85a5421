"""Saving the correction form: the correction is recorded before Slack hears back (so a form
with a mistake gets its error next to the field, and a saved one is never lost), then the card
is updated in place with "corrected by @user"."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.corrections import BY_KEY, CorrectionError, read_form
from bot.render.correction_form import CALLBACK_ID, FormTarget, submitted_values
from bot.render.slack import CardContext, card
from bot.usecases import corrections, incidents
from handlers.deps import Deps
from handlers.slack_io.claims import first_interaction, interaction_key
from handlers.slack_io.posting import ephemeral
from handlers.slack_io.replies import evidence_key
from storage.records import Audience

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    def save(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        target = FormTarget.load(str(view.get("private_metadata") or ""))
        user = str((body.get("user") or {}).get("id") or "")
        try:
            submitted = read_form(submitted_values(view))
        except CorrectionError as bad:
            ack(response_action="errors", errors={bad.field: str(bad)})
            return
        if target is None or not user:
            ack(response_action="errors", errors={"victims": "This form cannot be saved; open it again from the card."})
            return
        if not first_interaction(deps, "view", body, context.team_id or ""):
            ack()  # the same submission delivered again: saved the first time
            return
        done = corrections.correct(
            store=deps.store,
            team_id=context.team_id or "",
            incident_id=target.incident_id,
            user_id=user,
            audience=Audience.conversation(target.channel_id),
            submitted=submitted,
        )
        if done is None:
            ack(response_action="errors", errors={"victims": "That incident is no longer available in that channel."})
            return
        ack()
        if done.changed:
            log.info("incident %s corrected by %s: %s", target.incident_id, user, ", ".join(done.changed))
            deps.hand_over(interaction_key("view", body), list(done.changed))

    def update_card(body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        changed = deps.take_over(interaction_key("view", body))
        target = FormTarget.load(str(view.get("private_metadata") or ""))
        user = str((body.get("user") or {}).get("id") or "")
        if not changed or target is None or not user:
            return  # refused, repeated or changing nothing: the card stays as it is
        team = context.team_id or ""
        audience = Audience.conversation(target.channel_id)
        record = incidents.get_incident(
            store=deps.store, team_id=team, incident_id=target.incident_id, audience=audience
        )
        if record is None:
            return  # gone from this conversation since
        key = evidence_key(record.id, record.sources[0].id) if record.sources else None
        blocks, text = card(
            record.summary, CardContext(incident_id=str(record.id), evidence_key=key, corrected_by=user)
        )
        try:
            if target.message_ts:
                client.chat_update(channel=target.channel_id, ts=target.message_ts, blocks=blocks, text=text)
                return
        except SlackApiError as exc:
            log.warning("could not update the corrected card (%s)", exc.response.get("error"))
        fields = ", ".join(BY_KEY[k].label.lower() for k in changed if k in BY_KEY)
        ephemeral(
            client,
            channel=target.channel_id,
            user=user,
            text=f"Saved. Incident #{record.id} shows what you set ({fields}) from now on.",
        )

    app.view(CALLBACK_ID)(ack=save, lazy=[update_card])
