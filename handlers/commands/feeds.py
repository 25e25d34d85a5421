"""``/incident feed add|list|remove`` and ``/incident watch add|list|remove`` in a channel."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.domain.feed_options import describe
from bot.domain.slash_commands import Feed, Watch
from bot.errors import BadInputError
from bot.render.slack import FeedLine, escape, feed_line, truncate
from bot.usecases import feeds, watchlists
from handlers.deps import Deps
from storage.records import FeedRecord

MAX_LISTED = 40


def as_line(feed: FeedRecord) -> FeedLine:
    return FeedLine(
        id=feed.id,
        channel_id=feed.channel_id,
        url=feed.url,
        title=feed.title,
        options=describe(feed.types, feed.alert_severity, feed.interval_minutes),
        entries=feed.entries,
        incidents=feed.incidents,
        failures=feed.failures,
        paused=feed.paused,
        last_error=feed.last_error,
    )


def run_feed(
    cmd: Feed, *, command: dict[str, Any], client: WebClient, respond: Respond, team_id: str, deps: Deps
) -> None:
    channel, user = command["channel_id"], str(command.get("user_id") or "")
    if cmd.action == "add":
        kind = deps.conversation_type(client, team_id=team_id, channel_id=channel)
        try:
            feed, created = feeds.add_feed(
                store=deps.store,
                team_id=team_id,
                channel_id=channel,
                conversation_type=kind,
                user_id=user,
                url=cmd.args[0],
                options=cmd.args[1:],
            )
        except BadInputError as exc:
            respond(text=escape(str(exc)), response_type="ephemeral")
            return
        verb = "now follows" if created else "updated its feed"
        respond(
            text=f"<@{escape(user)}>: this channel {verb} `{feed.id}` {escape(feed.url)} "
            f"({escape(describe(feed.types, feed.alert_severity, feed.interval_minutes))}). "
            "Its incidents go to this channel's digest and search; the first read starts within a minute.",
            response_type="in_channel",
        )
    elif cmd.action == "list":
        found = feeds.list_feeds(store=deps.store, team_id=team_id, channel_id=channel)
        if not found:
            respond(
                text="This channel follows no feeds. `/incident feed add URL` starts one.", response_type="ephemeral"
            )
            return
        lines = [feed_line(as_line(f)) for f in found[:MAX_LISTED]]
        respond(text="*Feeds this channel follows*\n" + "\n".join(lines), response_type="ephemeral")
    else:
        feed_id = int(cmd.args[0].removeprefix("#"))
        if feeds.remove_feed(store=deps.store, team_id=team_id, feed_id=feed_id, channel_id=channel):
            respond(text=f"<@{escape(user)}> removed feed `{feed_id}` from this channel.", response_type="in_channel")
        else:
            respond(text=f"This channel has no feed `{feed_id}` (`/incident feed list`).", response_type="ephemeral")


def run_watch(cmd: Watch, *, command: dict[str, Any], respond: Respond, team_id: str, deps: Deps) -> None:
    channel, user = command["channel_id"], str(command.get("user_id") or "")
    try:
        if cmd.action == "add":
            added, known = watchlists.add_terms(
                store=deps.store, team_id=team_id, channel_id=channel, user_id=user, text=cmd.text
            )
            parts = []
            if added:
                parts.append(f"<@{escape(user)}> added to this channel's watchlist: {_terms(added)}.")
            if known:
                parts.append(f"Already watched: {_terms(known)}.")
            respond(
                text=" ".join(parts) + " Incidents naming them get an alert card here.",
                response_type="in_channel" if added else "ephemeral",
            )
        elif cmd.action == "remove":
            gone = watchlists.remove_terms(store=deps.store, team_id=team_id, channel_id=channel, text=cmd.text)
            if gone:
                respond(text=f"<@{escape(user)}> stopped watching {_terms(gone)}.", response_type="in_channel")
            else:
                respond(text="None of those are on this channel's watchlist.", response_type="ephemeral")
        else:
            terms = watchlists.list_terms(store=deps.store, team_id=team_id, channel_id=channel)
            text = (
                f"*This channel watches* {_terms([t.term for t in terms])}"
                if terms
                else 'This channel watches nothing yet: `/incident watch add "Okta" CVE-2024-3400`.'
            )
            respond(text=text, response_type="ephemeral")
    except BadInputError as exc:
        respond(text=escape(str(exc)), response_type="ephemeral")


def _terms(terms: list[str]) -> str:
    return ", ".join(f"“{escape(truncate(t, 100))}”" for t in terms[:200])
