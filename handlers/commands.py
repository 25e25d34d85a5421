"""``/incident …``: acked at once; the work runs after the ack (Bolt lazy listener)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import chatops, commands, services
from bot.render.slack import CardContext, ListedIncident, card, incident_list_blocks
from handlers import digests
from handlers.dedupe import first_interaction
from handlers.deps import Deps
from handlers.errors import reported
from handlers.replies import evidence_key, outcome_message
from storage import IncidentRecord
from storage.records import Audience

WORKING = "Reading it… the card will appear in this channel in a moment."


def _help(cmd: commands.Help) -> str:
    return (f"{cmd.problem}.\n\n" if cmd.problem else "") + commands.HELP_TEXT


def listed(records: list[IncidentRecord]) -> list[ListedIncident]:
    return [ListedIncident(r.id, r.summary, r.last_seen_at.date().isoformat(), r.source_count) for r in records]


def _summary(
    cmd: commands.Summary,
    *,
    command: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
    deps: Deps,
) -> None:
    channel, user = command["channel_id"], command["user_id"]
    team = context.team_id or command.get("team_id", "")
    origin = chatops.Origin(
        team_id=team,
        user_id=user,
        channel_id=channel,
        conversation_type=deps.conversation_type(client, team_id=team, channel_id=channel),
    )
    for outcome in deps.process(cmd.text, origin):
        blocks, text = outcome_message(outcome, client=client, deps=deps, channel=channel, requested_by=user)
        if outcome.kind == "problem":
            respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
            continue
        try:
            ts = client.chat_postMessage(
                channel=channel, blocks=blocks, text=text, unfurl_links=False, unfurl_media=False
            )["ts"]
        except SlackApiError as exc:
            if exc.response.get("error") not in ("not_in_channel", "channel_not_found"):
                raise
            # The bot is not a member here (a DM, a channel it wasn't added to): answer through
            # the command's response URL, which works in any conversation the command came from.
            respond(text=text, blocks=blocks, response_type="in_channel", replace_original=False)
            continue
        if outcome.stored is not None:
            services.record_message(
                store=deps.store,
                team_id=origin.team_id,
                source_id=outcome.stored.source_id,
                channel_id=channel,
                message_ts=str(ts),
            )


def _run(
    cmd: commands.Command,
    *,
    command: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
    deps: Deps,
) -> None:
    team, channel = context.team_id or command.get("team_id", ""), command["channel_id"]
    # Whoever is in this conversation will see the answer: it shows what they may see.
    audience = Audience.conversation(channel)
    if isinstance(cmd, commands.Summary):
        _summary(cmd, command=command, client=client, respond=respond, context=context, deps=deps)
    elif isinstance(cmd, commands.ListIncidents):
        records = services.list_incidents(store=deps.store, team_id=team, limit=cmd.limit, audience=audience)
        blocks, text = incident_list_blocks(
            listed(records),
            heading=f"Latest {len(records)} incidents",
            empty="No incidents stored yet. Mention me with an article to start.",
        )
        respond(text=text, blocks=blocks, response_type="ephemeral")
    elif isinstance(cmd, commands.Search):
        records = services.search_incidents(
            store=deps.store, team_id=team, query=cmd.query, limit=20, audience=audience
        )
        blocks, text = incident_list_blocks(
            listed(records),
            heading=f"Incidents matching “{cmd.query[:100]}”",
            empty=f"No incidents match “{cmd.query[:100]}”.",
        )
        respond(text=text, blocks=blocks, response_type="ephemeral")
    elif isinstance(cmd, commands.Show):
        record = services.get_incident(store=deps.store, team_id=team, incident_id=cmd.incident_id, audience=audience)
        if record is None:
            respond(text=f"No incident #{cmd.incident_id} that this channel can see.", response_type="ephemeral")
            return
        key = evidence_key(record.id, record.sources[0].id) if record.sources else None
        blocks, text = card(record.summary, CardContext(incident_id=str(record.id), evidence_key=key))
        respond(text=text, blocks=blocks, response_type="ephemeral")
    elif isinstance(cmd, commands.Digest):
        digests.run(cmd, command=command, client=client, respond=respond, team_id=team, deps=deps)
    else:
        respond(text=_help(cmd), response_type="ephemeral")


def register(app: App, deps: Deps) -> None:
    def ack_command(ack: Ack, command: dict[str, Any]) -> None:
        cmd = commands.parse(command.get("text", ""))
        if isinstance(cmd, commands.Help):
            ack(response_type="ephemeral", text=_help(cmd))
        elif isinstance(cmd, commands.Summary):
            ack(response_type="ephemeral", text=WORKING)
        else:
            ack()

    @reported
    def run_command(command: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
        cmd = commands.parse(command.get("text", ""))
        if isinstance(cmd, commands.Help):  # help was answered in the ack
            return
        if first_interaction(deps, "command", command, context.team_id or ""):
            _run(cmd, command=command, client=client, respond=respond, context=context, deps=deps)

    app.command("/incident")(ack=ack_command, lazy=[run_command])
