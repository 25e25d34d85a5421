"""``/incident …``: acked at once. ``summary`` is recorded as a job before the ack
(handlers/jobs/submissions.py runs it); the quick reads run after the ack (Bolt lazy listener)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.domain import slash_commands
from bot.render.slack import CardContext, ListedIncident, card, escape, incident_list_blocks
from bot.usecases import corrections, unfurls
from bot.usecases import incidents as services
from handlers.commands import digest, feeds
from handlers.deps import Deps
from handlers.jobs.submissions import SUMMARY, summary_payload
from handlers.slack_io.claims import first_interaction, interaction_key
from handlers.slack_io.error_reports import reported
from handlers.slack_io.replies import evidence_key
from handlers.slack_io.uploads import upload_export
from storage import IncidentRecord
from storage.records import Audience

WORKING = "Reading it… the card will appear in this channel in a moment."


def _help(cmd: slash_commands.Help) -> str:
    return (f"{cmd.problem}.\n\n" if cmd.problem else "") + slash_commands.HELP_TEXT


def listed(records: list[IncidentRecord]) -> list[ListedIncident]:
    return [ListedIncident(r.id, r.summary, r.first_seen_at.date(), r.source_count) for r in records]


def _run(
    cmd: slash_commands.Command,
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
    if isinstance(cmd, slash_commands.ListIncidents):
        records = services.list_incidents(store=deps.store, team_id=team, limit=cmd.limit, audience=audience)
        blocks, text = incident_list_blocks(
            listed(records),
            heading=f"Latest {len(records)} incidents",
            empty="No incidents stored yet. Mention me with an article to start.",
        )
        respond(text=text, blocks=blocks, response_type="ephemeral")
    elif isinstance(cmd, slash_commands.Search):
        records = services.search_incidents(
            store=deps.store, team_id=team, query=cmd.query, limit=20, audience=audience
        )
        blocks, text = incident_list_blocks(
            listed(records),
            heading=f"Incidents matching “{cmd.query[:100]}”",
            empty=f"No incidents match “{cmd.query[:100]}”.",
        )
        respond(text=text, blocks=blocks, response_type="ephemeral")
    elif isinstance(cmd, slash_commands.Show):
        record = services.get_incident(store=deps.store, team_id=team, incident_id=cmd.incident_id, audience=audience)
        if record is None:
            respond(text=f"No incident #{cmd.incident_id} that this channel can see.", response_type="ephemeral")
            return
        key = evidence_key(record.id, record.sources[0].id) if record.sources else None
        who = corrections.corrected_by(store=deps.store, team_id=team, incident_id=record.id)
        blocks, text = card(record.summary, CardContext(incident_id=str(record.id), evidence_key=key, corrected_by=who))
        respond(text=text, blocks=blocks, response_type="ephemeral")
    elif isinstance(cmd, slash_commands.Digest):
        digest.run(cmd, command=command, client=client, respond=respond, team_id=team, deps=deps)
    elif isinstance(cmd, slash_commands.Feed):
        feeds.run_feed(cmd, command=command, client=client, respond=respond, team_id=team, deps=deps)
    elif isinstance(cmd, slash_commands.Watch):
        feeds.run_watch(cmd, command=command, respond=respond, team_id=team, deps=deps)
    elif isinstance(cmd, slash_commands.Export):
        problem = upload_export(
            client,
            deps,
            team_id=team,
            channel_id=channel,
            user_id=str(command.get("user_id") or ""),
            incident_id=cmd.incident_id,
            fmt=cmd.fmt,  # type: ignore[arg-type]  # one of EXPORT_FORMATS, which are bot/exports' formats
        )
        if problem:
            respond(text=problem, response_type="ephemeral")
    elif isinstance(cmd, slash_commands.Unfurl):
        user = str(command.get("user_id") or "")
        if cmd.on is None:
            state = "on" if unfurls.enabled(store=deps.store, team_id=team) else "off"
            respond(text=f"Link previews of incident news are {state} in this workspace.", response_type="ephemeral")
        else:
            unfurls.set_enabled(store=deps.store, team_id=team, on=cmd.on, user_id=user)
            state = "on" if cmd.on else "off"
            # Everyone in the channel sees who changed a workspace setting.
            respond(
                text=f"<@{escape(user)}> turned link previews of incident news {state}.", response_type="in_channel"
            )
    elif isinstance(cmd, slash_commands.Help):
        respond(text=_help(cmd), response_type="ephemeral")


def register(app: App, deps: Deps) -> None:
    def ack_command(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        cmd = slash_commands.parse(command.get("text", ""))
        if isinstance(cmd, slash_commands.Help):
            ack(response_type="ephemeral", text=_help(cmd))
        elif isinstance(cmd, slash_commands.Summary):
            # Recorded before the ack, like a mention (handlers/jobs/submissions.py runs it); a replay
            # of the same signed request finds the job by its trigger key.
            deps.jobs.enqueue(
                team_id=context.team_id or str(command.get("team_id") or ""),
                kind=SUMMARY,
                key=interaction_key("command", command),
                payload=summary_payload(command, cmd.text),
            )
            ack(response_type="ephemeral", text=WORKING)
        else:
            ack()

    @reported
    def run_command(command: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext) -> None:
        cmd = slash_commands.parse(command.get("text", ""))
        if isinstance(cmd, slash_commands.Help | slash_commands.Summary):  # answered in the ack, or a job
            return
        if first_interaction(deps, "command", command, context.team_id or ""):
            _run(cmd, command=command, client=client, respond=respond, context=context, deps=deps)

    app.command("/incident")(ack=ack_command, lazy=[run_command])
