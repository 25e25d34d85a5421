"""Delivering a job's replies: the one place that knows where a reply goes, how a post can fail
and what the user is told then.

Replies come from the job's outbox (bot/usecases/jobs.py): each is marked sent as soon as Slack accepted
it, so a job taken over after a crash posts only what is left.
"""

from __future__ import annotations

import logging

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import PostError, RateLimited
from bot.runtime.slack_api import find_reply, post_message, reply_metadata
from bot.usecases import incidents
from bot.usecases.intake import error_id
from bot.usecases.jobs import JobQueue, LeaseLost, Requeue, retry_bookkeeping
from storage import Store
from storage.records import JobRecord, OutboxReply, SentReply

log = logging.getLogger(__name__)

# Where the bot cannot post itself, a slash command's answer still can go through its response URL.
NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found"})


def deliver(
    job: JobRecord,
    outbox: list[SentReply],
    *,
    client: WebClient,
    jobs: JobQueue,
    store: Store,
    response_url: str | None = None,
) -> str:
    """Post every unsent reply of ``outbox`` in order; the job's outcome ("replied").

    Raises Requeue when Slack asks for a wait longer than a worker may take (the replies already
    posted stay posted), LeaseLost when another process has taken the job over."""
    for item in outbox:
        if item.sent:
            continue
        # The last check before a post: a process whose lease lapsed (it stalled) leaves the
        # post to the process that took the job over.
        if not jobs.holds(job):
            raise LeaseLost(f"job {job.id} was taken over")
        if job.attempts > 1 and item.reply.route == "thread" and item.reply.thread_ts:
            # Taken over after a crash: the crash may have come after Slack accepted this reply
            # and before it was marked sent. The reply carries its job and number as metadata.
            found = find_reply(
                client, channel=item.reply.channel_id, thread_ts=item.reply.thread_ts, job_id=job.id, seq=item.seq
            )
            if found:
                jobs.mark_sent(job.id, item.seq, message_ts=found)
                continue
        message_ts, failure = _send(item.reply, client=client, response_url=response_url, tag=(job.id, item.seq))
        jobs.mark_sent(job.id, item.seq, message_ts=message_ts, failure=failure)
        if message_ts and item.reply.source_id is not None:
            _remember_message(store, job, item.reply, source_id=item.reply.source_id, message_ts=message_ts)
    return "replied"


def _remember_message(store: Store, job: JobRecord, reply: OutboxReply, *, source_id: int, message_ts: str) -> None:
    """The card's message becomes the report's "first reported" link (a command has no message)."""
    retry_bookkeeping(
        lambda: incidents.record_message(
            store=store,
            team_id=job.team_id,
            source_id=source_id,
            channel_id=reply.channel_id,
            message_ts=message_ts,
        ),
        what=f"the message of job {job.id}",
    )


def _send(
    reply: OutboxReply, *, client: WebClient, response_url: str | None, tag: tuple[int, int]
) -> tuple[str | None, str | None]:
    """(message ts, None) once posted; (None, None) when answered through the response URL;
    (None, Slack's error) when refused for good — the user is told that much."""
    if reply.route == "ephemeral":
        return None, respond(response_url, reply, response_type="ephemeral")
    try:
        ts = post_message(
            client,
            channel=reply.channel_id,
            blocks=reply.blocks,
            text=reply.text,
            thread_ts=reply.thread_ts if reply.route == "thread" else None,
            metadata=reply_metadata(*tag),
        )
        return ts, None
    except RateLimited as limited:
        raise Requeue(limited.retry_after, "Slack rate limit") from limited
    except PostError as exc:
        if reply.route == "channel" and exc.reason in NOT_A_MEMBER and response_url:
            # Not a member here (a DM, a channel it wasn't added to): the command's response URL
            # works in any conversation the command came from.
            return None, respond(response_url, reply, response_type="in_channel")
        tell_failure(client, reply, exc.reason)
        return None, exc.reason


def respond(response_url: str | None, reply: OutboxReply, *, response_type: str) -> str | None:
    """Answer through a command's response URL; None when done, else why not."""
    if not response_url:
        return "no_response_url"
    try:
        resp = Respond(response_url=response_url)(
            text=reply.text, blocks=reply.blocks, response_type=response_type, replace_original=False
        )
    except (OSError, ValueError) as exc:
        log.error("response URL answer failed: %s", type(exc).__name__)
        return "response_url_failed"
    if resp.status_code >= 400:
        log.error("response URL answered %s", resp.status_code)
        return f"response_url_{resp.status_code}"
    return None


def tell_failure(client: WebClient, reply: OutboxReply, reason: str) -> None:
    eid = error_id()
    log.error("posting to %s failed: %s (error id %s)", reply.channel_id, reason, eid)
    if reply.user_id:
        text = f"I couldn't post my reply here ({reason}; error id {eid})."
        ephemeral(client, channel=reply.channel_id, user=reply.user_id, text=text)


def ephemeral(client: WebClient, *, channel: str, user: str, text: str) -> bool:
    """A message only ``user`` sees in ``channel``; False when Slack refused that too."""
    try:
        client.chat_postEphemeral(channel=channel, user=user, text=text)
        return True
    except SlackApiError as exc:
        log.error("could not tell %s in %s either (%s)", user, channel, exc.response.get("error"))
        return False
