"""Running a submission job (a mention, ``/incident summary``, the "Summarize incident" shortcut):
read, summarize, store, then reply.

The listeners (handlers/events/mentions.py, handlers/commands/incident.py,
handlers/shortcuts/summarize_message.py) only record the job before Slack's ack; this module is
what a worker runs for it, on this process or, after a crash, on another.
The replies are written to the job's outbox before the first post (bot/usecases/jobs.py), so a job taken
over does not read and store the article again once its replies exist.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.usecases import intake
from handlers.deps import Deps
from handlers.slack_io.error_reports import user_message
from handlers.slack_io.posting import deliver, ephemeral, respond
from handlers.slack_io.replies import outcome_message
from storage.records import JobRecord, OutboxReply

log = logging.getLogger(__name__)

MENTION = "mention"
SUMMARY = "summary"
SHORTCUT = "shortcut"
KINDS = (MENTION, SUMMARY, SHORTCUT)
# The kinds whose card goes into the thread of the message they were about.
_IN_THREAD = (MENTION, SHORTCUT)


def mention_payload(event: dict[str, Any]) -> dict[str, Any]:
    ts = str(event.get("ts") or "")
    return {
        "text": str(event.get("text") or ""),
        "channel": str(event.get("channel") or ""),
        "user": str(event.get("user") or ""),
        "ts": ts,
        "thread_ts": str(event.get("thread_ts") or ts),
    }


def summary_payload(command: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        "text": text,
        "channel": str(command.get("channel_id") or ""),
        "user": str(command.get("user_id") or ""),
        "response_url": str(command.get("response_url") or ""),
    }


def shortcut_payload(shortcut: dict[str, Any]) -> dict[str, Any]:
    """A message shortcut: the message's text and place, and who asked (not who wrote it)."""
    message = shortcut.get("message") or {}
    ts = str(message.get("ts") or shortcut.get("message_ts") or "")
    return {
        "text": str(message.get("text") or ""),
        "channel": str((shortcut.get("channel") or {}).get("id") or ""),
        "user": str((shortcut.get("user") or {}).get("id") or ""),
        "ts": ts,
        "thread_ts": str(message.get("thread_ts") or ts),
        "response_url": str(shortcut.get("response_url") or ""),
    }


def run(job: JobRecord, *, client: WebClient, deps: Deps) -> str:
    """The job handler for every kind: the outbox (made once), then its delivery."""
    p = job.payload
    outbox = deps.jobs.replies(job.id)
    if not outbox:
        if job.kind in _IN_THREAD and p.get("ts"):
            _acknowledge(client, channel=p["channel"], ts=p["ts"])
        origin = intake.Origin(
            team_id=job.team_id,
            user_id=p["user"],
            channel_id=p["channel"],
            conversation_type=deps.conversation_type(client, team_id=job.team_id, channel_id=p["channel"]),
            message_ts=p.get("ts") or None,
        )
        outcomes = deps.process(p["text"], origin)
        outbox = deps.jobs.save_replies(job, [_reply(job, o, client=client, deps=deps) for o in outcomes])
    return deliver(
        job, outbox, client=client, jobs=deps.jobs, store=deps.store, response_url=p.get("response_url") or None
    )


def _reply(job: JobRecord, outcome: intake.Outcome, *, client: WebClient, deps: Deps) -> OutboxReply:
    p = job.payload
    channel, user = p["channel"], p["user"]
    if job.kind == MENTION:
        blocks, text = outcome_message(outcome, client=client, deps=deps, channel=channel)
        return OutboxReply(
            route="thread", channel_id=channel, thread_ts=p["thread_ts"], user_id=user, blocks=blocks, text=text
        )
    found_one = outcome.kind != "problem" and outcome.summary is not None and outcome.summary.is_incident
    if job.kind == SHORTCUT and found_one:
        # In the message's thread, for everyone there, saying who asked (the message may be
        # someone else's). Anything else — nothing to read, not an incident — is for the asker
        # only (below): a "no incident here" in somebody's thread would be noise.
        blocks, text = outcome_message(outcome, client=client, deps=deps, channel=channel, requested_by=user)
        return OutboxReply(
            route="thread",
            channel_id=channel,
            thread_ts=p["thread_ts"],
            user_id=user,
            blocks=blocks,
            text=text,
        )
    blocks, text = outcome_message(outcome, client=client, deps=deps, channel=channel, requested_by=user)
    if outcome.kind == "problem" or (job.kind == SHORTCUT and not found_one):
        return OutboxReply(route="ephemeral", channel_id=channel, user_id=user, blocks=blocks, text=text)
    return OutboxReply(
        route="channel",
        channel_id=channel,
        user_id=user,
        blocks=blocks,
        text=text,
        source_id=outcome.stored.source_id if outcome.stored is not None else None,
    )


def _acknowledge(client: WebClient, *, channel: str, ts: str) -> None:
    """:eyes: on the mention, so its author sees it was received while the card is being made."""
    try:
        client.reactions_add(channel=channel, timestamp=ts, name="eyes")
    except SlackApiError as exc:  # already_reacted, or no scope: the reply still matters more
        log.info("reactions.add failed: %s", exc.response.get("error"))


def give_up(job: JobRecord, exc: BaseException, *, client: WebClient) -> None:
    """Tell the job's user that it could not be finished (it failed every attempt)."""
    p = job.payload
    eid = intake.error_id()
    log.error("gave up job %s (error id %s)", job.id, eid)
    text = user_message(exc, eid)
    try:
        if job.kind in (SUMMARY, SHORTCUT) and p.get("response_url"):
            notice = OutboxReply(route="ephemeral", channel_id=p["channel"], user_id=p["user"], blocks=[], text=text)
            respond(p["response_url"], notice, response_type="ephemeral")
        elif p.get("channel") and p.get("user"):
            ephemeral(client, channel=p["channel"], user=p["user"], text=text)
    except Exception:  # giving up must not fail: the job is closed either way
        log.exception("could not tell the user that job %s was given up", job.id)
