"""``/incident digest subscribe|unsubscribe|status|now`` in a channel."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain import digest_schedule as d
from bot.domain.slash_commands import Digest
from bot.errors import BadInputError
from bot.render.slack import digest_blocks, escape
from bot.runtime.slack_api import slack_permalinker
from bot.usecases import digests
from handlers.deps import Deps

log = logging.getLogger(__name__)


def _user_zone(client: WebClient, user_id: str, default: str) -> str:
    """The subscriber's own Slack time zone, else the configured default."""
    try:
        tz = client.users_info(user=user_id)["user"].get("tz")
    except SlackApiError as exc:
        log.info("users.info failed: %s", exc.response.get("error"))
        return default
    return str(tz) if tz else default


def run(cmd: Digest, *, command: dict[str, Any], client: WebClient, respond: Respond, team_id: str, deps: Deps) -> None:
    channel, user = command["channel_id"], command["user_id"]
    store = deps.store
    now = dt.datetime.now(dt.UTC)
    if cmd.action == "subscribe":
        zone = _user_zone(client, user, deps.settings.default_timezone)
        try:
            sub = digests.subscribe(
                store=store, team_id=team_id, channel_id=channel, user_id=user, args=cmd.args, default_zone=zone
            )
        except BadInputError as exc:
            respond(text=escape(str(exc)), response_type="ephemeral")
            return
        nxt = d.next_slot_after(digests.schedule_of(sub), now)
        respond(
            text=f"This channel will get a digest {escape(digests.describe(sub))}. "
            f"The first one: {escape(d.period_name(digests.schedule_of(sub), nxt))}.",
            response_type="in_channel",
        )
        return
    found = digests.find_subscription(store=store, team_id=team_id, channel_id=channel)
    if found is None:
        respond(text="This channel has no digest. `/incident digest subscribe` starts one.", response_type="ephemeral")
        return
    sub = found
    if cmd.action == "unsubscribe":
        digests.unsubscribe(store=store, team_id=team_id, channel_id=channel)
        respond(text="This channel's digest is stopped.", response_type="in_channel")
    elif cmd.action == "status":
        nxt = d.next_slot_after(digests.schedule_of(sub), now)
        state = "" if sub.active else " It is *paused*: I could not post here (archived channel, or I was removed)."
        respond(
            text=f"Digest {escape(digests.describe(sub))}; next: "
            f"{escape(d.period_name(digests.schedule_of(sub), nxt))}.{state}",
            response_type="ephemeral",
        )
    else:  # now: a preview only the asker sees; nothing is recorded
        digest = digests.preview(store=store, sub=sub, now=now, permalink=slack_permalinker(client))
        blocks, text = digest_blocks(digest)
        respond(blocks=blocks, text=text, response_type="ephemeral")
